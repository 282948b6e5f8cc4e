// Strategy details in the views' run snapshots: attempts' paths made repository-relative
// (live runs know the workspace's folder; journals do not record it), choosable attempts.
import * as assert from 'node:assert/strict';
import type { AttemptRecord, StrategyOutcome } from '../../../src/core/strategyModel';
import type { RunJournal } from '../../../src/git/journal';
import { choosableAttempts, fromJournal, journalPrefix, strategySnapshot } from '../../../src/vscode/runSnapshot';

const ZERO = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
const attempt = (n: number, extra: Partial<AttemptRecord> = {}): AttemptRecord => ({
  attempt: n,
  model: 'model-a',
  status: 'succeeded',
  score: n,
  scoreSource: 'command',
  qualified: true,
  resultCommit: `c${n}`,
  changed: ['src/clamp.js'],
  diffLines: 4,
  winner: false,
  output: '',
  ms: 1000,
  tokens: ZERO,
  costUsd: 0,
  ...extra,
});
const competitive = (): StrategyOutcome => ({
  competitive: {
    attempts: [attempt(1), attempt(2, { status: 'failed', resultCommit: undefined, changed: [] }), attempt(3, { winner: true })],
    winner: 3,
    decidedBy: 'attempt 3 scored highest',
  },
});

describe('vscode/runSnapshot strategies', () => {
  it("prefixes attempts' paths with the workspace's folder, without touching the engine's record", () => {
    const s = competitive();
    const snap = strategySnapshot(s, 'pkg/');
    assert.deepEqual(snap.competitive?.attempts.map((a) => a.changed), [['pkg/src/clamp.js'], [], ['pkg/src/clamp.js']]);
    assert.deepEqual(s.competitive?.attempts[0]?.changed, ['src/clamp.js']);
    const votes: StrategyOutcome = { votes: { tally: { MIT: 1 }, decision: 'MIT', tie: false, tied: [], weighted: false, majority: true, ballots: [] } };
    assert.deepEqual(strategySnapshot(votes, 'pkg/'), votes);
  });

  it("infers a journal's workspace folder from the winner's paths", () => {
    assert.equal(journalPrefix(['pkg/src/clamp.js'], competitive()), 'pkg/');
    assert.equal(journalPrefix(['src/clamp.js'], competitive()), '');
    assert.equal(journalPrefix(undefined, competitive()), '');
    assert.equal(journalPrefix(['other.js'], competitive()), '');
  });

  it('reads the strategy from a journal; only finished attempts with a result can be chosen', () => {
    const j: RunJournal = {
      version: 1,
      runId: 'r1',
      startedAt: '2026-01-01T00:00:00.000Z',
      status: 'succeeded',
      owner: { pid: 1, hostname: 'h' },
      root: '/repo',
      baseCommit: 'b',
      concurrency: 2,
      taskFile: '.agents/tasks.yaml',
      tasks: {
        clamp: { status: 'succeeded', kind: 'agent', changed: ['pkg/src/clamp.js'], baseCommit: 'b', resultCommit: 'c3', strategy: competitive() },
        plain: { status: 'succeeded', kind: 'command' },
      },
    };
    const snap = fromJournal(j, '/elsewhere');
    const [clamp, plain] = snap.tasks;
    assert.deepEqual(clamp?.strategy?.competitive?.attempts[2]?.changed, ['pkg/src/clamp.js']);
    assert.deepEqual(choosableAttempts(clamp!).map((a) => a.attempt), [1, 3]);
    assert.equal(plain?.strategy, undefined);
    assert.deepEqual(choosableAttempts(plain!), []);
  });
});
