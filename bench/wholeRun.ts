import type { BenchContext, Metric } from './metric';
export async function wholeRunBench(_ctx: BenchContext): Promise<Metric[]> {
  return [];
}
export async function memoryBench(_ctx: BenchContext): Promise<Metric[]> {
  return [];
}
