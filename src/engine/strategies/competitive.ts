// `strategy: {type: competitive, attempts: N, models?, score?, judge?}`: N independent
// attempts at the same task, run in parallel inside the one scheduler task that holds N
// slots, each in its own overlay (or command view, for commands), each a result commit at
// refs/parallel-agents/<run>/extra/<task>/attempts/<i>. Each finished attempt is scored;
// the best becomes the task's result (its commit also at .../tasks/<task>), the others
// stay reviewable with their scores (and `chooseAttempt` can pick another one).
//
// Scoring:
// - `score: <command>` runs in a command view of the attempt's result (network as for command
//   tasks; what it changes there is dropped with the view); exit 0 is required (else
//   the attempt is disqualified); the last number it prints is the score, higher is
//   better. Exit 0 with no number: qualified, "scored by exit code alone" (ranked after
//   attempts with a number).
// - a judge (`judge: true`, or by default when there is no score command) is an agent that
//   reads the attempts' diffs and answers with `rank_attempts`. With a score command too,
//   it only breaks a tie at the top. A judge that answers without the tool is asked once
//   more; then the task fails, saying so (the attempts stay reviewable).
// - remaining ties go to the smaller diff.
import type { AttemptRecord, CompetitiveOutcome, Task } from '../../core';
import { emptyUsage, type TaskOutput } from '../../core';
import {
  createRankAttemptsTool,
  runAgentTask,
  type RankedAttempt,
} from '../../agents';
import { commitOverlay, taskRef, updateRef } from '../../git';
import type { LeftOutWrites, StrategyExecutor, TaskRunContext, TaskRunResult } from '../taskContext';
import { parseScore, pickWinner, topByCommand } from './scoring';
import { agentRequest, READ_ONLY_TOOLS } from '../agentRequest';
import { ProgressFanIn, taggedTranscript } from '../fanIn';
import { runInstances } from '../instances';
import { commitCommandChanges, commitMessage, commitNothing, overlayFor } from '../resultCommits';
import { runInCommandView } from '../executors/command';
import { changedPaths, diffLines, diffText } from '../resultDiffs';

type Competitive = Extract<NonNullable<Task['strategy']>, { type: 'competitive' }>;

export const competitive: StrategyExecutor = { kinds: ['agent', 'command'], run: runCompetitive };

export async function runCompetitive(
  task: Task,
  baseCommit: string,
  dependencies: readonly TaskOutput[],
  ctx: TaskRunContext,
): Promise<TaskRunResult> {
  const s = task.strategy as Competitive;
  const n = s.attempts;
  const fan = new ProgressFanIn(task.id, ctx.onProgress);
  const attempts = await runInstances(n, ctx, (i) => runAttempt(task, s, i, baseCommit, dependencies, ctx, fan));

  const totals = () => fan.total();
  const outcome: CompetitiveOutcome = { attempts, winner: null, decidedBy: '' };
  const finish = async (status: TaskRunResult['status'], output: string, error?: string): Promise<TaskRunResult> => {
    const resultCommit = await commitNothing(task, baseCommit, ctx, status, output);
    const { tokens, costUsd } = totals();
    return { status, output, changed: [], baseCommit, resultCommit, tokens, costUsd, ...(error !== undefined && { error }), strategy: { competitive: outcome } };
  };

  if (ctx.signal.aborted) {
    outcome.decidedBy = 'cancelled before a winner was chosen';
    return finish('cancelled', '', 'cancelled');
  }
  const qualified = attempts.filter((a) => a.qualified);
  if (!qualified.length) {
    const why = attempts.map((a) => `attempt ${a.attempt}: ${a.error ?? a.scoreNote ?? a.status}`).join('; ');
    outcome.decidedBy = 'no attempt qualified';
    return finish('failed', '', `no attempt qualified (${why}); the attempts stay reviewable under refs/parallel-agents/${ctx.runId}/extra/${task.id}/attempts/`);
  }

  const useJudge = s.judge === true || (s.judge === undefined && s.score === undefined);
  if (useJudge && qualified.length > 1) {
    const candidates = s.score !== undefined ? topByCommand(qualified) : qualified;
    if (candidates.length > 1) {
      const verdict = await judge(task, candidates, n, baseCommit, dependencies, ctx, fan);
      if (verdict.kind === 'cancelled') {
        outcome.decidedBy = 'cancelled while the judge was ranking';
        return finish('cancelled', '', 'cancelled');
      }
      if (verdict.kind === 'failed') {
        outcome.decidedBy = `the judge failed: ${verdict.error}`;
        return finish(
          'failed',
          verdict.output,
          `${verdict.error}; the attempts stay reviewable (pick one with chooseAttempt)`,
        );
      }
      verdict.ranking.forEach((r, rank) => {
        const a = candidates.find((c) => c.attempt === r.attempt) as AttemptRecord;
        a.judge = { rank: rank + 1, score: r.score, reason: r.reason };
        if (a.scoreSource !== 'command') {
          a.score = r.score;
          a.scoreSource = 'judge';
        }
      });
    }
  }

  const { winner, decidedBy } = pickWinner(qualified);
  winner.winner = true;
  outcome.winner = winner.attempt;
  outcome.decidedBy = decidedBy;
  await updateRef(ctx.repo, taskRef(ctx.runId, task.id), winner.resultCommit as string, `attempt ${winner.attempt} of task ${task.id} won`);
  const { tokens, costUsd } = totals();
  return {
    status: 'succeeded',
    output: winnerOutput(winner, n, decidedBy),
    changed: winner.changed,
    baseCommit,
    resultCommit: winner.resultCommit as string,
    ...(winner.ignoredOutputs !== undefined && { ignoredOutputs: winner.ignoredOutputs }),
    ...(winner.outsideWrites !== undefined && { outsideWrites: winner.outsideWrites }),
    tokens,
    costUsd,
    strategy: { competitive: outcome },
  };
}

export function winnerOutput(winner: AttemptRecord, n: number, decidedBy: string): string {
  return `[Attempt ${winner.attempt} of ${n} won: ${decidedBy}.]\n\n${winner.output.trim()}`;
}

/** The attempt's own model: the strategy's `models` in turn, when it lists any. */
function attemptModel(s: Competitive, i: number): string | undefined {
  const models = s.models ?? [];
  return models.length ? models[(i - 1) % models.length] : undefined;
}

async function runAttempt(
  task: Task,
  s: Competitive,
  i: number,
  baseCommit: string,
  dependencies: readonly TaskOutput[],
  ctx: TaskRunContext,
  fan: ProgressFanIn,
): Promise<AttemptRecord> {
  const started = Date.now();
  const part = `attempt ${i}`;
  const transcript = taggedTranscript(ctx.onTranscript, { attempt: i });
  const refName = `attempts/${i}`;
  let status: AttemptRecord['status'];
  let output: string;
  let error: string | undefined;
  let resultCommit: string;
  let leftOut: LeftOutWrites = {};
  let model: string | null = null;
  let tokens = emptyUsage();
  let costUsd = 0;
  if (task.kind === 'command') {
    const run = await runInCommandView(task, baseCommit, ctx, { viewId: `${task.id}-attempt-${i}`, onTranscript: transcript, onProgress: fan.part(part) });
    const r = 'result' in run ? run.result : { status: 'failed' as const, output: '', error: run.notRun, changes: [] };
    ({ status, output } = r);
    error = r.error;
    ({ resultCommit, ...leftOut } = await commitCommandChanges(task, baseCommit, ctx, r, { refName, message: commitMessage(task, `attempt ${i}, ${status}`, output) }));
  } else {
    model = ctx.resolveModel(task, attemptModel(s, i));
    const { overlay, view } = overlayFor(baseCommit, ctx);
    // Each attempt runs its commands in a view of its own (a task's `commands: true`).
    const commandView = task.commands ? await ctx.commandViews?.forAgent(task, baseCommit, `${task.id}-attempt-${i}`) : undefined;
    const r = await runAgentTask(
      agentRequest(ctx, task, {
        workspace: view,
        dependencies,
        ...(commandView && { commandView }),
        model,
        onProgress: fan.part(part),
        onTranscript: transcript,
        instance: {
          id: String(i),
          note: `Attempt ${i} of ${s.attempts}: ${s.attempts} agents do this same task independently, each in its own copy of the workspace; the best result is kept.`,
        },
      }),
    ).finally(() => commandView?.dispose());
    ({ status, output, tokens, costUsd } = r);
    error = r.error;
    fan.settle(part, tokens, costUsd);
    resultCommit = await commitOverlay(ctx.repo, { runId: ctx.runId, taskId: task.id, baseCommit, workspace: overlay, refName, message: commitMessage(task, `attempt ${i}, ${status}`, output) });
  }
  const record: AttemptRecord = {
    attempt: i,
    model,
    status,
    score: null,
    scoreSource: 'none',
    qualified: false,
    resultCommit,
    ref: taskRef(ctx.runId, task.id, refName),
    changed: await changedPaths(ctx, baseCommit, resultCommit),
    diffLines: await diffLines(ctx, baseCommit, resultCommit),
    winner: false,
    output,
    ...(error !== undefined && { error }),
    ...leftOut,
    ms: 0,
    tokens,
    costUsd,
  };
  if (status === 'succeeded' && s.score !== undefined && !ctx.signal.aborted) await scoreAttempt(task, s.score, record, ctx);
  else if (status === 'succeeded') record.qualified = true;
  record.ms = Date.now() - started;
  return record;
}

async function scoreAttempt(task: Task, command: string, a: AttemptRecord, ctx: TaskRunContext): Promise<void> {
  const run = await runInCommandView(task, a.resultCommit as string, ctx, {
    viewId: `${task.id}-score-${a.attempt}`,
    command,
    onTranscript: taggedTranscript(ctx.onTranscript, { attempt: a.attempt, score: true }),
  });
  if ('notRun' in run) {
    a.scoreNote = `not scored: ${run.notRun}`;
    return;
  }
  const r = run.result;
  if (r.status === 'cancelled') {
    a.scoreNote = 'the score command was cancelled';
    return;
  }
  if (r.exitCode !== 0) {
    const tail = r.output.trim().split('\n').slice(-3).join(' | ');
    a.scoreNote = `disqualified: the score command ${r.exitCode === null ? 'was ended by a signal' : `exited with ${r.exitCode}`}${tail ? ` (${tail})` : ''}`;
    return;
  }
  a.qualified = true;
  const n = parseScore(r.output);
  if (n === undefined) {
    a.scoreSource = 'exit-code';
    a.scoreNote = 'the score command exited 0 but printed no number: scored by exit code alone';
  } else {
    a.score = n;
    a.scoreSource = 'command';
    a.scoreNote = `the score command printed ${n}`;
  }
}

type Verdict =
  | { kind: 'ranked'; ranking: RankedAttempt[] }
  | { kind: 'failed'; error: string; output: string }
  | { kind: 'cancelled' };

/** Asks a judge agent to rank the candidates; once more if it answers without the tool. */
async function judge(
  task: Task,
  candidates: readonly AttemptRecord[],
  n: number,
  baseCommit: string,
  dependencies: readonly TaskOutput[],
  ctx: TaskRunContext,
  fan: ProgressFanIn,
): Promise<Verdict> {
  const prompt = await judgePrompt(task, candidates, n, baseCommit, ctx);
  const answers: string[] = [];
  for (let round = 1; round <= 2; round++) {
    let ranking: RankedAttempt[] | undefined;
    const tool = createRankAttemptsTool({ attempts: candidates.map((c) => c.attempt), onRanking: (r) => (ranking = r) });
    const part = round === 1 ? 'judge' : 'judge (retry)';
    const r = await runAgentTask(
      agentRequest(ctx, { ...task, prompt, owns: [], reads: [] }, {
        workspace: overlayFor(baseCommit, ctx).view,
        dependencies,
        onProgress: fan.part(part),
        onTranscript: taggedTranscript(ctx.onTranscript, { judge: round }),
        instance: {
          id: 'judge',
          note:
            `Judge of ${candidates.length} attempts: you rank them with rank_attempts; you change no files.` +
            (round > 1 ? '\nThis is your second and last chance: your previous answer did not call rank_attempts. Call rank_attempts now.' : ''),
        },
        fileTools: READ_ONLY_TOOLS,
        extraTools: [tool],
        finishWhen: () => ranking !== undefined,
      }),
    );
    fan.settle(part, r.tokens, r.costUsd);
    if (r.status === 'cancelled') return { kind: 'cancelled' };
    if (ranking) return { kind: 'ranked', ranking };
    if (r.status === 'failed') return { kind: 'failed', error: `the judge failed: ${r.error ?? 'unknown error'}`, output: r.output };
    answers.push(r.output.trim());
  }
  const said = answers.at(-1) ?? '';
  return {
    kind: 'failed',
    error: `the judge answered without calling rank_attempts, twice${said ? ` (it said: ${JSON.stringify(said.length > 200 ? said.slice(0, 200) + '…' : said)})` : ''}`,
    output: answers.join('\n\n'),
  };
}

async function judgePrompt(task: Task, candidates: readonly AttemptRecord[], n: number, baseCommit: string, ctx: TaskRunContext): Promise<string> {
  const parts: string[] = [
    `You are the judge of a competitive task: ${n} agents did the task below independently. ` +
      `Compare the attempts listed here (${candidates.map((c) => c.attempt).join(', ')}) against the task: correctness first, then completeness, then simplicity. ` +
      'You can read the workspace as it was before the attempts with read_file, list_files and search. ' +
      'Then call rank_attempts once: every attempt, best first, each with a score from 0 to 10 and the reason.',
    `## The task\n${(task.prompt ?? task.run ?? '').trim()}`,
  ];
  for (const a of candidates) {
    const diff = await diffText(ctx, baseCommit, a.resultCommit as string, Math.floor(60_000 / candidates.length));
    const answer = a.output.trim();
    const score = a.scoreNote ? `\nScore: ${a.scoreNote}` : '';
    parts.push(
      `## Attempt ${a.attempt}${a.model ? ` (model ${a.model})` : ''}: ${a.changed.length} file(s) changed, ${a.diffLines} line(s)${score}\n` +
        `Final answer:\n${answer.length > 4000 ? answer.slice(0, 4000) + '…' : answer || '(none)'}\n\n` +
        `Diff:\n\`\`\`diff\n${diff.trim() || '(no changes)'}\n\`\`\``,
    );
  }
  return parts.join('\n\n');
}
