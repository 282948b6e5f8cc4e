import assert from 'node:assert/strict';
import { budgetTokens, costUsd, DEFAULT_PRICES, priceFor } from '../../../src/agents/pricing';
import { DEFAULT_MODEL } from '../../../src/agents/models';

describe('agents/pricing', () => {
  it('prices the default model', () => {
    assert.ok(DEFAULT_PRICES[DEFAULT_MODEL]);
    const usage = { input: 1_000_000, output: 1_000_000, cacheRead: 1_000_000, cacheWrite: 1_000_000 };
    const p = priceFor(DEFAULT_MODEL);
    assert.equal(costUsd(usage, DEFAULT_MODEL), p.input + p.output + p.cacheRead + p.cacheWrite);
  });

  it('finds dated ids by prefix and falls back to * for unknown models', () => {
    assert.deepEqual(priceFor('claude-haiku-4-5-20251001'), DEFAULT_PRICES['claude-haiku-4-5']);
    assert.deepEqual(priceFor('some-other-model'), DEFAULT_PRICES['*']);
  });

  it('lets the caller override and extend the table', () => {
    const table = { 'my-model': { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 } };
    assert.equal(costUsd({ input: 1_000_000, output: 1_000_000, cacheRead: 0, cacheWrite: 0 }, 'my-model', table), 3);
    assert.deepEqual(priceFor(DEFAULT_MODEL, table), DEFAULT_PRICES[DEFAULT_MODEL], 'defaults still apply');
  });

  it('counts every token against budget.tokens', () => {
    assert.equal(budgetTokens({ input: 1, output: 2, cacheRead: 3, cacheWrite: 4 }), 10);
  });
});
