// A command task (no strategy, or `additive`): the command runs in a command view of the
// base commit (engine/commandViews.ts: the sandbox's copy-on-write view, or the worktree
// fallback; the same kind agents' commands use), in the workspace folder, with the host's
// network unless the task says `network: false`. What it changed there becomes the result
// commit, written as agent tasks' results are (resultCommits.ts).
import type { Task } from '../../core';
import { emptyUsage } from '../../core';
import { runCommandTaskInView, type ViewCommandTaskResult } from '../../agents';
import { SandboxSetupError } from '../../sandbox';
import { ViewSetupFailed } from '../commandViews';
import { commitCommandChanges, commitMessage, commitNothing } from '../resultCommits';
import { changedPaths } from '../resultDiffs';
import type { TaskExecutor, TaskRunContext, TaskRunResult } from '../taskContext';

export const runCommand: TaskExecutor = async (task, baseCommit, _dependencies, ctx) => {
  const run = await runInCommandView(task, baseCommit, ctx, { viewId: task.id, onTranscript: ctx.onTranscript, onProgress: ctx.onProgress });
  if ('notRun' in run) {
    const resultCommit = await commitNothing(task, baseCommit, ctx, 'failed', '');
    return { status: 'failed', output: '', changed: [], baseCommit, resultCommit, tokens: emptyUsage(), costUsd: 0, error: run.notRun };
  }
  const r = run.result;
  const { resultCommit, ...leftOut } = await commitCommandChanges(task, baseCommit, ctx, r, { message: commitMessage(task, r.status, r.output) });
  const changed = await changedPaths(ctx, baseCommit, resultCommit);
  const result: TaskRunResult = {
    status: r.status,
    output: r.output,
    changed,
    baseCommit,
    resultCommit,
    ...leftOut,
    tokens: emptyUsage(),
    costUsd: 0,
    ...(r.error !== undefined && { error: r.error }),
  };
  return result;
};

export interface CommandInViewOptions {
  /** The view's id, unique in the run (a task id, `<task>-attempt-<i>`). */
  readonly viewId: string;
  /** The command, when not the task's own `run` (a competitive task's `score`). */
  readonly command?: string;
  readonly onTranscript?: TaskRunContext['onTranscript'];
  readonly onProgress?: TaskRunContext['onProgress'];
}

/**
 * Runs a command task's command (or a score command) in a view of `baseCommit` from the
 * run's command views, and disposes the view. A view that cannot be created or set up
 * fails only this command, saying what, where and what to do.
 */
export async function runInCommandView(
  task: Task,
  baseCommit: string,
  ctx: TaskRunContext,
  opts: CommandInViewOptions,
): Promise<{ result: ViewCommandTaskResult } | { notRun: string }> {
  const what = opts.command !== undefined ? `The score command of task "${task.id}"` : `The command of task "${task.id}"`;
  if (!ctx.commandViews) return { notRun: `${what} did not run: this run has no command views (an engine fault; start the run again).` };
  let view;
  try {
    view = await ctx.commandViews.forTask(task, baseCommit, opts.viewId);
  } catch (e) {
    return { notRun: `${what} did not run: ${e instanceof Error ? e.message : String(e)}` };
  }
  try {
    const result = await runCommandTaskInView({
      task: opts.command !== undefined ? { ...task, kind: 'command', run: opts.command } : task,
      view,
      network: task.network ?? true,
      signal: ctx.signal,
      ...(opts.onTranscript && { onTranscript: opts.onTranscript }),
      ...(opts.onProgress && { onProgress: opts.onProgress }),
      describeError: (e) =>
        e instanceof ViewSetupFailed || e instanceof SandboxSetupError
          ? `${e instanceof ViewSetupFailed ? e.reason : e.message} ${what} did not run; the run's other tasks go on. Check that this machine allows user namespaces and overlayfs, or start the run with the worktree fallback (the run option sandbox: 'worktree').`
          : `${what} did not run: ${e instanceof Error ? e.message : String(e)}`,
    });
    return { result };
  } finally {
    await view.dispose();
  }
}
