// The plan's checks (ownership overlaps, dependency cycles, reads nothing orders) for a
// task file that has other problems, so that one pass reports every problem the file
// has: fixing an unknown key must not reveal an overlap that was there all along.
//
// Every task that can be read takes part, with the globs and dependencies that are
// fine. A task whose dependencies cannot be read (`dependsOn: a` instead of a list, a
// task that is not a map) keeps its place in the graph, but neither it nor anything
// after it is checked for overlaps: its order is unknown, so "they can run at the same
// time" could be false. Checks between the other tasks are exact.
import { planTasks } from './plan';
import { usableGlob } from './taskFileGlobs';
import type { Positions, Problem } from './taskFilePositions';
import { DEFAULT_CONCURRENCY, type Task, type TaskFile } from './taskSchema';

/** The plan's problems for a validated task file, at each diagnostic's first task key. */
export function planProblems(pos: Positions, taskFile: TaskFile): Problem[] {
  const plan = planTasks(taskFile);
  return [...plan.errors, ...plan.warnings]
    .filter((d) => d.code !== 'unknown-dependency') // the parser reports those at the list item
    .map((d) => ({ ...pos.problem(d.severity, d.message, pos.keyRange(['tasks'], d.tasks[0] ?? '')), code: d.code, tasks: d.tasks }));
}

/** The plan's problems for the readable part of a task file that did not validate. */
export function partialPlanProblems(pos: Positions, raw: unknown): Problem[] {
  if (!isRecord(raw) || !isRecord(raw.tasks)) return [];
  const entries = Object.entries(raw.tasks);
  const ids = new Set(entries.map(([id]) => id));
  const deps = new Map(entries.map(([id, t]) => [id, readableDeps(t, id, ids)]));
  const unordered = afterUnknownOrder(deps);
  const tasks: Task[] = entries.map(([id, t]) => {
    const checked = !unordered.has(id) && isRecord(t);
    const range = pos.keyRange(['tasks'], id);
    const { line, col } = pos.lines.linePos(range?.[0] ?? 0);
    return {
      id,
      kind: 'agent',
      owns: checked ? usableGlobs(t.owns) : [],
      reads: checked ? usableGlobs(t.reads) : [],
      dependsOn: deps.get(id) ?? [],
      line,
      column: col,
    };
  });
  return planProblems(pos, { path: pos.file, concurrency: DEFAULT_CONCURRENCY, tasks });
}

/** Known dependencies (dependsOn and aggregate.from), or undefined when they cannot be read. */
function readableDeps(t: unknown, id: string, ids: ReadonlySet<string>): string[] | undefined {
  if (!isRecord(t)) return undefined;
  const lists: unknown[] = [t.dependsOn ?? []];
  if (t.aggregate !== undefined) lists.push(isRecord(t.aggregate) ? t.aggregate.from : undefined);
  const out: string[] = [];
  for (const list of lists) {
    if (!Array.isArray(list) || !list.every((d) => typeof d === 'string')) return undefined;
    // unknown ids and self-dependencies are reported by the parser; they order nothing
    for (const d of list as string[]) if (d !== id && ids.has(d) && !out.includes(d)) out.push(d);
  }
  return out;
}

/** Tasks whose dependencies cannot be read, and every task that depends on one of them. */
function afterUnknownOrder(deps: ReadonlyMap<string, readonly string[] | undefined>): Set<string> {
  const out = new Set([...deps].filter(([, d]) => d === undefined).map(([id]) => id));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [id, d] of deps) {
      if (!out.has(id) && d?.some((x) => out.has(x))) {
        out.add(id);
        grew = true;
      }
    }
  }
  return out;
}

function usableGlobs(v: unknown): string[] {
  return Array.isArray(v) ? v.filter(usableGlob) : [];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
