// How the front ends report a task's strategy: the fields of `run --json` (and `show
// --json`), and the text lines of `run` and `show`.
import type { StrategyOutcome } from '../../core';
import type { LeftOutWrites } from '../taskContext';

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Per-task fields for JSON reports: `attempts`, `winner`, `decidedBy`, `votes`, `aggregate`. */
export function strategyJson(s: StrategyOutcome | undefined) {
  if (!s) return {};
  const c = s.competitive;
  const v = s.votes;
  return {
    ...(c && {
      attempts: c.attempts.map((a) => ({
        attempt: a.attempt,
        model: a.model,
        status: a.status,
        score: a.score,
        scoreSource: a.scoreSource,
        ...(a.scoreNote !== undefined && { scoreNote: a.scoreNote }),
        ...(a.judge !== undefined && { judge: a.judge }),
        qualified: a.qualified,
        resultCommit: a.resultCommit ?? null,
        ...(a.ref !== undefined && { ref: a.ref }),
        changed: a.changed,
        diffLines: a.diffLines,
        winner: a.winner,
        ms: a.ms,
        costUsd: a.costUsd,
        ...(a.error !== undefined && { error: a.error }),
        ...(a.ignoredOutputs !== undefined && { ignoredOutputs: a.ignoredOutputs }),
        ...(a.outsideWrites !== undefined && { outsideWrites: a.outsideWrites }),
      })),
      winner: c.winner,
      decidedBy: c.decidedBy,
      ...(c.chosenByUser && { chosenByUser: true }),
    }),
    ...(v && {
      votes: {
        tally: v.tally,
        decision: v.decision,
        tie: v.tie,
        ...(v.tie && { tied: v.tied }),
        weighted: v.weighted,
        majority: v.majority,
        ...(v.undecided !== undefined && { undecided: v.undecided }),
        failedVoters: v.failedVoters ?? [],
        allowUndecided: v.allowUndecided === true,
        ballots: v.ballots.map((b) => ({
          voter: b.voter,
          model: b.model,
          choice: b.choice,
          rationale: b.rationale,
          ...(v.weighted && { weight: b.weight }),
          ...(b.error !== undefined && { error: b.error }),
        })),
      },
    }),
    ...(s.aggregate && { aggregate: { mode: s.aggregate.mode, from: s.aggregate.from, into: s.aggregate.into ?? null } }),
  };
}

/** Indented text lines for `run` and `show`. */
export function strategyLines(s: StrategyOutcome | undefined, indent = '  '): string[] {
  if (!s) return [];
  const out: string[] = [];
  const c = s.competitive;
  if (c) {
    out.push(`${indent}attempts (${c.winner !== null ? `attempt ${c.winner} won — ${c.decidedBy}` : `no winner — ${c.decidedBy}`}):`);
    for (const a of c.attempts) {
      const score = a.score !== null ? `score ${round(a.score)} (${a.scoreSource})` : a.scoreSource === 'exit-code' ? 'passed (exit code only)' : 'no score';
      const judge = a.judge ? `; judge #${a.judge.rank} ${round(a.judge.score)}/10: ${a.judge.reason}` : '';
      const note = a.scoreNote && a.scoreSource !== 'command' ? ` — ${a.scoreNote}` : '';
      const err = a.error ? ` — ${a.error}` : '';
      out.push(
        `${indent}  ${a.winner ? '★' : ' '} #${a.attempt} ${a.model ?? 'command'} ${a.status}, ${score}, ${a.changed.length} file(s) ${a.diffLines} line(s)${judge}${note}${err}` +
          (a.resultCommit ? ` [${a.resultCommit.slice(0, 12)}]` : ''),
      );
    }
  }
  const v = s.votes;
  if (v) {
    const tally = Object.entries(v.tally).map(([k, n]) => `${k} ${round(n)}`).join(', ') || 'no votes';
    const head =
      v.decision !== null ? `decision ${v.decision}`
      : v.undecided !== undefined ? `UNDECIDED — ${v.undecided}`
      : v.tie ? `TIE between ${v.tied.join(' and ')} (no decision)`
      : 'no decision';
    out.push(`${indent}votes: ${head}; tally${v.weighted ? ' (weighted)' : ''}: ${tally}`);
    for (const b of v.ballots) {
      const w = v.weighted ? ` ×${round(b.weight)}` : '';
      const failed = v.failedVoters?.find((f) => f.voter === b.voter);
      const noVote = failed ? `no vote (failed ${failed.tries === 1 ? 'once' : `${failed.tries} times`}: ${failed.error})` : `no vote (${b.error ?? 'did not vote'})`;
      out.push(`${indent}  voter ${b.voter} (${b.model}${w}): ${b.choice ?? noVote}${b.choice !== null && b.rationale ? ` — ${b.rationale.replace(/\s*\n\s*/g, ' ')}` : ''}`);
    }
  }
  const g = s.aggregate;
  if (g) out.push(`${indent}aggregate (${g.mode}) of ${g.from.join(', ')}${g.into ? ` → ${g.into}` : ''}`);
  return out;
}

/**
 * Text lines for what a command wrote that is not in its result: files git ignores (so a
 * task that "changed 0 files" says why) and writes outside its workspace folder.
 */
export function leftOutLines(t: LeftOutWrites, indent = '  '): string[] {
  const out: string[] = [];
  const ig = t.ignoredOutputs;
  if (ig && ig.count > 0) {
    const more = ig.count > ig.sample.length ? ', …' : '';
    out.push(`${indent}wrote ${ig.count} file${ig.count === 1 ? '' : 's'} that git ignores, not part of the result: ${ig.sample.join(', ')}${more}`);
  }
  if (t.outsideWrites?.length) {
    out.push(`${indent}wrote outside its workspace folder (not kept; ownership violation${t.outsideWrites.length === 1 ? '' : 's'}): ${t.outsideWrites.join(', ')}`);
  }
  return out;
}
