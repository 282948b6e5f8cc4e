// A/B aid (not a bench row): two checkouts' engines in one process, runs alternating
// (A, B, A, B …) against one fake API in a child process, so that both see the same load.
//   npx tsx bench/abOrchestration.ts OTHER_CHECKOUT [runs] [graphs]   (A = OTHER_CHECKOUT, B = this one;
//   graphs: comma-separated, default layered16,fourStep)
// Prints per graph and concurrency: median efficiency (the list-scheduling bound ÷ wall, as
// bench/orchestration.ts computes it; the measured durations of fourStep's command task and
// function-scripted agent pooled over both sides) with min–max, the median per agent task
// overhead (measured − turns × latency), startRun → first task, last task → done, and the
// engine process's CPU time per task (process.cpuUsage: the fake API runs in a child).
import * as path from 'node:path';
import { planTasks } from '../src/core/plan';
import { fourStep, layered16, measuredDurations, readTaskFile, runGraph, startFakeApi, type Graph, type RunMeasure, type StartRun } from './orchestration';
import { startRun as startB } from '../src/engine';

interface Measured extends RunMeasure {
  readonly cpuMsPerTask: number;
}

const GRAPHS: Record<string, () => Graph> = { layered16, fourStep };

async function main(): Promise<void> {
  const [other, runsArg, graphsArg] = process.argv.slice(2);
  if (!other) throw new Error('usage: abOrchestration.ts OTHER_CHECKOUT [runs] [graphs]');
  const { startRun: startA } = (await import(path.resolve(other, 'src/engine'))) as { startRun: StartRun };
  const runs = Number(runsArg ?? 5);
  const sides: Array<[string, StartRun]> = [['A', startA], ['B', startB]];
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const spread = (xs: number[], f: (x: number) => string) => `${f(med(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
  for (const name of (graphsArg ?? 'layered16,fourStep').split(',')) {
    const make = GRAPHS[name];
    if (!make) throw new Error(`unknown graph ${name}`);
    const g = make();
    const file = await readTaskFile(g);
    const fake = await startFakeApi(g);
    const measured = new Map<string, Measured[]>();
    try {
      for (const [, s] of sides) await runGraph(g, fake, 8, s); // warm-up (modules, SDK)
      for (let i = 0; i < runs; i++) {
        for (const c of [3, 8]) {
          for (const [side, s] of i % 2 ? [...sides].reverse() : sides) {
            const cpu0 = process.cpuUsage();
            const m = await runGraph(g, fake, c, s);
            const cpu = process.cpuUsage(cpu0);
            const key = `${side} c${c}`;
            measured.set(key, [...(measured.get(key) ?? []), { ...m, cpuMsPerTask: (cpu.user + cpu.system) / 1000 / file.tasks.length }]);
          }
        }
      }
    } finally {
      await fake.close();
      g.cleanup();
    }
    const out: string[] = [];
    for (const [key, ms] of measured) {
      const c = Number(key.split(' c')[1]);
      // The bound from every run at this concurrency, both sides: the same work.
      const pooled = [...measured].filter(([k]) => k.endsWith(` c${c}`)).flatMap(([, v]) => v);
      const bound = planTasks(file, { history: measuredDurations(g, pooled).durations, concurrency: c }).expectedMakespan;
      out.push(
        `${name} ${key}: efficiency ${spread(ms.map((m) => bound / m.wallMs), (x) => x.toFixed(3))}, bound ${bound.toFixed(0)} ms; ` +
          `per task ${spread(ms.flatMap((m) => m.taskOverheadMs), (x) => x.toFixed(0))} ms; ` +
          `startRun → first ${spread(ms.map((m) => m.setupMs), (x) => x.toFixed(0))} ms; last → done ${spread(ms.map((m) => m.finishMs), (x) => x.toFixed(0))} ms; ` +
          `CPU per task ${spread(ms.map((m) => m.cpuMsPerTask), (x) => x.toFixed(1))} ms`,
      );
    }
    process.stdout.write(out.sort().join('\n') + '\n');
  }
}

void main();
