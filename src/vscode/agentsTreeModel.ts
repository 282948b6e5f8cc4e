// The Agents view's model: its elements (plain data over run snapshots), what each
// contains, its parent, and the contextValue that picks its inline actions in
// package.json's menus. No `vscode` import: unit tests read it; agentsTree.ts builds the items.
import type { AttemptRecord, Ballot } from '../core';
import { TreeItemContexts } from './ids';
import type { RunSnapshot, TaskSnapshot } from './runSnapshot';

export type AgentsNode =
  | { readonly type: 'run'; readonly run: RunSnapshot }
  | { readonly type: 'task'; readonly run: RunSnapshot; readonly task: TaskSnapshot }
  | { readonly type: 'file'; readonly run: RunSnapshot; readonly task: TaskSnapshot; readonly path: string }
  | { readonly type: 'transcript'; readonly run: RunSnapshot; readonly task: TaskSnapshot }
  | { readonly type: 'attempt'; readonly run: RunSnapshot; readonly task: TaskSnapshot; readonly attempt: AttemptRecord }
  | { readonly type: 'attemptFile'; readonly run: RunSnapshot; readonly task: TaskSnapshot; readonly attempt: AttemptRecord; readonly path: string }
  | { readonly type: 'voter'; readonly run: RunSnapshot; readonly task: TaskSnapshot; readonly ballot: Ballot };

/**
 * The roots are the runs; a run holds its tasks; a task that started holds its attempts,
 * its voters, its changed files and its transcript; an attempt with a result its files.
 */
export function childrenOf(element: AgentsNode | undefined, runs: () => readonly RunSnapshot[]): AgentsNode[] {
  if (!element) return runs().map((run) => ({ type: 'run', run }));
  if (element.type === 'run') return element.run.tasks.map((task) => ({ type: 'task', run: element.run, task }));
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
  if (n.type === 'task') return { type: 'run', run: n.run };
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
