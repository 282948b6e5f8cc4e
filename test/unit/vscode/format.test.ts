import * as assert from 'node:assert/strict';
import { formatSpeedup as coreFormatSpeedup } from '../../../src/core/plan';
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
    for (const x of [0, 1, 1.005, 2, 10.5, Infinity, NaN]) assert.equal(formatSpeedup(x), coreFormatSpeedup(x), String(x));
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

import { measuredSpeedup, taskDescription, taskTooltipLines } from '../../../src/vscode/format';

describe('vscode/format task lines', () => {
  const usage = { input: 1000, output: 500, cacheRead: 0, cacheWrite: 0 };
  // The default sidebar width shows ~30 characters of a description: status and elapsed
  // first, tokens and cost only in the tooltip (issue 10 §6).
  const none = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  it('describes a running agent by elapsed time and its tool; tokens and cost are for the tooltip', () => {
    assert.equal(taskDescription({ status: 'running', startedAt: 0, tokens: usage, costUsd: 0.02, currentTool: 'edit_file' }, 65_000), '1m 05s · edit_file');
    assert.equal(taskDescription({ status: 'running', startedAt: 0, tokens: usage, costUsd: 0.02 }, 5_000), '5s');
  });
  it('describes finished, queued and failed tasks, the status first unless the icon says it all', () => {
    assert.equal(taskDescription({ status: 'succeeded', ms: 4000, tokens: usage, costUsd: 0.5, changedCount: 2 }, 0), '4s · 2 files');
    assert.equal(taskDescription({ status: 'queued', tokens: none, costUsd: 0 }, 0), 'queued');
    assert.equal(taskDescription({ status: 'failed', ms: 1000, tokens: none, costUsd: 0, error: 'exit 2\nmore' }, 0), 'failed · 1s · exit 2');
    assert.equal(taskDescription({ status: 'cancelled', ms: 2000, tokens: none, costUsd: 0, reason: 'run cancelled by the user' }, 0), 'cancelled · 2s');
    assert.equal(taskDescription({ status: 'skipped', tokens: none, costUsd: 0, reason: 'dependency "a" failed' }, 0), 'skipped · dependency "a" failed');
  });
  it('an undecided task says so first, never like a success', () => {
    assert.equal(taskDescription({ status: 'undecided', ms: 3000, tokens: usage, costUsd: 0, changedCount: 0, error: 'did not decide: a tie' }, 0), 'undecided · 3s');
  });
  it('keeps tokens and cost in the tooltip lines', () => {
    assert.deepEqual(taskTooltipLines({ status: 'running', startedAt: 0, tokens: usage, costUsd: 0.02, currentTool: 'edit_file', changedCount: 1 }, 65_000), [
      'Status: running for 1m 05s, now edit_file',
      'Tokens: 1000 in · 500 out · 0 cache read · 0 cache write — $0.02',
      'Changed 1 file',
    ]);
  });
  it('measures the speedup as work ÷ wall clock', () => {
    assert.deepEqual(measuredSpeedup([{ ms: 3000 }, { ms: 3000 }, {}], 3000), { speedup: 2, workMs: 6000, wallMs: 3000 });
    assert.equal(measuredSpeedup([], 1000), undefined);
    assert.equal(measuredSpeedup([{ ms: 900 }], 1000), undefined);
  });
});
