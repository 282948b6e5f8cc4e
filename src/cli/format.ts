// Small formatting helpers shared by the CLI's commands.
import type { TaskStatus } from '../core';

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatUsd(usd: number): string {
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** One way to write a speedup everywhere (CLI and VS Code): `2.00×`. */
export { formatSpeedup } from '../core';

/** `1 file`, `4 files`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** How many paths apply and undo print before summing up the rest. */
export const LIST_CAP = 20;

/**
 * The first `cap` lines of a list, then one line that says how many more there are and
 * where to see them all: hundreds of paths would bury what matters.
 */
export function cappedLines(lines: readonly string[], indent: string, seeAll: string, cap = LIST_CAP): string[] {
  if (lines.length <= cap) return [...lines];
  return [...lines.slice(0, cap), `${indent}… and ${lines.length - cap} more; ${seeAll}`];
}

const MARKS: Record<TaskStatus, string> = {
  queued: '·',
  running: '▶',
  succeeded: '✓',
  undecided: '?',
  failed: '✗',
  cancelled: '■',
  skipped: '↷',
};

export function statusMark(s: TaskStatus): string {
  return MARKS[s];
}
