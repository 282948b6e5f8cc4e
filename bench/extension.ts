import type { BenchContext, Metric } from './metric';
export async function extensionBench(_ctx: BenchContext): Promise<Metric[]> {
  return [];
}
