// Short human formats for the status bar, tree descriptions and tooltips. Pure.

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatTokens(n: number): string {
  if (n < 1000) return `${n} tok`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k tok`;
  return `${(n / 1_000_000).toFixed(1)}M tok`;
}

export function formatCost(usd: number): string {
  if (usd <= 0) return '$0';
  if (usd < 0.01) return '<$0.01';
  return `$${usd.toFixed(2)}`;
}

export function formatSpeedup(x: number): string {
  return `×${x.toFixed(x >= 10 ? 0 : 1)}`;
}

export interface RunCounts {
  readonly running: number;
  readonly queued: number;
  readonly conflicts: number;
}

/** Status bar text: codicons plus the counts that are not zero, or the idle state. */
export function statusBarText(c: RunCounts): string {
  const parts: string[] = [];
  if (c.running) parts.push(`$(sync~spin) ${c.running} running`);
  if (c.queued) parts.push(`$(clock) ${c.queued} queued`);
  if (c.conflicts) parts.push(`$(warning) ${c.conflicts} conflict${c.conflicts === 1 ? '' : 's'}`);
  return parts.length ? parts.join('  ') : '$(layers) Agents: idle';
}

export function statusBarTooltip(c: RunCounts): string {
  if (!c.running && !c.queued && !c.conflicts) return 'Parallel Agents: no run in progress. Click to open the Agents view.';
  return `Parallel Agents: ${c.running} running, ${c.queued} queued, ${c.conflicts} unresolved conflict${c.conflicts === 1 ? '' : 's'}. Click to open the Agents view.`;
}

export interface TaskLine {
  readonly status: string;
  readonly ms?: number;
  readonly startedAt?: number;
  readonly tokens: { input: number; output: number; cacheRead: number; cacheWrite: number };
  readonly costUsd: number;
  readonly currentTool?: string;
  readonly changedCount?: number;
  readonly error?: string;
  readonly reason?: string;
}

/** The Agents view's description of a task: elapsed · tokens · cost · current tool. */
export function taskDescription(t: TaskLine, now: number): string {
  const parts: string[] = [];
  if (t.status === 'queued') parts.push('queued');
  const elapsed = t.ms ?? (t.startedAt !== undefined && t.status === 'running' ? now - t.startedAt : undefined);
  if (elapsed !== undefined) parts.push(formatDuration(elapsed));
  const tokens = t.tokens.input + t.tokens.output + t.tokens.cacheRead + t.tokens.cacheWrite;
  if (tokens > 0) parts.push(formatTokens(tokens));
  if (t.costUsd > 0) parts.push(formatCost(t.costUsd));
  if (t.status === 'running' && t.currentTool) parts.push(t.currentTool);
  if (t.status !== 'running' && t.changedCount !== undefined) parts.push(`${t.changedCount} file${t.changedCount === 1 ? '' : 's'}`);
  if (t.status === 'failed' && (t.error ?? t.reason)) parts.push(firstLine(t.error ?? t.reason ?? ''));
  if ((t.status === 'skipped' || t.status === 'cancelled') && t.reason) parts.push(firstLine(t.reason));
  return parts.join(' · ');
}

function firstLine(s: string): string {
  const l = s.split('\n')[0] ?? '';
  return l.length > 80 ? l.slice(0, 79) + '…' : l;
}

/** Sum of task durations ÷ wall clock: the speedup the run achieved (needs two tasks that ran). */
export function measuredSpeedup(tasks: readonly { ms?: number }[], wallMs: number): { speedup: number; workMs: number; wallMs: number } | undefined {
  const workMs = tasks.reduce((s, t) => s + (t.ms ?? 0), 0);
  if (wallMs <= 0 || workMs <= 0 || tasks.filter((t) => (t.ms ?? 0) > 0).length < 2) return undefined;
  return { speedup: workMs / wallMs, workMs, wallMs };
}
