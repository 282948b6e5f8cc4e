// A/B aid (not a bench row): two checkouts' engines in one process, runs alternating
// (A, B, A, B …) against one fake API in a child process, so that both see the same load.
//   npx tsx bench/abOrchestration.ts OTHER_CHECKOUT [runs]   (A = OTHER_CHECKOUT, B = this one)
// Prints per concurrency: median efficiency (layered16's list-scheduling bound ÷ wall) with
// min–max, and the median per-agent-task overhead (measured − turns × latency).
import * as path from 'node:path';
import { layered16, startFakeApi } from './orchestration';
import { startRun as startB } from '../src/engine';

type StartRun = typeof startB;

const BOUND: Record<number, number> = { 1: 18_500, 3: 6_500, 8: 5_000 };

async function main(): Promise<void> {
  const [other, runsArg] = process.argv.slice(2);
  if (!other) throw new Error('usage: abOrchestration.ts OTHER_CHECKOUT [runs]');
  const { startRun: startA } = (await import(path.resolve(other, 'src/engine'))) as { startRun: StartRun };
  const runs = Number(runsArg ?? 5);
  const g = layered16();
  const fake = await startFakeApi(g);
  const sides: Array<[string, StartRun]> = [['A', startA], ['B', startB]];
  const eff = new Map<string, number[]>();
  const over = new Map<string, number[]>();
  try {
    for (const [, s] of sides) await (await s({ workspace: g.dir, apiKey: 'bench-key', baseURL: fake.baseURL, maxRetries: 0, concurrency: 8 })).done;
    for (let i = 0; i < runs; i++) {
      for (const c of [3, 8]) {
        for (const [name, s] of i % 2 ? [...sides].reverse() : sides) {
          const t0 = performance.now();
          const run = await s({ workspace: g.dir, apiKey: 'bench-key', baseURL: fake.baseURL, maxRetries: 0, concurrency: c });
          const view = await run.done;
          const wall = performance.now() - t0;
          run.dispose();
          const key = `${name} c${c}`;
          eff.set(key, [...(eff.get(key) ?? []), (BOUND[c] as number) / wall]);
          over.set(key, [...(over.get(key) ?? []), ...view.tasks.map((t) => (t.ms ?? 0) - (g.known.get(t.id) ?? 0))]);
        }
      }
    }
  } finally {
    await fake.close();
    g.cleanup();
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  for (const [k, xs] of eff) {
    const o = over.get(k) as number[];
    process.stdout.write(`${k}: efficiency ${med(xs).toFixed(3)} (${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)}, n=${xs.length}); per task ${med(o).toFixed(0)} ms (${Math.min(...o).toFixed(0)}–${Math.max(...o).toFixed(0)}, n=${o.length})\n`);
  }
}

void main();
