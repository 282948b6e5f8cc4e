// Turns a plan into what the graph webview draws: one column per wave (tasks caught in
// a cycle in a last "Cycle" column), nodes placed in file order within a column, edges
// from each dependency to its dependant, the critical path's edges marked. Pure.
import type { Plan, TaskFile } from '../core';
import type { EditorProblem } from './taskFileAnalysis';
import type { PlanEdgeView, PlanNodeView, PlanProblemView, PlanViewModel } from './planProtocol';

export const LAYOUT = {
  nodeWidth: 180,
  nodeHeight: 52,
  columnGap: 90,
  rowGap: 26,
  marginX: 24,
  headerHeight: 40,
  marginBottom: 24,
} as const;

export function buildPlanViewModel(file: string, taskFile: TaskFile, plan: Plan, problems: readonly EditorProblem[]): PlanViewModel {
  const order = new Map(taskFile.tasks.map((t, i) => [t.id, i]));
  const byId = new Map(taskFile.tasks.map((t) => [t.id, t]));
  const maxWave = Math.max(0, ...plan.tasks.map((t) => t.wave));
  const hasCycle = plan.tasks.some((t) => t.wave === 0);
  const columnOf = (wave: number) => (wave === 0 ? maxWave : wave - 1);
  const columnCount = maxWave + (hasCycle ? 1 : 0);
  const colX = (c: number) => LAYOUT.marginX + c * (LAYOUT.nodeWidth + LAYOUT.columnGap);

  const perColumn = new Map<number, string[]>();
  for (const t of [...plan.tasks].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))) {
    const c = columnOf(t.wave);
    perColumn.set(c, [...(perColumn.get(c) ?? []), t.id]);
  }
  const tallest = Math.max(1, ...[...perColumn.values()].map((ids) => ids.length));

  const nodes: PlanNodeView[] = plan.tasks.map((t) => {
    const c = columnOf(t.wave);
    const row = (perColumn.get(c) ?? []).indexOf(t.id);
    const spec = byId.get(t.id);
    return {
      id: t.id,
      ...(spec?.title !== undefined && { title: spec.title }),
      kind: t.kind,
      wave: t.wave,
      slots: t.slots,
      estimate: t.estimate,
      onCriticalPath: t.onCriticalPath,
      line: spec?.line ?? 1,
      x: colX(c),
      y: LAYOUT.headerHeight + row * (LAYOUT.nodeHeight + LAYOUT.rowGap),
    };
  });

  const criticalEdges = new Set<string>();
  for (let i = 1; i < plan.criticalPath.length; i++) criticalEdges.add(`${plan.criticalPath[i - 1]}→${plan.criticalPath[i]}`);
  const edges: PlanEdgeView[] = plan.tasks.flatMap((t) =>
    t.dependsOn.map((d) => ({ from: d, to: t.id, critical: criticalEdges.has(`${d}→${t.id}`) })),
  );

  const columns = Array.from({ length: columnCount }, (_, c) => ({
    label: hasCycle && c === maxWave ? 'Cycle' : `Wave ${c + 1}`,
    x: colX(c),
  }));

  return {
    file,
    nodes,
    edges,
    columns,
    criticalPath: plan.criticalPath,
    unit: plan.unit,
    totalWork: plan.totalWork,
    criticalPathLength: plan.criticalPathLength,
    predictedSpeedup: plan.predictedSpeedup,
    speedupBound: plan.speedupBound,
    expectedSpeedup: plan.expectedSpeedup,
    concurrency: plan.concurrency,
    problems: problems.map(toProblemView),
    width: Math.max(1, columnCount) * (LAYOUT.nodeWidth + LAYOUT.columnGap) - LAYOUT.columnGap + 2 * LAYOUT.marginX,
    height: LAYOUT.headerHeight + tallest * (LAYOUT.nodeHeight + LAYOUT.rowGap) - LAYOUT.rowGap + LAYOUT.marginBottom,
    nodeWidth: LAYOUT.nodeWidth,
    nodeHeight: LAYOUT.nodeHeight,
  };
}

export function toProblemView(p: EditorProblem): PlanProblemView {
  return { severity: p.severity, message: p.message, line: p.line, column: p.column };
}
