// Profiling aid (not a bench row): each agent task's overhead (measured − known work, as the
// bench's orchestration rows count it) by task id, over N runs of a graph at one concurrency.
//   npx tsx bench/overheadByTask.ts [fourStep|layered16] [concurrency] [runs]
import { fourStep, layered16, runGraph, startFakeApi } from './orchestration';

async function main(): Promise<void> {
  const [which = 'fourStep', c = '8', n = '5'] = process.argv.slice(2);
  const g = which === 'fourStep' ? fourStep() : layered16();
  const fake = await startFakeApi(g);
  const byTask = new Map<string, number[]>();
  try {
    await runGraph(g, fake, Number(c)); // warm-up
    for (let i = 0; i < Number(n); i++) {
      const m = await runGraph(g, fake, Number(c));
      for (const [id, ms] of m.overheadByTask) byTask.set(id, [...(byTask.get(id) ?? []), ms]);
    }
  } finally {
    await fake.close();
    g.cleanup();
  }
  const all = [...byTask.values()].flat().sort((a, b) => a - b);
  for (const [id, xs] of byTask) process.stdout.write(`${id.padEnd(12)} ${xs.map((x) => x.toFixed(0).padStart(4)).join(' ')}\n`);
  process.stdout.write(`median of all ${all.length}: ${all[Math.floor(all.length / 2)]?.toFixed(1)} ms\n`);
}

void main();
