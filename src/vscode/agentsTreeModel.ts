// The Agents view's model: its elements (plain data over run snapshots), what each
// contains, its parent, and the contextValue that picks its inline actions in
// package.json's menus. No `vscode` import: unit tests read it; agentsTree.ts builds the items.
import type { AttemptRecord, Ballot, TaskStatus } from '../core';
import { TreeItemContexts } from './ids';
import type { RunSnapshot, TaskSnapshot } from './runSnapshot';

export type AgentsNode =
  | { readonly type: 'run'; readonly run: RunSnapshot }
  | { readonly type: 'group'; readonly run: RunSnapshot; readonly status: TaskStatus; readonly count: number }
  | { readonly type: 'task'; readonly run: RunSnapshot; readonly task: TaskSnapshot }
  | { readonly type: 'file'; readonly run: RunSnapshot; readonly task: TaskSnapshot; readonly path: string }
  | { readonly type: 'transcript'; readonly run: RunSnapshot; readonly task: TaskSnapshot }
  | { readonly type: 'attempt'; readonly run: RunSnapshot; readonly task: TaskSnapshot; readonly attempt: AttemptRecord }
  | { readonly type: 'attemptFile'; readonly run: RunSnapshot; readonly task: TaskSnapshot; readonly attempt: AttemptRecord; readonly path: string }
  | { readonly type: 'voter'; readonly run: RunSnapshot; readonly task: TaskSnapshot; readonly ballot: Ballot };

/**
 * A run with more tasks than this lists them by status (running, failed…, queued, done):
 * a sidebar shows about thirty rows, and a run of 1,000 tasks is read by its counts and
 * what is running or failed, not by scrolling.
 */
export const GROUP_TASKS_OVER = 30;

/** The order of the status groups: what needs looking at first. */
export const GROUP_ORDER: readonly TaskStatus[] = ['running', 'failed', 'undecided', 'queued', 'succeeded', 'cancelled', 'skipped'];

/** Groups open at first: few tasks, and the ones to look at. The rest open on a click. */
export const OPEN_GROUPS: ReadonlySet<TaskStatus> = new Set(['running', 'failed', 'undecided']);

export const grouped = (r: RunSnapshot): boolean => r.tasks.length > GROUP_TASKS_OVER;

// Snapshots are immutable (a change makes a new one): their tasks by status are sorted once.
const byStatusCache = new WeakMap<RunSnapshot, ReadonlyMap<TaskStatus, readonly TaskSnapshot[]>>();

/** The run's tasks by status, each list in the run's order. */
export function tasksByStatus(r: RunSnapshot): ReadonlyMap<TaskStatus, readonly TaskSnapshot[]> {
  let m = byStatusCache.get(r);
  if (!m) {
    const out = new Map<TaskStatus, TaskSnapshot[]>();
    for (const t of r.tasks) {
      const list = out.get(t.status);
      if (list) list.push(t);
      else out.set(t.status, [t]);
    }
    byStatusCache.set(r, (m = out));
  }
  return m;
}

/**
 * The roots are the runs; a run holds its tasks (by status in a large run); a task that
 * started holds its attempts, its voters, its changed files and its transcript; an
 * attempt with a result its files.
 */
export function childrenOf(element: AgentsNode | undefined, runs: () => readonly RunSnapshot[]): AgentsNode[] {
  if (!element) return runs().map((run) => ({ type: 'run', run }));
  if (element.type === 'run') {
    const run = element.run;
    if (!grouped(run)) return run.tasks.map((task) => ({ type: 'task', run, task }));
    const by = tasksByStatus(run);
    return GROUP_ORDER.filter((s) => by.has(s)).map((status) => ({ type: 'group', run, status, count: by.get(status)?.length ?? 0 }));
  }
  if (element.type === 'group') return (tasksByStatus(element.run).get(element.status) ?? []).map((task) => ({ type: 'task', run: element.run, task }));
  if (element.type === 'task') {
    const { run, task } = element;
    if (task.status === 'queued') return [];
    const attempts: AgentsNode[] = (task.strategy?.competitive?.attempts ?? []).map((attempt) => ({ type: 'attempt', run, task, attempt }));
    const voters: AgentsNode[] = (task.strategy?.votes?.ballots ?? []).map((ballot) => ({ type: 'voter', run, task, ballot }));
    const files: AgentsNode[] = (task.changed ?? []).map((p) => ({ type: 'file', run, task, path: p }));
    return [...attempts, ...voters, ...files, { type: 'transcript', run, task }];
  }
  if (element.type === 'attempt') {
    const { run, task, attempt } = element;
    return attempt.resultCommit ? attempt.changed.map((p) => ({ type: 'attemptFile', run, task, attempt, path: p })) : [];
  }
  return [];
}

export function parentOf(n: AgentsNode): AgentsNode | undefined {
  if (n.type === 'run') return undefined;
  if (n.type === 'group') return { type: 'run', run: n.run };
  if (n.type === 'task') {
    if (!grouped(n.run)) return { type: 'run', run: n.run };
    return { type: 'group', run: n.run, status: n.task.status, count: tasksByStatus(n.run).get(n.task.status)?.length ?? 0 };
  }
  if (n.type === 'attemptFile') return { type: 'attempt', run: n.run, task: n.task, attempt: n.attempt };
  return { type: 'task', run: n.run, task: n.task };
}

/** Running in this window: cancel. Applied (not undone): undo only. Otherwise: apply. */
export function runContext(r: RunSnapshot): string {
  return r.status === 'running' && r.live ? TreeItemContexts.runActive : r.applied && !r.applied.undone ? TreeItemContexts.runApplied : TreeItemContexts.run;
}

/** A competitive task, failed or done, can have another attempt chosen; an undecided one is no result. */
export function taskContext(t: TaskSnapshot): string {
  const competitive = t.strategy?.competitive !== undefined;
  return t.status === 'running' ? TreeItemContexts.taskRunning
    : t.status === 'queued' ? TreeItemContexts.taskQueued
    : t.status === 'undecided' ? TreeItemContexts.taskUndecided
    : t.status === 'failed' || t.status === 'cancelled' ? (competitive ? TreeItemContexts.taskFailedCompetitive : TreeItemContexts.taskFailed)
    : competitive ? TreeItemContexts.taskDoneCompetitive
    : TreeItemContexts.taskDone;
}

/** The winner is chosen already; another finished attempt with a result can be chosen. */
export function attemptContext(a: AttemptRecord): string {
  return a.winner ? TreeItemContexts.attemptChosen : a.status === 'succeeded' && a.resultCommit ? TreeItemContexts.attempt : TreeItemContexts.attemptFailed;
}
