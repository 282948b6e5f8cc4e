import * as assert from 'node:assert/strict';
import type { AttemptRecord, Ballot } from '../../../src/core/strategyModel';
import { emptyUsage } from '../../../src/core/runModel';
import { parseScore, pickWinner, renderVoteOutput, tallyVotes, topByCommand } from '../../../src/engine/strategies';

function attempt(n: number, extra: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    attempt: n,
    model: 'm',
    status: 'succeeded',
    score: null,
    scoreSource: 'none',
    qualified: true,
    changed: [],
    diffLines: 10,
    winner: false,
    output: '',
    ms: 0,
    tokens: emptyUsage(),
    costUsd: 0,
    ...extra,
  };
}

const cmd = (n: number, score: number, diffLines = 10) => attempt(n, { score, scoreSource: 'command', diffLines });

describe('strategies: score parsing', () => {
  it('takes the last number printed', () => {
    assert.equal(parseScore('passed 12 of 14 tests\nscore: 0.857\n'), 0.857);
    assert.equal(parseScore('-3'), -3);
    assert.equal(parseScore('1e3 points'), 1000);
  });
  it('no number → undefined', () => {
    assert.equal(parseScore('all good\n'), undefined);
    assert.equal(parseScore(''), undefined);
  });
});

describe('strategies: picking the winning attempt', () => {
  it('the highest score wins, whatever the order', () => {
    const w = pickWinner([cmd(1, 3), cmd(2, 5), cmd(3, 9)]);
    assert.equal(w.winner.attempt, 3);
    assert.deepEqual(w.ranked.map((a) => a.attempt), [3, 2, 1]);
    assert.match(w.decidedBy, /score command: attempt 3 scored 9 \(next best: attempt 2, 5\)/);
  });
  it('a tie goes to the smaller diff', () => {
    const w = pickWinner([cmd(1, 7, 40), cmd(2, 7, 12), cmd(3, 2, 1)]);
    assert.equal(w.winner.attempt, 2);
    assert.match(w.decidedBy, /attempts 2 and 1 tied at 7; the tie went to the smaller diff \(12 lines against 40\)/);
  });
  it('a number beats exit-code-only scoring', () => {
    const exitOnly = attempt(1, { scoreSource: 'exit-code', diffLines: 1 });
    assert.equal(pickWinner([exitOnly, cmd(2, 0)]).winner.attempt, 2);
  });
  it('the judge breaks a tie on the score command', () => {
    const a = cmd(1, 7);
    const b = { ...cmd(2, 7, 50), judge: { rank: 1, score: 9, reason: 'handles empty input' } };
    const w = pickWinner([a, b]);
    assert.equal(w.winner.attempt, 2);
    assert.match(w.decidedBy, /tied at 7 on the score command; the judge ranked attempt 2 first \(9\/10\): handles empty input/);
  });
  it('topByCommand keeps the attempts sharing the best number', () => {
    assert.deepEqual(topByCommand([cmd(1, 7), cmd(2, 3), cmd(3, 7)]).map((a) => a.attempt), [1, 3]);
    const exitOnly = [attempt(1, { scoreSource: 'exit-code' }), attempt(2, { scoreSource: 'exit-code' })];
    assert.equal(topByCommand(exitOnly).length, 2);
  });
  it('one qualified attempt wins alone', () => {
    assert.match(pickWinner([cmd(2, 1)]).decidedBy, /only attempt that qualified/);
  });
});

function ballot(voter: number, choice: string | null, weight = 1, model = 'm'): Ballot {
  return { voter, model, choice, rationale: `because ${voter}`, weight };
}

describe('strategies: tallying votes', () => {
  it('a clear majority decides', () => {
    const o = tallyVotes([ballot(1, 'yes'), ballot(2, 'no'), ballot(3, 'Yes'), ballot(4, 'yes '), ballot(5, 'no')], false);
    assert.deepEqual(o.tally, { yes: 3, no: 2 });
    assert.equal(o.decision, 'yes');
    assert.equal(o.tie, false);
    assert.equal(o.majority, true);
  });
  it('weights can outvote a head count', () => {
    const o = tallyVotes([ballot(1, 'a', 3, 'big'), ballot(2, 'b', 1), ballot(3, 'b', 1)], true);
    assert.deepEqual(o.tally, { a: 3, b: 2 });
    assert.equal(o.decision, 'a');
  });
  it('a tie is reported, not broken', () => {
    const o = tallyVotes([ballot(1, 'a'), ballot(2, 'b'), ballot(3, null)], false);
    assert.equal(o.decision, null);
    assert.equal(o.tie, true);
    assert.deepEqual(o.tied, ['a', 'b']);
    const text = renderVoteOutput(o, 3);
    assert.match(text, /^Decision: TIE between a and b/);
    assert.match(text, /Tally \(votes, 2 of 3 voters voted\): a 1, b 1/);
    assert.match(text, /voter 3 \(m\): no vote/);
  });
  it('a tie says so in `undecided`, in plain words', () => {
    const o = tallyVotes([ballot(1, 'a'), ballot(2, 'b'), ballot(3, 'c')], false);
    assert.equal(o.undecided, 'a tie between a, b and c (1 vote each)');
    assert.equal(o.majority, false);
  });
  it('weights taken in turn can tie by construction: two light votes against one that counts double', () => {
    // voters: 3, weights: {light: 1, heavy: 2} → voters light, heavy, light.
    const o = tallyVotes([ballot(1, 'a', 1, 'light'), ballot(2, 'b', 2, 'heavy'), ballot(3, 'a', 1, 'light')], true);
    assert.equal(o.decision, null);
    assert.equal(o.undecided, 'a tie between a and b (2 weighted votes each)');
    // heavy: 1.5 → the two light voters outvote it.
    const p = tallyVotes([ballot(1, 'a', 1, 'light'), ballot(2, 'b', 1.5, 'heavy'), ballot(3, 'a', 1, 'light')], true);
    assert.equal(p.decision, 'a');
  });
  it('failed voters: a lead their missing weight cannot overturn stands; one it could overturn is undecided', () => {
    const failed = (voter: number) => ({ voter, model: 'm', error: 'The model API failed (HTTP 529): overloaded', tries: 2 });
    const firm = tallyVotes([ballot(1, 'a'), ballot(2, 'a'), ballot(3, 'a'), ballot(4, 'b'), ballot(5, null)], false, [failed(5)]);
    assert.equal(firm.decision, 'a');
    assert.equal(firm.undecided, undefined);
    assert.deepEqual(firm.failedVoters?.map((f) => f.voter), [5]);
    // a 2 to 1 lead with one failed voter: the missing vote could only tie it — undecided.
    const lost = tallyVotes([ballot(1, 'a'), ballot(2, 'a'), ballot(3, 'b'), ballot(4, null)], false, [failed(4)]);
    assert.equal(lost.decision, null);
    assert.equal(lost.tie, false);
    assert.equal(lost.undecided, 'a leads with 2 votes to 1, but voter 4 failed (HTTP 529) and its 1 missing vote could change the result');
    assert.match(renderVoteOutput(lost, 4), /^Decision: none — undecided: a leads with 2 votes to 1[\s\S]*voter 4 \(m\): no vote — failed 2 times: The model API failed \(HTTP 529\)/);
    // weights count: a heavy failed voter outweighs a lead of two light votes.
    const heavy = tallyVotes([ballot(1, 'a', 1), ballot(2, 'a', 1), ballot(3, null, 3)], true, [failed(3)]);
    assert.equal(heavy.undecided, 'a has 2 weighted votes, but voter 3 failed (HTTP 529) and its 3 missing weighted votes could change the result');
  });
  it('a plurality that is not a majority is said so', () => {
    const o = tallyVotes([ballot(1, 'a'), ballot(2, 'a'), ballot(3, 'b'), ballot(4, 'c'), ballot(5, 'd')], false);
    assert.equal(o.decision, 'a');
    assert.equal(o.majority, false);
    assert.match(renderVoteOutput(o, 5), /not more than half/);
  });
});
