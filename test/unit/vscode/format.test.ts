import * as assert from 'node:assert/strict';
import { formatCost, formatDuration, formatSpeedup, formatTokens, statusBarText, statusBarTooltip } from '../../../src/vscode/format';

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
    assert.equal(formatSpeedup(2), '×2.0');
    assert.equal(formatSpeedup(12.4), '×12');
  });

  it('shows idle, or only the counts that are not zero', () => {
    assert.equal(statusBarText({ running: 0, queued: 0, conflicts: 0 }), '$(layers) Agents: idle');
    assert.equal(statusBarText({ running: 2, queued: 1, conflicts: 0 }), '$(sync~spin) 2 running  $(clock) 1 queued');
    assert.equal(statusBarText({ running: 0, queued: 0, conflicts: 1 }), '$(warning) 1 conflict');
    assert.match(statusBarTooltip({ running: 1, queued: 0, conflicts: 2 }), /1 running, 0 queued, 2 unresolved conflicts/);
  });
});
