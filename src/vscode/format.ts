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
