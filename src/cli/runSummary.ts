// What `run` prints when the run ends: the JSON report (`--json`) and the text summary.
import { leftOutLines, runTokens, strategyJson, strategyLines, workspacePath, type RunRecord, type TaskRecord } from '../engine';
import { violationLines } from './commands/apply';
import { followUp } from './dirArg';
import { cappedLines, formatMs, formatSpeedup, formatUsd, plural, statusMark } from './format';
import type { CliIO } from './io';

export function summarize(v: RunRecord) {
  const finished = v.tasks.filter((t) => t.finishedAt !== undefined);
  const lastFinish = Math.max(v.startedAt, ...finished.map((t) => t.finishedAt as number));
  const wallMs = lastFinish - v.startedAt;
  const sumTaskMs = v.tasks.reduce((s, t) => s + (t.ms ?? 0), 0);
  const applied = v.applyResult;
  const conflicts = applied
    ? applied.conflicts.map((c) => ({ path: c.path, tasks: c.tasks }))
    : (v.analysis?.overlaps ?? []).filter((o) => o.conflicting).map((o) => ({ path: o.path, tasks: o.tasks }));
  return {
    runId: v.runId,
    status: v.status,
    ...(v.stopReason !== undefined && { stopReason: v.stopReason }),
    wallMs,
    sumTaskMs,
    // A cancelled or interrupted run measured nothing worth a speedup.
    speedup: claimsSpeedup(v) && wallMs > 0 ? round2(sumTaskMs / wallMs) : null,
    /** What the plan expected under the concurrency cap: the headline. */
    expectedSpeedup: round2(v.expectedSpeedup ?? 1),
    /** Amdahl's figure with unlimited slots, only ever shown as "uncapped". */
    uncappedSpeedup: round2(v.predictedSpeedup ?? 1),
    tokens: runTokens(v),
    costUsd: v.tasks.reduce((s, t) => s + t.costUsd, 0),
    tasks: v.tasks.map((t) => ({
      id: t.id,
      kind: t.kind,
      status: t.status,
      ms: t.ms ?? 0,
      tokens: { input: t.tokens.input, output: t.tokens.output, cacheRead: t.tokens.cacheRead, cacheWrite: t.tokens.cacheWrite },
      costUsd: t.costUsd,
      // Workspace-relative, as the agents saw them (the record's are repository-relative).
      changed: (t.changed ?? []).map((p) => workspacePath(v, p)),
      output: t.output ?? '',
      ...((t.error ?? t.reason) !== undefined && { error: t.error ?? t.reason }),
      ...(t.stopReason !== undefined && t.stopReason !== 'done' && { stopReason: t.stopReason }),
      ...(t.resultCommit !== undefined && { resultCommit: t.resultCommit }),
      ...(t.ignoredOutputs !== undefined && { ignoredOutputs: t.ignoredOutputs }),
      ...(t.outsideWrites !== undefined && { outsideWrites: t.outsideWrites }),
      ...strategyJson(workspaceStrategy(v, t)),
    })),
    overlaps: (v.analysis?.overlaps ?? []).map((o) => ({ path: o.path, tasks: o.tasks, conflicting: o.conflicting })),
    violations: (v.analysis?.violations ?? []).map((x) => ({ task: x.task, path: x.path, ...(x.outsideWorkspace && { outsideWorkspace: true }) })),
    conflicts,
    applied: applied
      ? { files: applied.applied, merged: applied.merged, skipped: applied.skipped, binaryConflicts: applied.binaryConflicts, violations: applied.violations }
      : null,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const claimsSpeedup = (v: RunRecord) => v.status !== 'cancelled' && v.status !== 'interrupted';

/** A task's strategy with its attempts' paths workspace-relative, as `run` has always reported them. */
function workspaceStrategy(v: RunRecord, t: TaskRecord): TaskRecord['strategy'] {
  const c = t.strategy?.competitive;
  if (!c || !v.prefix) return t.strategy;
  return { ...t.strategy, competitive: { ...c, attempts: c.attempts.map((a) => ({ ...a, changed: a.changed.map((p) => workspacePath(v, p)) })) } };
}

export function renderSummary(v: RunRecord, r: ReturnType<typeof summarize>, io: CliIO): string {
  const lines: string[] = [''];
  const cmd = (command: string) => followUp(io, v.repoRoot, command, v.runId);
  lines.push(...taskLines(v, cmd('show')));
  lines.push('');
  lines.push(`  Run ${v.runId}: ${v.status}${v.stopReason ? ` (${v.stopReason})` : ''}`);
  const times = `  Wall-clock ${formatMs(r.wallMs)} · sum of task times ${formatMs(r.sumTaskMs)}`;
  lines.push(
    r.speedup === null
      ? times
      : `${times} · measured speedup ${formatSpeedup(r.speedup)} (expected ${formatSpeedup(r.expectedSpeedup)} with up to ${v.concurrency} at once)`,
  );
  lines.push(`  Tokens in ${r.tokens.input} · out ${r.tokens.output} · cache read ${r.tokens.cacheRead} · cost ${formatUsd(r.costUsd)}`);
  for (const o of r.overlaps) lines.push(`  ${o.conflicting ? 'conflict' : 'overlap (merges cleanly)'}: ${o.path} (${o.tasks.join(', ')})`);
  for (const x of r.violations) {
    lines.push(`  ownership violation: ${x.task} ${x.outsideWorkspace ? `wrote ${x.path}, outside the workspace folder (not kept)` : `changed ${x.path}, which it does not own`}`);
  }
  const applied = v.applyResult;
  if (applied) {
    lines.push(`  Applied ${plural(applied.applied.length, 'file')}${applied.conflicts.length ? `, ${applied.conflicts.length} with conflict markers` : ''}; undo with: ${cmd('undo')}`);
    const seeAll = `\`${cmd('show')}\` lists the run's files`;
    const cap = (l: string[]) => cappedLines(l, '  ', seeAll);
    lines.push(...cap(applied.skipped.map((s) => `  skipped ${s.path}: ${s.reason}`)));
    lines.push(...violationLines(applied, io, v.repoRoot, cap, false).map((l) => `  ${l}`));
  } else if (v.status === 'succeeded') {
    lines.push(`  Review: ${cmd('show')} · apply: ${cmd('apply')}`);
  } else {
    lines.push(`  Finished work is kept: ${cmd('show')}`);
  }
  return lines.join('\n') + '\n';
}

/** Above this many tasks the summary counts them and lists only the ones worth a look. */
export const LIST_ALL_TASKS_UP_TO = 30;

/**
 * One block per task; for a long run, a count per status and then only the tasks that did
 * not succeed or that carry a note (a strategy's pick, writes left out), at most a screenful:
 * a thousand ✓ lines would push the run's totals and follow-up commands off the screen.
 */
function taskLines(v: RunRecord, showCommand: string): string[] {
  const block = (t: TaskRecord) => {
    const detail = t.status === 'succeeded' ? `${plural((t.changed ?? []).length, 'file')} changed` : (t.error ?? t.reason ?? '');
    const head = `  ${statusMark(t.status)} ${t.id.padEnd(14)} ${t.status.padEnd(9)} ${formatMs(t.ms ?? 0).padStart(7)}  ${formatUsd(t.costUsd).padStart(7)}  ${detail}`;
    return [head, ...strategyLines(t.strategy, '      '), ...leftOutLines(t, '      ')];
  };
  if (v.tasks.length <= LIST_ALL_TASKS_UP_TO) return v.tasks.flatMap(block);
  const counts = new Map<string, number>();
  for (const t of v.tasks) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const blocks = v.tasks.map(block).filter((b, i) => (v.tasks[i] as TaskRecord).status !== 'succeeded' || b.length > 1);
  const listed = blocks.length ? ` · listed below: ${blocks.length} not succeeded or with notes` : '';
  const out = [`  ${plural(v.tasks.length, 'task')}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}${listed}`];
  const seeAll = `\`${showCommand}\` lists every task`;
  const shown = cappedLines(blocks.map((b) => b.join('\n')), '  ', seeAll);
  out.push(...shown.flatMap((b) => b.split('\n')));
  if (!blocks.length || shown.length === blocks.length) out.push(`  ${seeAll}`);
  return out;
}
