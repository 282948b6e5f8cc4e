// How one task of each kind runs inside its isolated workspace and becomes a result
// commit. Finished work is committed even when the task failed or was cancelled, so it
// stays reviewable; only `succeeded` tasks are applied by default.
import * as path from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import type { StopReason, TaskOutput, TaskProgress, TokenUsage, TranscriptEntry } from '../core/runModel';
import { emptyUsage } from '../core/runModel';
import type { Task } from '../core/taskSchema';
import { runAgentTask, runCommandTask, type ApiGate, type PriceTable } from '../agents';
import { commitOverlay, commitWorktree, OverlayWorkspace, WorktreeWorkspace, type GitRepo, type ObjectReader } from '../git';
import { PrefixedWorkspace } from './prefixedWorkspace';

export interface TaskRunContext {
  readonly repo: GitRepo;
  readonly reader: ObjectReader;
  readonly runId: string;
  /** Repository-relative workspace folder with a trailing slash, or ''. */
  readonly prefix: string;
  readonly workspaceRoot: string;
  /** Workspace-relative task file path (agents may write it only when they own it by name). */
  readonly taskFilePath: string;
  readonly client: () => Anthropic;
  readonly gate: ApiGate;
  readonly model?: string;
  readonly prices?: PriceTable;
  readonly signal: AbortSignal;
  readonly onProgress: (p: TaskProgress) => void;
  readonly onTranscript: (e: TranscriptEntry) => void;
}

export interface TaskRunResult {
  readonly status: 'succeeded' | 'failed' | 'cancelled';
  readonly output: string;
  /** Workspace-relative. */
  readonly changed: string[];
  readonly baseCommit: string;
  readonly resultCommit: string;
  readonly tokens: TokenUsage;
  readonly costUsd: number;
  readonly stopReason?: StopReason;
  readonly error?: string;
}

export async function runTask(
  task: Task,
  baseCommit: string,
  dependencies: readonly TaskOutput[],
  ctx: TaskRunContext,
): Promise<TaskRunResult> {
  if (task.kind === 'command') return runCommand(task, baseCommit, ctx);
  if (task.kind === 'aggregate' && (task.aggregate?.mode ?? 'concat') === 'concat') {
    return runConcat(task, baseCommit, dependencies, ctx);
  }
  return runAgent(task, baseCommit, dependencies, ctx);
}

function overlayFor(baseCommit: string, ctx: TaskRunContext): { overlay: OverlayWorkspace; view: PrefixedWorkspace | OverlayWorkspace } {
  const overlay = new OverlayWorkspace(ctx.repo, ctx.reader, baseCommit);
  const view = ctx.prefix ? new PrefixedWorkspace(overlay, ctx.prefix, ctx.workspaceRoot) : overlay;
  return { overlay, view };
}

async function runAgent(task: Task, baseCommit: string, dependencies: readonly TaskOutput[], ctx: TaskRunContext): Promise<TaskRunResult> {
  const { overlay, view } = overlayFor(baseCommit, ctx);
  const agentTask: Task = task.kind === 'aggregate' ? { ...task, prompt: summarizePrompt(task) } : task;
  const model = task.model ?? ctx.model;
  const r = await runAgentTask({
    task: agentTask,
    workspace: view,
    taskFilePath: ctx.taskFilePath,
    dependencies,
    client: ctx.client(),
    ...(model !== undefined && { model }),
    gate: ctx.gate,
    ...(ctx.prices !== undefined && { prices: ctx.prices }),
    signal: ctx.signal,
    onProgress: ctx.onProgress,
    onTranscript: ctx.onTranscript,
  });
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
    const resultCommit = await commitWorktree(ctx.repo, {
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
      tokens: emptyUsage(),
      costUsd: 0,
      ...(r.error !== undefined && { error: r.error }),
    };
  } finally {
    await wt.dispose();
  }
}

/** `aggregate: {mode: concat}` needs no model: the outputs under their tasks' headings. */
async function runConcat(task: Task, baseCommit: string, dependencies: readonly TaskOutput[], ctx: TaskRunContext): Promise<TaskRunResult> {
  const order = task.aggregate?.from ?? task.dependsOn;
  const byId = new Map(dependencies.map((d) => [d.taskId, d]));
  const report =
    order
      .map((id) => byId.get(id))
      .filter((d): d is TaskOutput => d !== undefined)
      .map((d) => `## ${d.taskId}\n\n${d.output.trim()}\n`)
      .join('\n');
  const { overlay, view } = overlayFor(baseCommit, ctx);
  const into = task.aggregate?.into;
  if (into !== undefined) await view.writeFile(into, `# ${task.title ?? task.id}\n\n${report}`);
  ctx.onTranscript({ at: Date.now(), type: 'event', data: { aggregate: 'concat', from: order, into } });
  const resultCommit = await commitOverlay(ctx.repo, { runId: ctx.runId, taskId: task.id, baseCommit, workspace: overlay, message: commitMessage(task, 'succeeded', report) });
  return { status: 'succeeded', output: report, changed: view.changes().map((c) => c.path), baseCommit, resultCommit, tokens: emptyUsage(), costUsd: 0 };
}

function summarizePrompt(task: Task): string {
  const into = task.aggregate?.into;
  return (
    (task.prompt ? task.prompt + '\n\n' : '') +
    `Summarize the outputs of the tasks ${(task.aggregate?.from ?? []).join(', ')} (given above) into one concise report` +
    (into ? `, written to ${into} with write_file.` : '.') +
    ' Your final message is the report.'
  );
}

async function changedPaths(ctx: TaskRunContext, base: string, result: string): Promise<string[]> {
  const out = await ctx.repo.git(['diff-tree', '-r', '--no-commit-id', '--name-only', '-z', base, result]);
  return out
    .split('\0')
    .filter(Boolean)
    .map((p) => (ctx.prefix ? path.posix.relative(ctx.prefix, p) : p));
}

function commitMessage(task: Task, status: string, output: string): string {
  const title = task.title ?? task.id;
  const summary = output.trim().split('\n').slice(0, 20).join('\n');
  return `${title} (parallel-agents task ${task.id}, ${status})\n\n${summary}`.trim();
}
