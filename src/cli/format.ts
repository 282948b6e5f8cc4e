// Small formatting helpers shared by the CLI's commands.
import type { TaskStatus } from '../core/runModel';

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatUsd(usd: number): string {
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

const MARKS: Record<TaskStatus, string> = {
  queued: '·',
  running: '▶',
  succeeded: '✓',
  failed: '✗',
  cancelled: '■',
  skipped: '↷',
  undecided: '?',
};

export function statusMark(s: TaskStatus): string {
  return MARKS[s];
}
