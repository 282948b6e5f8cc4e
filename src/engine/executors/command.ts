// A command task (no strategy, or `additive`): the command runs in a git worktree of the
// base commit, in the workspace folder; what it left there becomes the result commit.
import * as path from 'node:path';
import { emptyUsage } from '../../core';
import { runCommandTask } from '../../agents';
import { WorktreeWorkspace } from '../../git';
import { commitCommand, commitMessage } from '../resultCommits';
import { changedPaths } from '../resultDiffs';
import type { TaskExecutor } from '../taskContext';

export const runCommand: TaskExecutor = async (task, baseCommit, _dependencies, ctx) => {
  const wt = await WorktreeWorkspace.create(ctx.repo, baseCommit, ctx.runId, task.id);
  try {
    const r = await runCommandTask({
      task,
      cwd: path.join(wt.path, ctx.prefix),
      signal: ctx.signal,
      onTranscript: ctx.onTranscript,
      onProgress: ctx.onProgress,
    });
    const { resultCommit, ...leftOut } = await commitCommand(ctx, {
      runId: ctx.runId,
      taskId: task.id,
      baseCommit,
      worktree: wt,
      message: commitMessage(task, r.status, r.output),
    });
    const changed = await changedPaths(ctx, baseCommit, resultCommit);
    return {
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
  } finally {
    await wt.dispose();
  }
};
