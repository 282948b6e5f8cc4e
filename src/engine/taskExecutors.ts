// How one task of each kind runs inside its isolated workspace and becomes a result
// commit. Finished work is committed even when the task failed or was cancelled, so it
// stays reviewable; only `succeeded` tasks are applied by default.
import * as path from 'node:path';
import type { TaskOutput } from '../core/runModel';
import { emptyUsage } from '../core/runModel';
import type { AggregateOutcome } from '../core/strategyModel';
import type { Task } from '../core/taskSchema';
import { runAgentTask, runCommandTask } from '../agents';
import { commitOverlay, WorktreeWorkspace } from '../git';
import { agentRequest } from './agentRequest';
import { runCompetitive } from './strategies/competitive';
import { runConsensus } from './strategies/consensus';
import { commitCommand, commitMessage, overlayFor } from './resultCommits';
import { changedPaths } from './resultDiffs';
import type { TaskRunContext, TaskRunResult } from './taskContext';

export async function runTask(
  task: Task,
  baseCommit: string,
  dependencies: readonly TaskOutput[],
  ctx: TaskRunContext,
): Promise<TaskRunResult> {
  if (task.kind !== 'aggregate' && task.strategy?.type === 'competitive') return runCompetitive(task, baseCommit, dependencies, ctx);
  if (task.kind === 'agent' && task.strategy?.type === 'consensus') return runConsensus(task, baseCommit, dependencies, ctx);
  if (task.kind === 'command') return runCommand(task, baseCommit, ctx);
  if (task.kind === 'aggregate' && (task.aggregate?.mode ?? 'concat') === 'concat') {
    return runConcat(task, baseCommit, dependencies, ctx);
  }
  return runAgent(task, baseCommit, dependencies, ctx);
}

async function runAgent(task: Task, baseCommit: string, dependencies: readonly TaskOutput[], ctx: TaskRunContext): Promise<TaskRunResult> {
  const { overlay, view } = overlayFor(baseCommit, ctx);
  const aggregate = task.kind === 'aggregate' ? aggregateOutcome(task, ctx) : undefined;
  const agentTask: Task = aggregate ? { ...task, prompt: summarizePrompt(task, aggregate) } : task;
  const ordered = aggregate ? aggregate.from.map((id) => dependencies.find((d) => d.taskId === id)).filter((d): d is TaskOutput => d !== undefined) : [];
  const deps = aggregate ? [...ordered, ...dependencies.filter((d) => !aggregate.from.includes(d.taskId))] : dependencies;
  const r = await runAgentTask(agentRequest(ctx, agentTask, { workspace: view, dependencies: deps }));
  // The summary is the report: when the agent did not write it to `into` itself, it is written there.
  if (aggregate?.into !== undefined && r.status === 'succeeded' && r.output.trim() && !view.changes().some((c) => c.path === aggregate.into)) {
    await view.writeFile(aggregate.into, `# ${task.title ?? task.id}\n\n${r.output.trim()}\n`);
  }
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
    ...(aggregate && { strategy: { aggregate } }),
  };
}

async function runCommand(task: Task, baseCommit: string, ctx: TaskRunContext): Promise<TaskRunResult> {
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
}

/** `aggregate: {mode: concat}` needs no model: the outputs under their tasks' headings, in dependency order. */
async function runConcat(task: Task, baseCommit: string, dependencies: readonly TaskOutput[], ctx: TaskRunContext): Promise<TaskRunResult> {
  const aggregate = aggregateOutcome(task, ctx);
  const byId = new Map(dependencies.map((d) => [d.taskId, d]));
  const report = aggregate.from
    .map((id) => byId.get(id))
    .filter((d): d is TaskOutput => d !== undefined)
    .map((d) => `## ${d.taskId}\n\n${d.output.trim() || '(no output)'}\n`)
    .join('\n');
  const { overlay, view } = overlayFor(baseCommit, ctx);
  if (aggregate.into !== undefined) await view.writeFile(aggregate.into, `# ${task.title ?? task.id}\n\n${report}`);
  ctx.onTranscript({ at: Date.now(), type: 'event', data: { aggregate: 'concat', from: aggregate.from, into: aggregate.into } });
  const resultCommit = await commitOverlay(ctx.repo, { runId: ctx.runId, taskId: task.id, baseCommit, workspace: overlay, message: commitMessage(task, 'succeeded', report) });
  return {
    status: 'succeeded',
    output: report,
    changed: view.changes().map((c) => c.path),
    baseCommit,
    resultCommit,
    tokens: emptyUsage(),
    costUsd: 0,
    strategy: { aggregate },
  };
}

/**
 * The collected tasks in dependency order: by the plan's wave (a task after the ones it
 * builds on), then in the order `from` lists them.
 */
export function aggregateOutcome(task: Task, ctx: Pick<TaskRunContext, 'plan'>): AggregateOutcome {
  const spec = task.aggregate;
  const from = [...(spec?.from ?? task.dependsOn)];
  const wave = new Map((ctx.plan?.tasks ?? []).map((t) => [t.id, t.wave]));
  const ordered = from.map((id, i) => ({ id, i, w: wave.get(id) ?? 0 })).sort((a, b) => a.w - b.w || a.i - b.i).map((x) => x.id);
  return { mode: spec?.mode ?? 'concat', from: ordered, ...(spec?.into !== undefined && { into: spec.into }) };
}

function summarizePrompt(task: Task, aggregate: AggregateOutcome): string {
  const into = aggregate.into;
  return (
    (task.prompt ? task.prompt + '\n\n' : '') +
    `Summarize the outputs of the tasks ${aggregate.from.join(', ')} (given above, in that order) into one concise report` +
    (into ? `, written to ${into} with write_file.` : '.') +
    ' Your final message is the report.'
  );
}
