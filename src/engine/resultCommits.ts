// A task's workspace and its result commits: the overlay an agent writes into (seen
// through the workspace folder), the commit message, and committing an overlay or a
// command's worktree under refs/parallel-agents/<run>/….
import type { Task } from '../core';
import { commitOverlay, commitWorktree, OverlayWorkspace, type CommitTaskOptions, type WorktreeWorkspace } from '../git';
import { PrefixedWorkspace } from './prefixedWorkspace';
import type { LeftOutWrites, TaskRunContext } from './taskContext';

/** The task's overlay as its agent sees it: from the workspace folder. */
export type TaskView = PrefixedWorkspace | OverlayWorkspace;

export function overlayFor(baseCommit: string, ctx: TaskRunContext): { overlay: OverlayWorkspace; view: TaskView } {
  const overlay = new OverlayWorkspace(ctx.repo, ctx.reader, baseCommit);
  const view = ctx.prefix ? new PrefixedWorkspace(overlay, ctx.prefix, ctx.workspaceRoot) : overlay;
  return { overlay, view };
}

export function commitMessage(task: Task, status: string, output: string): string {
  const title = task.title ?? task.id;
  const summary = output.trim().split('\n').slice(0, 20).join('\n');
  return `${title} (parallel-agents task ${task.id}, ${status})\n\n${summary}`.trim();
}

/** A result commit that changes nothing (voters; a competitive task without a winner). */
export function commitNothing(task: Task, baseCommit: string, ctx: TaskRunContext, status: string, output: string): Promise<string> {
  const { overlay } = overlayFor(baseCommit, ctx);
  return commitOverlay(ctx.repo, { runId: ctx.runId, taskId: task.id, baseCommit, workspace: overlay, message: commitMessage(task, status, output) });
}

/** Commits a command's worktree; also says what it wrote that the commit leaves out (contract C3). */
export async function commitCommand(
  ctx: Pick<TaskRunContext, 'repo' | 'prefix'>,
  opts: CommitTaskOptions & { readonly worktree: WorktreeWorkspace },
): Promise<{ resultCommit: string } & LeftOutWrites> {
  const r = await commitWorktree(ctx.repo, { ...opts, workspacePrefix: ctx.prefix });
  return {
    resultCommit: r.commit,
    ...(r.ignored.count > 0 && { ignoredOutputs: { count: r.ignored.count, sample: [...r.ignored.sample] } }),
    ...(r.outside.length > 0 && { outsideWrites: [...r.outside] }),
  };
}
