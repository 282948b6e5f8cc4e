// `strategy: {type: consensus, voters: N, choices?, weights?}`: N agents answer the task's
// question independently with read-only tools and a `vote {choice, rationale}` tool.
// Voters change no files. With `weights` ({model: weight}), the voters take the weighted
// models in turn and each vote counts its model's weight; otherwise every voter runs on
// the task's model and counts 1. The highest tally decides. A tie is reported as a tie:
// the task succeeds with `decision: null`, `tie: true` and an output that starts with
// "Decision: TIE …", so a person (or a dependent task) decides; it is never broken
// silently. A voter that fails or answers without voting abstains; when nobody voted the
// task fails.
import type { Ballot, VoteOutcome } from '../../core/strategyModel';
import type { TaskOutput } from '../../core/runModel';
import type { Task } from '../../core/taskSchema';
import { createVoteTool, DEFAULT_MODEL, runAgentTask, type VoteInput } from '../../agents';
import type { TaskRunContext, TaskRunResult } from '../taskExecutors';
import { renderVoteOutput, tallyVotes } from './scoring';
import { commitNothing, overlayFor, ProgressFanIn, READ_ONLY_TOOLS, runInstances, taggedTranscript } from './shared';

type Consensus = Extract<NonNullable<Task['strategy']>, { type: 'consensus' }>;

export function voterModel(task: Task, s: Consensus, voter: number, fallback: string | undefined): string {
  const weighted = Object.keys(s.weights ?? {});
  return weighted.length ? (weighted[(voter - 1) % weighted.length] as string) : (task.model ?? fallback ?? DEFAULT_MODEL);
}

export async function runConsensus(
  task: Task,
  baseCommit: string,
  dependencies: readonly TaskOutput[],
  ctx: TaskRunContext,
): Promise<TaskRunResult> {
  const s = task.strategy as Consensus;
  const n = s.voters;
  const fan = new ProgressFanIn(task.id, ctx.onProgress);
  const choices = s.choices?.length ? s.choices : undefined;

  const ballots = await runInstances(n, ctx, async (voter): Promise<Ballot> => {
    const model = voterModel(task, s, voter, ctx.model);
    const weight = s.weights?.[model] ?? 1;
    let vote: VoteInput | undefined;
    const part = `voter ${voter}`;
    const r = await runAgentTask({
      task: { ...task, owns: [] },
      workspace: overlayFor(baseCommit, ctx).view,
      taskFilePath: ctx.taskFilePath,
      dependencies,
      client: ctx.client(),
      model,
      gate: ctx.gate,
      ...(ctx.prices !== undefined && { prices: ctx.prices }),
      signal: ctx.signal,
      onProgress: fan.part(part),
      onTranscript: taggedTranscript(ctx.onTranscript, { voter }),
      instance: {
        id: String(voter),
        note:
          `Voter ${voter} of ${n}: answer the question below independently and cast your vote with the vote tool ` +
          `(choice${choices ? `: one of ${choices.map((c) => JSON.stringify(c)).join(', ')}` : ''}, and your rationale). ` +
          'You can read the workspace with read_file, list_files and search; you change no files.',
      },
      fileTools: READ_ONLY_TOOLS,
      extraTools: [createVoteTool({ ...(choices && { choices }), onVote: (v) => (vote = v) })],
      finishWhen: () => vote !== undefined,
    });
    fan.settle(part, r.tokens, r.costUsd);
    if (vote) return { voter, model, choice: vote.choice, rationale: vote.rationale, weight };
    const error = r.status === 'succeeded' ? 'answered without calling the vote tool' : r.status === 'cancelled' ? 'cancelled' : (r.error ?? 'failed');
    return { voter, model, choice: null, rationale: r.output.trim(), weight, error };
  });

  const outcome: VoteOutcome = tallyVotes(ballots, s.weights !== undefined);
  const { tokens, costUsd } = fan.total();
  const done = async (status: TaskRunResult['status'], output: string, error?: string): Promise<TaskRunResult> => ({
    status,
    output,
    changed: [],
    baseCommit,
    resultCommit: await commitNothing(task, baseCommit, ctx, status, output),
    tokens,
    costUsd,
    ...(error !== undefined && { error }),
    strategy: { votes: outcome },
  });
  if (ctx.signal.aborted) return done('cancelled', '', 'cancelled');
  const output = renderVoteOutput(outcome, n);
  if (!ballots.some((b) => b.choice !== null)) {
    return done('failed', output, `no voter voted (${ballots.map((b) => `voter ${b.voter}: ${b.error ?? 'no vote'}`).join('; ')})`);
  }
  return done('succeeded', output);
}
