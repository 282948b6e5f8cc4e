// RunService's pure parts (runList.ts): which runs the views list, in what order, with
// this window's applies; and the prices a run gets from the settings.
import * as assert from 'node:assert/strict';
import { listRuns, normalisePrices } from '../../../src/vscode/runList';
import type { RunSnapshot } from '../../../src/vscode/runSnapshot';

const run = (runId: string, startedAt: number, extra: Partial<RunSnapshot> = {}): RunSnapshot => ({
  runId,
  status: 'succeeded',
  live: false,
  version: 2,
  owner: { pid: 1, hostname: 'h' },
  repoRoot: '/repo',
  prefix: '',
  taskFile: '/repo/.agents/tasks.yaml',
  concurrency: 1,
  baseCommit: 'b'.repeat(40),
  startedAt,
  tasks: [],
  ...extra,
});

describe('vscode/runList', () => {
  it('lists live runs first, newest first, then past ones as given', () => {
    const live = [run('l1', 100, { live: true }), run('l2', 300, { live: true })];
    const past = [run('p2', 200), run('p1', 50)];
    assert.deepEqual(listRuns(live, past, new Map()).map((r) => r.runId), ['l2', 'l1', 'p2', 'p1']);
  });

  it('shows a run that is live and in the journal once, as the live one', () => {
    const live = [run('r', 100, { live: true, status: 'running' })];
    const listed = listRuns(live, [run('r', 100, { status: 'interrupted' }), run('old', 10)], new Map());
    assert.deepEqual(listed.map((r) => [r.runId, r.status]), [['r', 'running'], ['old', 'succeeded']]);
  });

  it("puts this window's apply or undo over what a past run's journal said", () => {
    const applied = new Map([['p1', { at: 5, undone: true }]]);
    const past = [run('p1', 50, { applied: { at: 1, undone: false } }), run('p2', 40, { applied: { at: 2, undone: false } })];
    const listed = listRuns([], past, applied);
    assert.deepEqual(listed[0]?.applied, { at: 5, undone: true });
    assert.deepEqual(listed[1]?.applied, { at: 2, undone: false });
    assert.deepEqual(past[0]?.applied, { at: 1, undone: false }, 'the snapshots given are not changed');
  });

  it('does not reorder the live runs it was given', () => {
    const live = [run('a', 1, { live: true }), run('b', 2, { live: true })];
    listRuns(live, [], new Map());
    assert.deepEqual(live.map((r) => r.runId), ['a', 'b']);
  });

  it('completes prices: cache reads a tenth of input, cache writes 1.25×, what is given kept', () => {
    assert.deepEqual(normalisePrices({ m: { input: 3, output: 15 } }), { m: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } });
    assert.deepEqual(normalisePrices({ m: { input: 3, cacheRead: 1, cacheWrite: 2 } }), { m: { input: 3, output: 0, cacheRead: 1, cacheWrite: 2 } });
    assert.deepEqual(normalisePrices({ free: {} }), { free: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } });
    assert.deepEqual(normalisePrices({}), {});
  });
});
