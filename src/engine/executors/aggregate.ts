// An aggregate task: the outputs of the tasks it collects, in dependency order, as one
// report (the task's output and, with `into`, a file).
import { emptyUsage, type TaskOutput } from '../../core';
import type { AggregateOutcome, Task } from '../../core';
import { commitOverlay } from '../../git';
import { commitMessage, overlayFor } from '../resultCommits';
import type { TaskExecutor, TaskRunContext, TaskRunResult } from '../taskContext';
import { runAgentCommitted } from './agent';

/** `aggregate: {from, into?, mode}`: concat needs no model; summarize is an agent's report. */
export const runAggregate: TaskExecutor = (task, baseCommit, dependencies, ctx) =>
  (task.aggregate?.mode ?? 'concat') === 'concat' ? runConcat(task, baseCommit, dependencies, ctx) : runSummarize(task, baseCommit, dependencies, ctx);

/** An agent summarizes the collected outputs, given first and in dependency order. */
async function runSummarize(task: Task, baseCommit: string, dependencies: readonly TaskOutput[], ctx: TaskRunContext): Promise<TaskRunResult> {
  const aggregate = aggregateOutcome(task, ctx);
  const ordered = aggregate.from.map((id) => dependencies.find((d) => d.taskId === id)).filter((d): d is TaskOutput => d !== undefined);
  const deps = [...ordered, ...dependencies.filter((d) => !aggregate.from.includes(d.taskId))];
  return runAgentCommitted({ ...task, prompt: summarizePrompt(task, aggregate) }, baseCommit, deps, ctx, {
    strategy: { aggregate },
    // The summary is the report: when the agent did not write it to `into` itself, it is written there.
    beforeCommit: async (r, view) => {
      if (aggregate.into !== undefined && r.status === 'succeeded' && r.output.trim() && !view.changes().some((c) => c.path === aggregate.into)) {
        await view.writeFile(aggregate.into, `# ${task.title ?? task.id}\n\n${r.output.trim()}\n`);
      }
    },
  });
}

/** The outputs under their tasks' headings, in dependency order. */
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
