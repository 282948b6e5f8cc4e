import * as assert from 'node:assert/strict';
import { runFinishedMessage } from '../../../src/vscode/runMessages';

const task = (status: string) => ({ status, kind: 'command' });

describe('vscode/runMessages', () => {
  it('a succeeded run: the counts and the measured speedup against the expected one', () => {
    const m = runFinishedMessage({ runId: 'r1', status: 'succeeded', tasks: [task('succeeded'), task('succeeded')], expectedSpeedup: 2 }, { speedup: 1.8 }, false);
    assert.equal(m, 'Parallel Agents: run r1 succeeded: 2 succeeded. Measured speedup 1.80× (expected 2.00×).');
  });

  it('a cancelled run: a proper sentence, and no speedup', () => {
    const m = runFinishedMessage(
      { runId: 'r1', status: 'cancelled', tasks: [task('succeeded'), task('cancelled'), task('skipped')], expectedSpeedup: 2, stopReason: 'run cancelled by the user' },
      { speedup: 1.2 },
      false,
    );
    assert.equal(m, 'Parallel Agents: run r1 was cancelled: 1 succeeded, 1 cancelled, 1 skipped. Run cancelled by the user.');
    assert.doesNotMatch(m, /×/);
  });

  it('says when agents were answered by the demo model', () => {
    const m = runFinishedMessage({ runId: 'r1', status: 'failed', tasks: [{ status: 'failed', kind: 'agent' }] }, undefined, true);
    assert.equal(m, 'Parallel Agents: run r1 failed (agents: demo model): 1 failed.');
  });
});

describe('vscode/runMessages: an undecided run (C1)', () => {
  it('says it ended undecided, and why each undecided task did not decide', () => {
    const m = runFinishedMessage(
      {
        runId: 'r1',
        status: 'undecided',
        tasks: [
          { id: 'pick', status: 'undecided', kind: 'agent', strategy: { votes: { undecided: 'a tie between spaces and tabs (1 vote each)' } } },
          { id: 'style', status: 'skipped', kind: 'agent' },
        ],
        expectedSpeedup: 1,
      },
      { speedup: 1 },
      false,
    );
    assert.equal(m, 'Parallel Agents: run r1 ended undecided: 1 undecided, 1 skipped. Task "pick" did not decide: a tie between spaces and tabs (1 vote each).');
  });

  it('a task that allows undecided is named, and the run is a success', () => {
    const m = runFinishedMessage(
      { runId: 'r1', status: 'succeeded', tasks: [{ id: 'pick', status: 'undecided', kind: 'agent', strategy: { votes: { undecided: 'a tie', allowUndecided: true } } }] },
      undefined,
      false,
    );
    assert.equal(m, 'Parallel Agents: run r1 succeeded: 1 undecided. Task "pick" did not decide: a tie (its dependents ran: allowUndecided).');
  });
});
