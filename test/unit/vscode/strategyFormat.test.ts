// How the Agents view words a task's strategy: attempts, ballots, the tally and decision.
import * as assert from 'node:assert/strict';
import type { AttemptRecord, Ballot, StrategyOutcome, VoteOutcome } from '../../../src/core/strategyModel';
import {
  attemptDescription,
  attemptLabel,
  attemptScore,
  attemptTooltip,
  ballotDescription,
  ballotTooltip,
  strategyDescription,
  strategyTooltip,
  voteSummary,
} from '../../../src/vscode/format';

const ZERO = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
const attempt = (n: number, extra: Partial<AttemptRecord> = {}): AttemptRecord => ({
  attempt: n,
  model: 'model-a',
  status: 'succeeded',
  score: null,
  scoreSource: 'none',
  qualified: true,
  resultCommit: `c${n}`,
  changed: ['src/clamp.js'],
  diffLines: 4,
  winner: false,
  output: '',
  ms: 2000,
  tokens: ZERO,
  costUsd: 0,
  ...extra,
});
const ballot = (voter: number, choice: string | null, extra: Partial<Ballot> = {}): Ballot => ({ voter, model: 'model-v', choice, rationale: `because ${voter}`, weight: 1, ...extra });
const votes = (extra: Partial<VoteOutcome>): VoteOutcome => ({
  tally: {},
  decision: null,
  tie: false,
  tied: [],
  weighted: false,
  majority: false,
  ballots: [],
  ...extra,
});

describe('vscode/format strategies', () => {
  it("says where an attempt's score came from: score command, judge, exit code, or none", () => {
    assert.equal(attemptScore(attempt(1, { score: 6, scoreSource: 'command' })), 'score 6 (score command)');
    assert.equal(attemptScore(attempt(1, { score: 8, scoreSource: 'judge' })), 'score 8 (judge)');
    assert.equal(attemptScore(attempt(1, { scoreSource: 'exit-code' })), 'passed (exit code)');
    assert.equal(attemptScore(attempt(1, { qualified: false })), 'disqualified');
    assert.equal(attemptScore(attempt(1, { status: 'failed', qualified: false })), 'not scored');
    assert.equal(attemptScore(attempt(1, { score: 2 / 3, scoreSource: 'command' })), 'score 0.67 (score command)');
  });

  it('labels the winner with a star and describes model, status, score and files', () => {
    assert.equal(attemptLabel(attempt(3, { winner: true })), '★ Attempt 3');
    assert.equal(attemptLabel(attempt(1)), 'Attempt 1');
    assert.equal(attemptDescription(attempt(2, { score: 4, scoreSource: 'command', changed: ['a', 'b'] })), 'model-a · score 4 (score command) · 2 files');
    assert.equal(attemptDescription(attempt(2, { status: 'failed', qualified: false, model: null, changed: [] })), 'command · failed · not scored');
  });

  it("an attempt's tooltip: the score's note, the judge's reason, the error, and whether it can be chosen", () => {
    const tip = attemptTooltip(attempt(2, { score: 8, scoreSource: 'judge', judge: { rank: 1, score: 8, reason: 'Says what it does.' }, costUsd: 0.5 }), { decidedBy: 'the judge ranked it first' });
    assert.match(tip, /^Attempt 2 \(model-a\): succeeded in 2s, \$0\.50$/m);
    assert.match(tip, /^Score: 8, from the judge$/m);
    assert.match(tip, /^Judge: ranked #1, 8\/10 — Says what it does\.$/m);
    assert.match(tip, /^Changed 1 file, 4 lines$/m);
    assert.match(tip, /"Choose Attempt…" makes it the task's result\./);
    const won = attemptTooltip(attempt(3, { winner: true, score: 6, scoreSource: 'command', scoreNote: 'printed 6' }), { decidedBy: 'attempt 3 scored highest' });
    assert.match(won, /^Score: 6, from the score command — printed 6$/m);
    assert.match(won, /^★ The task's result: attempt 3 scored highest$/m);
    const failed = attemptTooltip(attempt(1, { status: 'failed', qualified: false, error: 'HTTP 500', resultCommit: undefined }), { decidedBy: '' });
    assert.match(failed, /^Score: none$/m);
    assert.match(failed, /^Error: HTTP 500$/m);
    assert.doesNotMatch(failed, /Choose Attempt|Changed/);
  });

  it('sums up a vote: the decision with its share, a TIE as such, or no decision', () => {
    assert.equal(voteSummary(votes({ tally: { MIT: 4, 'Apache-2.0': 1 }, decision: 'MIT', majority: true })), 'MIT (4 of 5)');
    assert.equal(voteSummary(votes({ tally: { MIT: 2, 'Apache-2.0': 2 }, tie: true, tied: ['MIT', 'Apache-2.0'] })), 'TIE MIT = Apache-2.0');
    assert.equal(voteSummary(votes({})), 'no decision');
  });

  it("adds the strategy to a task's description and tooltip (competitive, consensus, aggregate)", () => {
    const competitive: StrategyOutcome = { competitive: { attempts: [attempt(1), attempt(2, { winner: true })], winner: 2, decidedBy: 'attempt 2 scored highest (6 against 4)' } };
    assert.equal(strategyDescription(competitive), '★ attempt 2 of 2');
    assert.equal(strategyDescription({ competitive: { ...competitive.competitive!, chosenByUser: true } }), '★ attempt 2 of 2 (chosen)');
    assert.equal(strategyDescription({ competitive: { attempts: [attempt(1)], winner: null, decidedBy: 'the judge failed' } }), 'no winner of 1');
    assert.deepEqual(strategyTooltip(competitive), ['**Competitive** (2 attempts): attempt 2 is the result — attempt 2 scored highest (6 against 4)']);

    const tie: StrategyOutcome = { votes: votes({ tally: { MIT: 2, 'GPL-3.0': 2 }, tie: true, tied: ['MIT', 'GPL-3.0'], ballots: [ballot(1, 'MIT'), ballot(2, 'GPL-3.0'), ballot(3, 'MIT'), ballot(4, 'GPL-3.0')] }) };
    assert.equal(strategyDescription(tie), 'vote: TIE MIT = GPL-3.0');
    assert.deepEqual(strategyTooltip(tie), ['**Consensus** (4 voters): **TIE** between MIT and GPL-3.0: no decision; tally: MIT 2, GPL-3.0 2']);
    const decided: StrategyOutcome = { votes: votes({ tally: { MIT: 3.5, 'Apache-2.0': 1 }, decision: 'MIT', majority: true, weighted: true, ballots: [ballot(1, 'MIT')] }) };
    assert.deepEqual(strategyTooltip(decided), ['**Consensus** (1 voter): decision **MIT** (a majority); tally (weighted): MIT 3.5, Apache-2.0 1']);

    const aggregate: StrategyOutcome = { aggregate: { mode: 'concat', from: ['review-bugs', 'review-style'], into: 'reports/review.md' } };
    assert.equal(strategyDescription(aggregate), 'concat of 2');
    assert.deepEqual(strategyTooltip(aggregate), ['**Aggregate** (concat) of `review-bugs`, `review-style` into `reports/review.md`']);
    assert.equal(strategyDescription(undefined), '');
    assert.deepEqual(strategyTooltip(undefined), []);
  });

  it("a voter: model, weight when weighted, choice; the rationale (or why no vote) in the tooltip", () => {
    assert.equal(ballotDescription(ballot(1, 'MIT'), false), 'model-v · MIT');
    assert.equal(ballotDescription(ballot(2, null, { weight: 2 }), true), 'model-v ×2 · no vote');
    assert.equal(ballotTooltip(ballot(1, 'MIT', { rationale: 'Most npm packages use MIT.' })), 'Voter 1 (model-v): MIT\nMost npm packages use MIT.');
    assert.equal(ballotTooltip(ballot(3, null, { error: 'answered without the vote tool' })), 'Voter 3 (model-v): no vote\nanswered without the vote tool');
  });
});
