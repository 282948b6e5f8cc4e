// Prices per model, in US dollars per million tokens, used for live cost and the `budget.usd`
// limit. Estimates from the published list prices (standard API, 5-minute cache writes); the
// caller can pass its own table (e.g. from a setting) to correct or extend them.
import type { TokenUsage } from '../core';

export interface ModelPrice {
  /** Uncached input tokens. */
  readonly input: number;
  readonly output: number;
  /** Tokens written to the prompt cache (5-minute TTL). */
  readonly cacheWrite: number;
  /** Tokens read from the prompt cache. */
  readonly cacheRead: number;
}

/** Model id (or id prefix) → price. The key `*` prices any model the table does not know. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

const p = (input: number, output: number, cacheRead = input / 10, cacheWrite = input * 1.25): ModelPrice => ({
  input,
  output,
  cacheRead,
  cacheWrite,
});

export const DEFAULT_PRICES: PriceTable = {
  'claude-fable-5-2': p(10, 50, 0.25),
  'claude-fable-5-1': p(10, 50, 0.25),
  'claude-fable-5': p(10, 50),
  'claude-mythos-5-2': p(10, 50, 0.25),
  'claude-mythos-5-1': p(10, 50, 0.25),
  'claude-mythos-5': p(10, 50),
  'claude-mythos-preview': p(10, 50),
  'claude-opus-5-5': p(4, 20, 0.2),
  'claude-opus-5': p(5, 25),
  'claude-opus-4-8': p(5, 25),
  'claude-opus-4-7': p(5, 25),
  'claude-opus-4-6': p(5, 25),
  'claude-opus-4-5': p(5, 25),
  'claude-sonnet-5-5': p(2, 10, 0.2, 2.5),
  'claude-sonnet-5': p(2, 10, 0.2, 2.5),
  'claude-sonnet-4-6': p(3, 15),
  'claude-sonnet-4-5': p(3, 15),
  'claude-haiku-5-5': p(0.1, 0.5, 0.01, 0.125),
  'claude-haiku-4-5': p(1, 5),
  // Unknown models are priced like a large model, so a USD budget errs on the safe side.
  '*': p(5, 25),
};

/**
 * The price of `model`: an exact entry, else the longest key that prefixes the id (so a
 * dated id such as `claude-haiku-4-5-20251001` finds `claude-haiku-4-5`), else `*`.
 * Entries of `table` take precedence over the defaults.
 */
export function priceFor(model: string, table: PriceTable = DEFAULT_PRICES): ModelPrice {
  const merged: PriceTable = table === DEFAULT_PRICES ? table : { ...DEFAULT_PRICES, ...table };
  const exact = merged[model];
  if (exact) return exact;
  let best: string | undefined;
  for (const key of Object.keys(merged)) {
    if (key !== '*' && model.startsWith(key) && (!best || key.length > best.length)) best = key;
  }
  return merged[best ?? '*'] ?? (DEFAULT_PRICES['*'] as ModelPrice);
}

/** Cost in US dollars of `usage` on `model`. */
export function costUsd(usage: TokenUsage, model: string, table?: PriceTable): number {
  const price = priceFor(model, table);
  return (
    (usage.input * price.input +
      usage.output * price.output +
      usage.cacheRead * price.cacheRead +
      usage.cacheWrite * price.cacheWrite) /
    1_000_000
  );
}

/** Tokens counted against `budget.tokens`: every input token processed (cached or not) plus output. */
export function budgetTokens(usage: TokenUsage): number {
  return usage.input + usage.cacheRead + usage.cacheWrite + usage.output;
}
