// The views' snapshot of a run record: what the window adds (live, its apply), the tool a
// running task uses, choosable attempts; Apply Run hands the record itself to applyInputs.
import * as assert from 'node:assert/strict';
import type { AttemptRecord, StrategyOutcome } from '../../../src/core/strategyModel';
import { applyInputs, migrateV1, repoRelativeStrategy, type JournalV1, type RunRecord, type TaskRecord } from '../../../src/engine';
import { choosableAttempts, currentTool, snapshotOf } from '../../../src/vscode/runSnapshot';

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

const task = (id: string, extra: Partial<TaskRecord> = {}): TaskRecord => ({ id, kind: 'command', dependsOn: [], owns: [], status: 'succeeded', attempt: 1, tokens: ZERO, costUsd: 0, ...extra });
const record = (extra: Partial<RunRecord> = {}): RunRecord => ({
  version: 2,
  runId: 'r1',
  owner: { pid: 1, hostname: 'h' },
  repoRoot: '/repo',
  prefix: 'pkg/',
  taskFile: '/repo/pkg/.agents/tasks.yaml',
  baseCommit: 'b',
  concurrency: 2,
  status: 'succeeded',
  startedAt: 0,
  tasks: [],
  ...extra,
});

describe('vscode/runSnapshot', () => {
  it("the engine's record of attempts is repository-relative; the original outcome is untouched", () => {
    const s = competitive();
    const snap = repoRelativeStrategy(s, 'pkg/');
    assert.deepEqual(snap.competitive?.attempts.map((a) => a.changed), [['pkg/src/clamp.js'], [], ['pkg/src/clamp.js']]);
    assert.deepEqual(s.competitive?.attempts[0]?.changed, ['src/clamp.js']);
    const votes: StrategyOutcome = { votes: { tally: { MIT: 1 }, decision: 'MIT', tie: false, tied: [], weighted: false, majority: true, ballots: [] } };
    assert.deepEqual(repoRelativeStrategy(votes, 'pkg/'), votes);
  });

  it('only finished attempts with a result can be chosen; the current tool only while running', () => {
    const clamp = task('clamp', { strategy: competitive() });
    assert.deepEqual(choosableAttempts(clamp).map((a) => a.attempt), [1, 3]);
    assert.deepEqual(choosableAttempts(task('plain')), []);
    const progress = { taskId: 'x', currentTool: 'write_file', tokens: ZERO, costUsd: 0, turns: 1, elapsedMs: 5 };
    assert.equal(currentTool(task('x', { status: 'running', progress })), 'write_file');
    assert.equal(currentTool(task('x', { status: 'succeeded', progress })), undefined);
  });

  it("the apply: the window's knowledge wins over the journal's; a failed apply is no apply", () => {
    const applied = { at: '2026-01-01T00:00:00.000Z', beforeApplyCommit: 'b', tasks: ['a'] };
    assert.deepEqual(snapshotOf(record({ applied }), false).applied, { at: Date.parse(applied.at), undone: false });
    assert.deepEqual(snapshotOf(record({ applied: { ...applied, undoneAt: applied.at } }), false).applied?.undone, true);
    assert.equal(snapshotOf(record({ applied: { ...applied, error: 'disk full' } }), false).applied, undefined);
    assert.deepEqual(snapshotOf(record({ applied }), true, { at: 5, undone: true }).applied, { at: 5, undone: true });
  });

  it('Apply Run takes the record as it is: repository-relative globs, dependency order, live or from a journal', () => {
    const live = record({
      tasks: [
        task('docs', { owns: ['pkg/docs/**', '!pkg/docs/generated/**'], dependsOn: ['code'], baseCommit: 'b', resultCommit: 'c-docs' }),
        task('code', { owns: ['pkg/src/**'], baseCommit: 'b', resultCommit: 'c-code' }),
        task('vote', { kind: 'agent', status: 'undecided', owns: ['pkg/x'], baseCommit: 'b', resultCommit: 'c-vote' }),
      ],
    });
    assert.deepEqual(
      applyInputs(snapshotOf(live, true)).map((t) => [t.id, t.owns]),
      [
        ['code', ['pkg/src/**']],
        ['docs', ['pkg/docs/**', '!pkg/docs/generated/**']],
      ],
    );
    const j: JournalV1 = {
      version: 1, runId: 'r2', startedAt: '2026-01-01T00:00:00.000Z', status: 'succeeded', owner: { pid: 1, hostname: 'h' }, baseCommit: 'b', concurrency: 1, taskFile: 't',
      tasks: { code: { status: 'succeeded', kind: 'command', owns: ['pkg/src/**', '!pkg/src/gen/**'], baseCommit: 'b', resultCommit: 'c' } },
    };
    assert.deepEqual(applyInputs(snapshotOf(migrateV1(j, '/repo'), false)).map((t) => t.owns), [['pkg/src/**', '!pkg/src/gen/**']]);
  });
});
