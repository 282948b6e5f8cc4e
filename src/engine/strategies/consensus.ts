// `strategy: {type: consensus, voters: N, choices?, weights?, allowUndecided?}`: N agents
// answer the task's question independently with read-only tools and a
// `vote {choice, rationale}` tool. Voters change no files.
//
// Outcomes:
// - decided: the highest tally wins; the task succeeds, its output starts "Decision: X".
// - undecided: a tie, or a lead the failed voters' missing votes could overturn (leader −
//   runner-up ≤ their weight). Never broken silently: the task ends `undecided` with
//   `decision: null` and `votes.undecided` saying why; its output starts "Decision: TIE …"
//   (or "Decision: none — undecided: …"). Its dependents are skipped and the run does not
//   succeed, unless the strategy says `allowUndecided: true`: then the dependents run on
//   that output (and a person, or a dependent task, decides).
// - failed: nobody voted.
//
// Voters that fail: a voter whose agent fails (an API error the SDK's retries and the run's
// ApiGate did not cure, a refusal, a reply cut at max_tokens) is run once more from the
// start, as the competitive judge is asked once more. Not when the gate tripped (a bad key:
// every request fails) or the task was cancelled. A voter that fails again is listed in
// `votes.failedVoters` with its error: its vote is missing, and counts as such above. A voter
// that answers without calling the vote tool abstains (that was its answer).
//
// Weights: with `weights: {model: w, …}` the voters take the weighted models in turn, in
// the order the weights list them: voter 1 the first model, voter 2 the second, …, then
// round again; each vote counts its model's weight. Without weights every voter runs on the
// task's model and counts 1. Odd `voters` rule out a tie between two choices only without
// weights; with weights, the voters' weights must not split evenly between two camps. Example: `voters: 3,
// weights: {light: 1, heavy: 2}` gives voters light, heavy, light; when the two light
// voters agree against the heavy one it is 2 against 2, a tie by construction. With
// {light: 1, heavy: 1.5} the two light voters outvote the heavy one (2 against 1.5) and the
// heavy one decides a split between them; with {light: 1, heavy: 3} the heavy voter alone
// outvotes both. `voters: 5, weights: {small: 1, big: 3}` gives small, big, small, big,
// small: three small votes (3) lose to two big ones (6), and one big vote with the small
// ones (6) beats the other big one (3). With two choices and every voter voting, integer
// weights whose sum over the voters is odd cannot tie; weightsTieExample (core/voteWeights.ts)
// finds two camps whose weights are equal, for a plan warning.
import type { Ballot, FailedVoter, VoteOutcome, TaskOutput, Task } from '../../core';
import { weightedVoters } from '../../core';
import { createVoteTool, runAgentTask, type VoteInput } from '../../agents';
import type { StrategyExecutor, TaskRunContext, TaskRunResult } from '../taskContext';
import { renderVoteOutput, tallyVotes } from './scoring';
import { agentRequest, READ_ONLY_TOOLS } from '../agentRequest';
import { ProgressFanIn, taggedTranscript } from '../fanIn';
import { runInstances } from '../instances';
import { commitNothing, overlayFor } from '../resultCommits';

type Consensus = Extract<NonNullable<Task['strategy']>, { type: 'consensus' }>;

/** Voters answer a question; a command has none to answer. */
export const consensus: StrategyExecutor = { kinds: ['agent'], run: runConsensus };

/** How often a voter whose agent failed is run: once, and once more. */
const VOTER_TRIES = 2;

/** A voter's own model: the weighted models in turn, when there are weights. */
export function voterModel(s: Consensus, voter: number): string | undefined {
  return weightedVoters(s.voters, s.weights ?? {})[voter - 1]?.model;
}

interface Cast {
  readonly ballot: Ballot;
  /** Set when the voter's agent failed on every try. */
  readonly failed?: FailedVoter;
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

  const castOnce = async (voter: number, model: string, tryNo: number) => {
    let vote: VoteInput | undefined;
    const part = tryNo === 1 ? `voter ${voter}` : `voter ${voter} (try ${tryNo})`;
    const r = await runAgentTask(
      agentRequest(ctx, { ...task, owns: [] }, {
        workspace: overlayFor(baseCommit, ctx).view,
        dependencies,
        model,
        onProgress: fan.part(part),
        onTranscript: taggedTranscript(ctx.onTranscript, tryNo === 1 ? { voter } : { voter, try: tryNo }),
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
      }),
    );
    fan.settle(part, r.tokens, r.costUsd);
    return { r, vote };
  };

  const casts = await runInstances(n, ctx, async (voter): Promise<Cast> => {
    const model = ctx.resolveModel(task, voterModel(s, voter));
    const weight = s.weights?.[model] ?? 1;
    let tries = 0;
    for (;;) {
      tries++;
      const { r, vote } = await castOnce(voter, model, tries);
      if (vote) return { ballot: { voter, model, choice: vote.choice, rationale: vote.rationale, weight } };
      const retry = r.status === 'failed' && tries < VOTER_TRIES && !ctx.gate.isTripped && !ctx.signal.aborted;
      if (retry) continue;
      const error = r.status === 'succeeded' ? 'answered without calling the vote tool' : r.status === 'cancelled' ? 'cancelled' : (r.error ?? 'failed');
      const ballot: Ballot = { voter, model, choice: null, rationale: r.output.trim(), weight, error };
      return r.status === 'failed' ? { ballot, failed: { voter, model, error, tries } } : { ballot };
    }
  });

  const ballots = casts.map((c) => c.ballot);
  const failed = casts.flatMap((c) => (c.failed ? [c.failed] : []));
  const outcome: VoteOutcome = { ...tallyVotes(ballots, s.weights !== undefined, failed), ...(s.allowUndecided && { allowUndecided: true }) };
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
  if (outcome.decision === null) return done('undecided', output);
  return done('succeeded', output);
}

/** Why a consensus task ended undecided, and what its dependents do about it. */
export function undecidedReason(votes: VoteOutcome): string {
  const why = `did not decide: ${votes.undecided ?? 'no decision'}`;
  return votes.allowUndecided
    ? `${why}; allowUndecided lets its dependents run`
    : `${why}; its dependents are skipped (allowUndecided: true in its strategy would let them run)`;
}
