// What apply (and the analysis) take from a run: one answer for the engine's `run --apply`,
// the CLI's `apply` and VS Code's "Apply Run", whichever form of the run they hold — the
// live RunView (globs workspace-relative, under its `prefix`), its journal (globs already
// repository-relative, as toJournal wrote them), or a list of tasks with
// repository-relative globs (VS Code's RunSnapshot).
import type { TaskStatus } from '../core';
import type { AnalysedTaskInput, ApplyTaskInput, JournalTask } from '../git';
import { prefixGlobs } from './prefixedWorkspace';

/** The fields of a task that apply needs; RunTaskView, TaskSnapshot and JournalTask-with-id all have them. */
export interface ApplicableTask {
  readonly id: string;
  readonly status: TaskStatus;
  readonly dependsOn?: readonly string[];
  /** Ownership globs; absent in journals written before they were recorded (then: everything). */
  readonly owns?: readonly string[];
  readonly baseCommit?: string;
  readonly resultCommit?: string;
  /** Command tasks: paths written outside the workspace folder (ownership violations). */
  readonly outsideWrites?: readonly string[];
}

export type ApplySource =
  /** A live run (RunView): `owns` are workspace-relative and get `prefix`. */
  | { readonly prefix: string; readonly tasks: readonly ApplicableTask[] }
  /** A journal (RunJournal): task id → task, `owns` repository-relative. */
  | { readonly tasks: Readonly<Record<string, JournalTask>> }
  /** Tasks whose `owns` are repository-relative already. */
  | { readonly tasks: readonly ApplicableTask[] };

function tasksOf(source: ApplySource): { tasks: ApplicableTask[]; prefix: string } {
  if (Array.isArray(source.tasks)) {
    return { tasks: [...(source.tasks as readonly ApplicableTask[])], prefix: 'prefix' in source ? source.prefix : '' };
  }
  const record = source.tasks as Readonly<Record<string, JournalTask>>;
  return { tasks: Object.entries(record).map(([id, t]) => ({ ...t, id })), prefix: '' };
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
 * callers that want to refuse them check first), with repository-relative `owns`.
 */
export function applyInputs(source: ApplySource, opts: { readonly only?: readonly string[] } = {}): ApplyTaskInput[] {
  const { tasks, prefix } = tasksOf(source);
  return dependencyOrder(tasks)
    .filter((t) => t.status === 'succeeded' && t.resultCommit !== undefined && t.baseCommit !== undefined && (!opts.only || opts.only.includes(t.id)))
    .map((t) => ({
      id: t.id,
      owns: t.owns ? prefixGlobs(t.owns, prefix) : ['**'],
      baseCommit: t.baseCommit as string,
      resultCommit: t.resultCommit as string,
    }));
}

/**
 * What the analysis looks at: every task with a result commit, whatever its status (a
 * failed task's work stays reviewable), in dependency order, with repository-relative
 * `owns` and the writes outside the workspace that count as ownership violations.
 */
export function analysisInputs(source: ApplySource): AnalysedTaskInput[] {
  const { tasks, prefix } = tasksOf(source);
  return dependencyOrder(tasks)
    .filter((t) => t.resultCommit !== undefined && t.baseCommit !== undefined)
    .map((t) => ({
      id: t.id,
      owns: t.owns ? prefixGlobs(t.owns, prefix) : ['**'],
      baseCommit: t.baseCommit as string,
      resultCommit: t.resultCommit as string,
      ...(t.outsideWrites?.length && { outsideWrites: t.outsideWrites }),
    }));
}
