// A task's workspace and its result commits: the overlay an agent writes into (seen
// through the workspace folder), the commit message, and committing an overlay or what a
// command changed in its view under refs/parallel-agents/<run>/….
import * as path from 'node:path';
import type { IgnoredWrites, Task, ViewChange } from '../core';
import { commitOverlay, OverlayWorkspace } from '../git';
import { PrefixedWorkspace } from './prefixedWorkspace';
import type { LeftOutWrites, TaskRunContext } from './taskContext';

/** The task's overlay as its agent sees it: from the workspace folder. */
export type TaskView = PrefixedWorkspace | OverlayWorkspace;

/** What of the run's context a task's overlay and its result commit need. */
export type CommitContext = Pick<TaskRunContext, 'repo' | 'reader' | 'runId' | 'prefix' | 'workspaceRoot'>;

export function overlayFor(baseCommit: string, ctx: CommitContext): { overlay: OverlayWorkspace; view: TaskView } {
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

/** Repository-relative paths listed at most as writes outside the workspace (the commit leaves them out either way). */
const MAX_OUTSIDE = 200;

/**
 * A command's result commit: its base plus the changes it made in its view (workspace-relative),
 * written through an overlay and committed as agent tasks' results are. Also says what it wrote
 * that the commit leaves out (contract C3): git-ignored files, and writes outside the workspace
 * folder (`../x`, which only the worktree fallback lets through) or into a submodule.
 */
export async function commitCommandChanges(
  task: Task,
  baseCommit: string,
  ctx: CommitContext,
  command: { readonly changes: readonly ViewChange[]; readonly ignored?: IgnoredWrites; readonly outside?: readonly string[] },
  opts: { readonly message: string; readonly refName?: string },
): Promise<{ resultCommit: string } & LeftOutWrites> {
  const { overlay } = overlayFor(baseCommit, ctx);
  const outside: string[] = (command.outside ?? []).map((p) => path.posix.normalize(ctx.prefix + p));
  const inWorkspace: (ViewChange & { repoPath: string })[] = [];
  for (const c of command.changes) {
    const repoPath = path.posix.normalize(ctx.prefix + c.path);
    if (repoPath.startsWith('../') || !repoPath.startsWith(ctx.prefix)) outside.push(repoPath);
    else inWorkspace.push({ ...c, repoPath });
  }
  // Deletes first: a file may take the place of a folder whose files the command removed.
  inWorkspace.sort((a, b) => Number(a.kind !== 'delete') - Number(b.kind !== 'delete'));
  for (const c of inWorkspace) {
    try {
      const e = await overlay.entry(c.repoPath);
      if (c.kind === 'delete') {
        if (e && (e.kind === 'file' || e.kind === 'symlink')) await overlay.deleteFile(c.repoPath);
      } else if (c.kind === 'symlink') {
        await overlay.writeSymlink(c.repoPath, c.target);
      } else {
        if (e?.kind === 'symlink') await overlay.deleteFile(c.repoPath);
        await overlay.writeFile(c.repoPath, c.content, { executable: c.executable });
      }
    } catch {
      // Into or over a submodule: git keeps no such change in this repository.
      outside.push(c.repoPath);
    }
  }
  const resultCommit = await commitOverlay(ctx.repo, { runId: ctx.runId, taskId: task.id, baseCommit, workspace: overlay, message: opts.message, ...(opts.refName !== undefined && { refName: opts.refName }) });
  const ignored = command.ignored;
  return {
    resultCommit,
    ...(ignored && ignored.count > 0 && { ignoredOutputs: { count: ignored.count, sample: ignored.sample.map((p) => ctx.prefix + p) } }),
    ...(outside.length > 0 && { outsideWrites: [...new Set(outside)].sort().slice(0, MAX_OUTSIDE) }),
  };
}
