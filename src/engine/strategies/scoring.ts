// The pure decisions of the strategies: reading a score command's output, choosing the
// winning attempt, tallying a vote. No I/O, unit-tested on plain data.
import type { AttemptRecord, Ballot, FailedVoter, VoteOutcome } from '../../core';

const NUMBER = /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/g;

/** The last number a score command printed, or undefined when it printed none. */
export function parseScore(output: string): number | undefined {
  let last: number | undefined;
  for (const m of output.matchAll(NUMBER)) {
    const n = Number(m[0]);
    if (Number.isFinite(n)) last = n;
  }
  return last;
}

/** The score command's number, when it printed one. */
export function commandScore(a: AttemptRecord): number | null {
  return a.scoreSource === 'command' ? a.score : null;
}

function judgeScore(a: AttemptRecord): number | null {
  return a.judge?.score ?? null;
}

/** Higher first; null (no score) after every number. */
function byScoreDesc(x: number | null, y: number | null): number {
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return y - x;
}

/**
 * Best first: the score command's number, then the judge's score, then the smaller diff
 * (ties go to the smaller diff), then the lower attempt number.
 */
export function compareAttempts(a: AttemptRecord, b: AttemptRecord): number {
  return (
    byScoreDesc(commandScore(a), commandScore(b)) ||
    byScoreDesc(judgeScore(a), judgeScore(b)) ||
    a.diffLines - b.diffLines ||
    a.attempt - b.attempt
  );
}

/** The qualified attempts that share the best score-command result (all of them when none printed a number). */
export function topByCommand(qualified: readonly AttemptRecord[]): AttemptRecord[] {
  const best = qualified.map(commandScore).reduce<number | null>((m, s) => (s !== null && (m === null || s > m) ? s : m), null);
  return qualified.filter((a) => commandScore(a) === best);
}

export interface WinnerChoice {
  readonly winner: AttemptRecord;
  /** Best first. */
  readonly ranked: AttemptRecord[];
  /** How it was decided, in a sentence. */
  readonly decidedBy: string;
}

const fmt = (n: number) => String(Math.round(n * 1000) / 1000);

/** Picks the winner among qualified attempts (at least one). */
export function pickWinner(qualified: readonly AttemptRecord[]): WinnerChoice {
  if (!qualified.length) throw new Error('pickWinner needs at least one qualified attempt');
  const ranked = [...qualified].sort(compareAttempts);
  const w = ranked[0] as AttemptRecord;
  const next = ranked[1];
  if (!next) return { winner: w, ranked, decidedBy: `attempt ${w.attempt} was the only attempt that qualified` };
  const cw = commandScore(w);
  const cn = commandScore(next);
  if (byScoreDesc(cw, cn) !== 0) {
    return { winner: w, ranked, decidedBy: `the score command: attempt ${w.attempt} scored ${fmt(cw as number)}${cn !== null ? ` (next best: attempt ${next.attempt}, ${fmt(cn)})` : ''}` };
  }
  const jw = judgeScore(w);
  const jn = judgeScore(next);
  if (byScoreDesc(jw, jn) !== 0) {
    const tied = cw !== null ? `attempts ${w.attempt} and ${next.attempt} tied at ${fmt(cw)} on the score command; ` : '';
    return { winner: w, ranked, decidedBy: `${tied}the judge ranked attempt ${w.attempt} first (${fmt(jw as number)}/10): ${w.judge?.reason ?? ''}`.trim() };
  }
  const at = cw !== null ? ` at ${fmt(cw)}` : jw !== null ? ` at ${fmt(jw)} from the judge` : '';
  if (w.diffLines !== next.diffLines) {
    return { winner: w, ranked, decidedBy: `attempts ${w.attempt} and ${next.attempt} tied${at}; the tie went to the smaller diff (${w.diffLines} lines against ${next.diffLines})` };
  }
  return { winner: w, ranked, decidedBy: `attempts ${w.attempt} and ${next.attempt} tied${at} with diffs of the same size; the first attempt won` };
}

/**
 * Tallies the ballots. Equal choices are counted together (case and spacing aside; the
 * first spelling is shown). The highest tally decides, unless
 * - several choices share it: a tie, never broken silently (`tie: true`);
 * - voters failed (`failed`, their API calls failed even when run again) and their missing
 *   weight could have tied or overturned the lead: leader − runner-up ≤ missing weight;
 * - nobody voted.
 * Then `decision` is null and `undecided` says why. A voter that answered without voting
 * abstained: that was its answer, not a missing vote.
 */
export function tallyVotes(ballots: readonly Ballot[], weighted: boolean, failed: readonly FailedVoter[] = []): VoteOutcome {
  const spelling = new Map<string, string>();
  const sums = new Map<string, number>();
  let total = 0;
  for (const b of ballots) {
    if (b.choice === null) continue;
    const key = b.choice.trim().replace(/\s+/g, ' ').toLowerCase();
    if (!spelling.has(key)) spelling.set(key, b.choice.trim().replace(/\s+/g, ' '));
    sums.set(key, (sums.get(key) ?? 0) + b.weight);
    total += b.weight;
  }
  const entries = [...sums.entries()]
    .map(([k, v]) => [spelling.get(k) as string, v] as const)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const tally: Record<string, number> = {};
  for (const [c, v] of entries) tally[c] = Math.round(v * 1e6) / 1e6;
  const top = entries[0]?.[1];
  const tied = top === undefined ? [] : entries.filter(([, v]) => Math.abs(v - top) < 1e-9).map(([c]) => c);
  const failedSet = new Set(failed.map((f) => f.voter));
  const missing = ballots.filter((b) => failedSet.has(b.voter)).reduce((s, b) => s + b.weight, 0);
  const second = entries[1]?.[1] ?? 0;
  const unit = (n: number, adjective = '') => `${fmt(n)} ${adjective}${weighted ? 'weighted ' : ''}vote${n === 1 ? '' : 's'}`;
  const failures = failed.length ? `${failed.length === 1 ? 'voter' : 'voters'} ${andList(failed.map((f) => String(f.voter)))} failed (${errorSummary(failed)})` : '';
  let undecided: string | undefined;
  if (top === undefined) undecided = failures ? `nobody voted: ${failures}` : 'nobody voted';
  else if (tied.length > 1) undecided = `a tie between ${andList(tied)} (${unit(top)} each)${failures ? `, and ${failures}` : ''}`;
  else if (failed.length && top - second <= missing + 1e-9) {
    const lead = entries[1] ? `${tied[0]} leads with ${unit(top)} to ${fmt(second)}` : `${tied[0]} has ${unit(top)}`;
    undecided = `${lead}, but ${failures} and ${failed.length === 1 ? 'its' : 'their'} ${unit(missing, 'missing ')} could change the result`;
  }
  const decision = undecided === undefined ? (tied[0] as string) : null;
  return {
    tally,
    decision,
    tie: tied.length > 1,
    tied: tied.length > 1 ? tied : [],
    weighted,
    majority: decision !== null && (top as number) > total / 2,
    ballots: [...ballots],
    ...(undecided !== undefined && { undecided }),
    failedVoters: [...failed],
  };
}

function andList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] as string}`;
}

/** The failed voters' errors in a few words: "HTTP 500", or the message cut short. */
function errorSummary(failed: readonly FailedVoter[]): string {
  const short = failed.map((f) => /\(HTTP \d+\)/.exec(f.error)?.[0].slice(1, -1) ?? (f.error.length > 80 ? `${f.error.slice(0, 77)}…` : f.error));
  return [...new Set(short)].join('; ');
}

/** The consensus task's output for its dependents: decision (or TIE), tally, rationales. */
export function renderVoteOutput(outcome: VoteOutcome, voters: number): string {
  const unit = outcome.weighted ? 'weighted votes' : 'votes';
  const tally = Object.entries(outcome.tally).map(([c, v]) => `${c} ${fmt(v)}`).join(', ') || 'no votes';
  const lines: string[] = [];
  if (outcome.decision !== null) {
    lines.push(`Decision: ${outcome.decision}`);
    if (!outcome.majority) lines.push(`(the most ${unit}, but not more than half of them)`);
  } else if (outcome.tie) {
    lines.push(`Decision: TIE between ${outcome.tied.join(' and ')} — no decision was made; a person has to decide.`);
  } else if (outcome.undecided !== undefined) {
    lines.push(`Decision: none — undecided: ${outcome.undecided}; a person has to decide.`);
  } else {
    lines.push('Decision: none (nobody voted)');
  }
  const cast = outcome.ballots.filter((b) => b.choice !== null).length;
  lines.push(`Tally (${unit}, ${cast} of ${voters} voters voted): ${tally}`);
  lines.push('', 'Ballots:');
  for (const b of outcome.ballots) {
    const weight = outcome.weighted ? `, weight ${fmt(b.weight)}` : '';
    const failed = outcome.failedVoters?.find((f) => f.voter === b.voter);
    if (failed) lines.push(`- voter ${b.voter} (${b.model}${weight}): no vote — failed ${failed.tries === 1 ? 'once' : `${failed.tries} times`}: ${failed.error}`);
    else if (b.choice === null) lines.push(`- voter ${b.voter} (${b.model}${weight}): no vote — ${b.error ?? 'did not vote'}`);
    else lines.push(`- voter ${b.voter} (${b.model}${weight}): ${b.choice} — ${b.rationale.replace(/\s*\n\s*/g, ' ')}`);
  }
  return lines.join('\n');
}
