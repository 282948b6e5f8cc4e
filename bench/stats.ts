// Small statistics for the benchmarks: median and spread of repeated measurements.

export interface Sample {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
  readonly values: readonly number[];
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function sample(values: readonly number[]): Sample {
  return {
    median: median(values),
    min: values.length ? Math.min(...values) : NaN,
    max: values.length ? Math.max(...values) : NaN,
    runs: values.length,
    values: [...values],
  };
}

/** Milliseconds since an arbitrary origin, sub-millisecond. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Times `fn` once, in milliseconds. */
export async function time(fn: () => unknown): Promise<number> {
  const t0 = now();
  await fn();
  return now() - t0;
}

/**
 * Repeats `measure` `runs` times (after `setup`, before `teardown`, which are not timed) and
 * returns the spread of the values it returns.
 */
export async function repeat(
  runs: number,
  measure: (i: number) => Promise<number>,
  hooks: { setup?: (i: number) => unknown; teardown?: (i: number) => unknown } = {},
): Promise<Sample> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) {
    await hooks.setup?.(i);
    try {
      values.push(await measure(i));
    } finally {
      await hooks.teardown?.(i);
    }
  }
  return sample(values);
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function fmtSpread(s: Sample, fmt: (x: number) => string = fmtMs): string {
  return `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)}, n=${s.runs})`;
}
