import type { BenchContext, Metric } from './metric';
export async function applyBench(_ctx: BenchContext): Promise<Metric[]> {
  return [];
}
