// What every benchmark group returns: metrics measured against a baseline taken in the
// same process run, as a ratio with a target.
import type { Sample } from './stats';

export type Op = '>=' | '<=' | '<' | '>';

export interface Target {
  /** What is compared to the limit: the ratio, or the value itself (memory). */
  readonly of: 'ratio' | 'value';
  readonly op: Op;
  readonly limit: number;
  /** How it reads in the table, e.g. "≥ 100× faster". */
  readonly text: string;
}

export interface Metric {
  /** Stable id (`--only` matches it or its group). */
  readonly name: string;
  readonly group: string;
  readonly title: string;
  readonly unit: string;
  /** Median of the measurements (null: not measured). */
  readonly value: number | null;
  readonly baseline: number | null;
  readonly ratio: number | null;
  readonly target: string;
  readonly ok: boolean | null;
  readonly valueSpread?: Sample;
  readonly baselineSpread?: Sample;
  /** What the baseline is. */
  readonly baselineTitle?: string;
  /** Extra facts (speedup vs Amdahl, disk use, why not measured…). */
  readonly notes?: string[];
}

export interface BenchContext {
  readonly runs: number;
  readonly log: (s: string) => void;
}

/**
 * A metric whose baseline is the shared "git worktree add --detach ×8": run.ts measures that
 * once, after every other group (its gigabytes of writes and deletes would slow the others
 * down), then completes these.
 */
export interface PendingOnWorktrees {
  readonly pending: (worktrees8: Sample) => Metric;
}

export type BenchResult = Metric | PendingOnWorktrees;

export function isPending(r: BenchResult): r is PendingOnWorktrees {
  return typeof (r as PendingOnWorktrees).pending === 'function';
}

export function check(target: Target, value: number | null, ratio: number | null): boolean | null {
  const x = target.of === 'ratio' ? ratio : value;
  if (x === null || !Number.isFinite(x)) return null;
  switch (target.op) {
    case '>=':
      return x >= target.limit;
    case '>':
      return x > target.limit;
    case '<=':
      return x <= target.limit;
    case '<':
      return x < target.limit;
  }
}

/** A metric from two spreads; `ratioOf` says how the ratio is formed from the medians. */
export function compare(args: {
  name: string;
  group: string;
  title: string;
  unit?: string;
  value: Sample;
  baseline: Sample;
  baselineTitle: string;
  ratio: 'baseline/value' | 'value/baseline';
  target: Target;
  notes?: string[];
}): Metric {
  const v = args.value.median;
  const b = args.baseline.median;
  const ratio = args.ratio === 'baseline/value' ? b / v : v / b;
  return {
    name: args.name,
    group: args.group,
    title: args.title,
    unit: args.unit ?? 'ms',
    value: v,
    baseline: b,
    ratio,
    target: args.target.text,
    ok: check(args.target, v, ratio),
    valueSpread: args.value,
    baselineSpread: args.baseline,
    baselineTitle: args.baselineTitle,
    ...(args.notes && { notes: args.notes }),
  };
}

export function notMeasured(name: string, group: string, title: string, target: string, reason: string): Metric {
  return { name, group, title, unit: '', value: null, baseline: null, ratio: null, target, ok: null, notes: [`not measured: ${reason}`] };
}
