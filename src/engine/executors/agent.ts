// An agent task (no strategy, or `additive`): one agent in an overlay of the base commit;
// what it wrote becomes the task's result commit, even when it failed or was cancelled
// (so the work stays reviewable; only `succeeded` tasks are applied by default).
import type { TaskOutput, StrategyOutcome, Task, AgentCommandView } from '../../core';
import { runAgentTask, type AgentTaskResult } from '../../agents';
import { commitOverlay } from '../../git';
import { agentRequest } from '../agentRequest';
import { commitMessage, commitNothing, overlayFor, type TaskView } from '../resultCommits';
import type { TaskExecutor, TaskRunContext, TaskRunResult } from '../taskContext';
import { emptyUsage } from '../../core';

/** What a caller of runAgentCommitted adds around the agent (an aggregate's summary). */
export interface AgentExtras {
  /** Runs after the agent, before the commit. */
  readonly beforeCommit?: (r: AgentTaskResult, view: TaskView) => Promise<void>;
  readonly strategy?: StrategyOutcome;
}

export const runAgent: TaskExecutor = (task, baseCommit, dependencies, ctx) => runAgentCommitted(task, baseCommit, dependencies, ctx, {});

export async function runAgentCommitted(
  task: Task,
  baseCommit: string,
  dependencies: readonly TaskOutput[],
  ctx: TaskRunContext,
  extras: AgentExtras,
): Promise<TaskRunResult> {
  const { overlay, view } = overlayFor(baseCommit, ctx);
  let commandView: AgentCommandView | undefined;
  try {
    commandView = task.commands && ctx.commandViews ? await ctx.commandViews.forAgent(task, baseCommit) : undefined;
  } catch (e) {
    return failedBeforeStart(task, baseCommit, ctx, e instanceof Error ? e.message : String(e));
  }
  const r = await runAgentTask(agentRequest(ctx, task, { workspace: view, dependencies, ...(commandView && { commandView }) })).finally(() => commandView?.dispose());
  await extras.beforeCommit?.(r, view);
  const resultCommit = await commitOverlay(ctx.repo, {
    runId: ctx.runId,
    taskId: task.id,
    baseCommit,
    workspace: overlay,
    message: commitMessage(task, r.status, r.output),
  });
  return {
    status: r.status,
    output: r.output,
    changed: view.changes().map((c) => c.path),
    baseCommit,
    resultCommit,
    tokens: r.tokens,
    costUsd: r.costUsd,
    stopReason: r.stopReason,
    ...(r.error !== undefined && { error: r.error }),
    ...(extras.strategy && { strategy: extras.strategy }),
  };
}

/** A task whose agent never started (its command view could not be made): no changes, the reason as its error. */
async function failedBeforeStart(task: Task, baseCommit: string, ctx: TaskRunContext, error: string): Promise<TaskRunResult> {
  const resultCommit = await commitNothing(task, baseCommit, ctx, 'failed', error);
  return { status: 'failed', output: '', changed: [], baseCommit, resultCommit, tokens: emptyUsage(), costUsd: 0, stopReason: 'error', error };
}
