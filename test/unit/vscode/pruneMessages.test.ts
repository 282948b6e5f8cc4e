import * as assert from 'node:assert/strict';
import { pruneConfirmation, prunedMessage, keptSummary } from '../../../src/vscode/pruneMessages';

const kept = [
  { runId: 'a', reason: 'among the 5 newest' },
  { runId: 'b', reason: 'among the 5 newest' },
  { runId: 'c', reason: 'it has results that were never applied (apply or --force)' },
  { runId: 'd', reason: 'its apply was undone: it has results that were never applied (apply or --force)' },
  { runId: 'e', reason: 'running (process 12)' },
  { runId: 'f', reason: 'its apply failed half way: undo it first (--force prunes it anyway)' },
];

describe('vscode/pruneMessages', () => {
  it('sums up what is kept and why, in VS Code words (no CLI flags)', () => {
    const s = keptSummary(kept);
    assert.equal(s, '2 among the newest, 2 with results never applied (apply them, or they stay), 1 running, 1 whose apply failed half way (undo it first)');
    assert.doesNotMatch(s, /--force|parallel-agents /);
  });

  it('asks before pruning, saying what goes with the runs', () => {
    const c = pruneConfirmation({ pruned: ['x', 'y', 'z'], kept });
    assert.equal(c.message, 'Prune 3 old runs?');
    assert.match(c.detail, /^Their refs, journals, transcripts and apply records are deleted; an applied run's apply can no longer be undone\. Git's objects are left to git gc\.\n\nKept: 2 among the newest/);
  });

  it('reports what was pruned, or that nothing could go', () => {
    assert.equal(prunedMessage({ pruned: ['x'], kept: kept.slice(0, 1) }), 'Parallel Agents: pruned 1 old run; kept 1 (1 among the newest).');
    assert.equal(prunedMessage({ pruned: [], kept: kept.slice(2, 3) }), 'Parallel Agents: no run to prune; kept 1 (1 with results never applied (apply them, or they stay)).');
  });
});
