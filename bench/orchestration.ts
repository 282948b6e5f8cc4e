import type { BenchContext, Metric } from './metric';
export async function orchestrationBench(_ctx: BenchContext): Promise<Metric[]> {
  return [];
}
