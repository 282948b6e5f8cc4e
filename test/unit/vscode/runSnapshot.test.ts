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

import { applyInputs } from '../../../src/engine';
import type { RunView } from '../../../src/engine';
import { applySourceOf, fromRunView } from '../../../src/vscode/runSnapshot';

describe('vscode/runSnapshot: what Apply Run takes', () => {
  // A workspace folder inside the repository (pkg/), with an exclusion and a ./ glob.
  const view = {
    runId: 'r1',
    workspace: '/repo/pkg',
    repoRoot: '/repo',
    prefix: 'pkg/',
    taskFile: '.agents/tasks.yaml',
    baseCommit: 'b',
    concurrency: 2,
    plan: { predictedSpeedup: 1, expectedSpeedup: 1 },
    status: 'succeeded',
    startedAt: 0,
    tasks: [
      { id: 'docs', kind: 'command', status: 'succeeded', owns: ['./docs/**', '!docs/generated/**'], dependsOn: ['code'], tokens: ZERO, costUsd: 0, baseCommit: 'b', resultCommit: 'c-docs', changed: [] },
      { id: 'code', kind: 'command', status: 'succeeded', owns: ['src/**'], dependsOn: [], tokens: ZERO, costUsd: 0, baseCommit: 'b', resultCommit: 'c-code', changed: [] },
      { id: 'vote', kind: 'agent', status: 'undecided', owns: ['x'], dependsOn: [], tokens: ZERO, costUsd: 0, baseCommit: 'b', resultCommit: 'c-vote', changed: [] },
    ],
  } as unknown as RunView;

  it("gives the engine's applyInputs the run as it is: globs prefixed the engine's way (! and ./), in dependency order", () => {
    const inputs = applyInputs(applySourceOf(fromRunView(view)));
    assert.deepEqual(
      inputs.map((t) => [t.id, t.owns]),
      [
        ['code', ['pkg/src/**']],
        ['docs', ['pkg/docs/**', '!pkg/docs/generated/**']],
      ],
    );
  });

  it('from a journal, whose globs are repository-relative already', () => {
    const j = {
      version: 1, runId: 'r2', startedAt: '2026-01-01T00:00:00.000Z', status: 'succeeded', owner: { pid: 1, hostname: 'h' }, baseCommit: 'b', concurrency: 1, taskFile: 't',
      tasks: { code: { status: 'succeeded', kind: 'command', owns: ['pkg/src/**', '!pkg/src/gen/**'], baseCommit: 'b', resultCommit: 'c' } },
    } as RunJournal;
    assert.deepEqual(applyInputs(applySourceOf(fromJournal(j, '/repo'))).map((t) => t.owns), [['pkg/src/**', '!pkg/src/gen/**']]);
  });
});
