import * as assert from 'node:assert/strict';
import { formatClock, formatCost, formatDuration, formatSpeedup, formatTokens, statusBarText, statusBarTooltip } from '../../../src/vscode/format';

describe('vscode/format', () => {
  it('formats durations, tokens, cost and speedups briefly', () => {
    assert.equal(formatDuration(4_200), '4s');
    assert.equal(formatDuration(75_000), '1m 15s');
    assert.equal(formatDuration(3_720_000), '1h 02m');
    assert.equal(formatTokens(950), '950 tok');
    assert.equal(formatTokens(12_345), '12k tok');
    assert.equal(formatTokens(2_500), '2.5k tok');
    assert.equal(formatCost(0), '$0');
    assert.equal(formatCost(0.004), '<$0.01');
    assert.equal(formatCost(1.234), '$1.23');
    // As the CLI writes them (contract C6): two decimals, the sign after.
    assert.equal(formatSpeedup(2), '2.00×');
    assert.equal(formatSpeedup(12.4), '12.40×');
  });

  it('writes times as local clock times, with the day when it is not today', () => {
    const at = new Date(2026, 2, 3, 14, 5).getTime();
    assert.match(formatClock(at, at + 60_000), /^\d{1,2}:05( PM)?$/);
    const other = formatClock(at, at + 3 * 86_400_000);
    assert.match(other, /3.*, \d{1,2}:05/);
    assert.doesNotMatch(other, /T\d|Z$/);
  });

  it('shows idle, or only the counts that are not zero', () => {
    assert.equal(statusBarText({ running: 0, queued: 0, conflicts: 0 }), '$(layers) Agents: idle');
    assert.equal(statusBarText({ running: 2, queued: 1, conflicts: 0 }), '$(sync~spin) 2 running  $(clock) 1 queued');
    assert.equal(statusBarText({ running: 0, queued: 0, conflicts: 1 }), '$(warning) 1 conflict');
    assert.match(statusBarTooltip({ running: 1, queued: 0, conflicts: 2 }), /1 running, 0 queued, 2 unresolved conflicts/);
  });
});

import { measuredSpeedup, taskDescription } from '../../../src/vscode/format';

describe('vscode/format task lines', () => {
  const usage = { input: 1000, output: 500, cacheRead: 0, cacheWrite: 0 };
  it('describes a running agent by elapsed time, tokens, cost and tool', () => {
    assert.equal(taskDescription({ status: 'running', startedAt: 0, tokens: usage, costUsd: 0.02, currentTool: 'edit_file' }, 65_000), '1m 05s · 1.5k tok · $0.02 · edit_file');
  });
  it('describes finished, queued and failed tasks', () => {
    assert.equal(taskDescription({ status: 'succeeded', ms: 4000, tokens: usage, costUsd: 0, changedCount: 2 }, 0), '4s · 1.5k tok · 2 files');
    assert.equal(taskDescription({ status: 'queued', tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, costUsd: 0 }, 0), 'queued');
    assert.equal(taskDescription({ status: 'failed', ms: 1000, tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, costUsd: 0, error: 'exit 2\nmore' }, 0), '1s · exit 2');
  });
  it('measures the speedup as work ÷ wall clock', () => {
    assert.deepEqual(measuredSpeedup([{ ms: 3000 }, { ms: 3000 }, {}], 3000), { speedup: 2, workMs: 6000, wallMs: 3000 });
    assert.equal(measuredSpeedup([], 1000), undefined);
    assert.equal(measuredSpeedup([{ ms: 900 }], 1000), undefined);
  });
});
