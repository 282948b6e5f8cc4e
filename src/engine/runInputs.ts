// What apply (and the analysis) take from a run: one answer for the engine's `run --apply`,
// the CLI's `apply` and VS Code's "Apply Run", all of which hold the same run record
// (live, or read from its journal), whose globs are repository-relative.
import type { AnalysedTaskInput, ApplyTaskInput } from '../git';
import type { TaskRecord } from './runRecord';

/** The fields of a task that apply needs (a TaskRecord has them). */
export type ApplicableTask = Pick<TaskRecord, 'id' | 'status' | 'dependsOn' | 'owns' | 'baseCommit' | 'resultCommit' | 'outsideWrites'>;

/** A run record, or any list of its tasks. */
export interface ApplySource {
  readonly tasks: readonly ApplicableTask[];
}

/**
 * Every task before the tasks that build on it (directly or through others, selected or
 * not), otherwise in the order given: the order in which apply merges results.
 */
export function dependencyOrder<T extends { readonly id: string; readonly dependsOn?: readonly string[] }>(tasks: readonly T[]): T[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen: ReadonlySet<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0; // a cycle (the plan refuses them): keep the given order
    const next = new Set(seen).add(id);
    const d = 1 + Math.max(0, ...(byId.get(id)?.dependsOn ?? []).map((x) => depthOf(x, next)));
    depth.set(id, d);
    return d;
  };
  return tasks
    .map((t, i) => ({ t, i, d: depthOf(t.id, new Set()) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.t);
}

/**
 * The results to apply, in dependency order: the succeeded tasks that have a result commit
 * (only those named in `only`, when given; unknown or unfinished ones are left out, so
 * callers that want to refuse them check first).
 */
export function applyInputs(source: ApplySource, opts: { readonly only?: readonly string[] } = {}): ApplyTaskInput[] {
  return dependencyOrder(source.tasks)
    .filter((t) => t.status === 'succeeded' && t.resultCommit !== undefined && t.baseCommit !== undefined && (!opts.only || opts.only.includes(t.id)))
    .map((t) => ({
      id: t.id,
      owns: [...t.owns],
      baseCommit: t.baseCommit as string,
      resultCommit: t.resultCommit as string,
    }));
}

/**
 * What the analysis looks at: every task with a result commit, whatever its status (a
 * failed task's work stays reviewable), in dependency order, with the writes outside the workspace that count as ownership violations.
 */
export function analysisInputs(source: ApplySource): AnalysedTaskInput[] {
  return dependencyOrder(source.tasks)
    .filter((t) => t.resultCommit !== undefined && t.baseCommit !== undefined)
    .map((t) => ({
      id: t.id,
      owns: [...t.owns],
      baseCommit: t.baseCommit as string,
      resultCommit: t.resultCommit as string,
      ...(t.outsideWrites?.length && { outsideWrites: t.outsideWrites }),
    }));
}
