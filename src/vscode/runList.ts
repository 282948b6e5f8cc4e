// RunService's pure parts: the list the views show (live runs over past ones, with this
// window's applies) and the prices a run is given from the settings. No `vscode` import:
// unit tests read it.
import type { ExtensionSettings } from './settingsModel';
import type { RunSnapshot } from './runSnapshot';

/**
 * Live runs first, newest first, then the past ones (already newest first) that are not
 * live; a run applied or undone in this window shows that, whatever its journal said.
 */
export function listRuns(live: readonly RunSnapshot[], past: readonly RunSnapshot[], applied: ReadonlyMap<string, RunSnapshot['applied']>): RunSnapshot[] {
  const liveIds = new Set(live.map((r) => r.runId));
  const rest = past.filter((r) => !liveIds.has(r.runId)).map((r) => (applied.has(r.runId) ? { ...r, applied: applied.get(r.runId) } : r));
  return [...[...live].sort((a, b) => b.startedAt - a.startedAt), ...rest];
}

export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

/** The `parallelAgents.prices` setting completed: cache reads cost a tenth of input, cache writes 1.25×, unless given. */
export function normalisePrices(p: ExtensionSettings['prices']): Record<string, ModelPrice> {
  const out: Record<string, ModelPrice> = {};
  for (const [model, v] of Object.entries(p)) {
    const input = v.input ?? 0;
    out[model] = { input, output: v.output ?? 0, cacheRead: v.cacheRead ?? input / 10, cacheWrite: v.cacheWrite ?? input * 1.25 };
  }
  return out;
}
