// Metric 3: orchestration efficiency. The fake API answers every turn after a fixed latency,
// so each agent task's duration is known (turns × latency). The list-scheduling bound — the
// makespan of a critical-path-first schedule under the concurrency cap, from those durations
// (planTasks' expectedMakespan with history = the known durations) — divided by the measured
// wall-clock of the whole run (startRun() → done) is the efficiency. Target ≥ 0.95.
// Also: the speedup over the same tasks one at a time (concurrency 1), next to Amdahl's
// prediction (total work ÷ critical path).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadTaskFile } from '../src/core/taskFile';
import { planTasks, type Plan } from '../src/core/plan';
import type { TaskFile } from '../src/core/taskSchema';
import { startRun } from '../src/engine';
import { startFakeAnthropic, type FakeScript, type FakeTurn } from '../test/fake-anthropic';
import { exampleRepo } from '../test/integration/engine/fixture';
import { fourStepScript } from '../test/integration/engine/fourStepScript';
import { check, type BenchContext, type Metric, type Target } from './metric';
import { git } from './repo100k';
import { fmtMs, fmtSpread, median, now, sample, type Sample } from './stats';

export const LATENCY_MS = Number(process.env['PA_BENCH_LATENCY_MS'] ?? 500);
const CAPS = [3, 8];
export const TARGET: Target = { of: 'ratio', op: '>=', limit: 0.95, text: '≥ 0.95' };

export interface Graph {
  readonly name: string;
  readonly dir: string;
  readonly taskFile: string;
  readonly script: FakeScript;
  /** Known durations of agent tasks (turns × latency); command tasks are measured. */
  readonly known: Map<string, number>;
  cleanup(): void;
}

function turnsOf(script: FakeScript): Map<string, number> {
  const m = new Map<string, number>();
  if (Array.isArray(script)) return m;
  for (const [id, turns] of Object.entries(script)) if (Array.isArray(turns)) m.set(id, turns.length);
  return m;
}

export function fourStep(): Graph {
  const r = exampleRepo('four-step');
  const script = fourStepScript();
  const known = new Map([...turnsOf(script)].map(([id, n]) => [id, n * LATENCY_MS]));
  return { name: 'fourStep', dir: r.dir, taskFile: path.join(r.dir, '.agents/tasks.yaml'), script, known, cleanup: r.cleanup };
}

/** 16 agent tasks in 4 layers of 4; each depends on one or two tasks of the layer above; 2 or 3 turns. */
export const LAYERED_TURNS = [2, 3, 2, 2, 3, 2, 2, 3, 2, 2, 3, 2, 2, 3, 2, 2];

export function layered16(): Graph {
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-bench-layered-'));
  const ids = (layer: number) => [0, 1, 2, 3].map((j) => `${'abcd'[layer]}${j + 1}`);
  let yaml = 'version: 1\nconcurrency: 3\ntasks:\n';
  const script: Record<string, FakeTurn[]> = {};
  const known = new Map<string, number>();
  for (let layer = 0; layer < 4; layer++) {
    ids(layer).forEach((id, j) => {
      const deps = layer === 0 ? [] : layer % 2 === 1 ? [ids(layer - 1)[j], ids(layer - 1)[(j + 1) % 4]] : [ids(layer - 1)[j]];
      yaml += `  ${id}:\n    prompt: Write out/${id}.txt.\n    owns: [out/${id}.txt]\n`;
      if (deps.length) yaml += `    dependsOn: [${deps.join(', ')}]\n`;
      const turns = LAYERED_TURNS[layer * 4 + j] as number;
      const t: FakeTurn[] = [{ toolCalls: [{ name: 'write_file', input: { path: `out/${id}.txt`, content: `${id}\n` } }] }];
      if (turns === 3) t.push({ toolCalls: [{ name: 'read_file', input: { path: `out/${id}.txt` } }] });
      t.push({ text: `Wrote out/${id}.txt.` });
      script[id] = t;
      known.set(id, turns * LATENCY_MS);
    });
  }
  mkdirSync(path.join(dir, '.agents'), { recursive: true });
  writeFileSync(path.join(dir, '.agents/tasks.yaml'), yaml);
  writeFileSync(path.join(dir, 'README.md'), '# layered\n');
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'layered graph']);
  return { name: 'layered16', dir, taskFile: path.join(dir, '.agents/tasks.yaml'), script, known, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

interface RunMeasure {
  readonly wallMs: number;
  /** First task start → last task finish. */
  readonly scheduleMs: number;
  /** Measured durations of command tasks (no known latency). */
  readonly commandMs: Map<string, number>;
  /** startRun() called → first task started. */
  readonly setupMs: number;
  /** Last task finished → done resolved (analysis, journal). */
  readonly finishMs: number;
  /** Per agent task: measured duration − known duration (turns × latency). */
  readonly taskOverheadMs: number[];
}

async function runGraph(g: Graph, baseURL: string, concurrency: number): Promise<RunMeasure> {
  const e0 = Date.now();
  const t0 = now();
  const run = await startRun({ workspace: g.dir, apiKey: 'bench-key', baseURL, maxRetries: 0, concurrency });
  const view = await run.done;
  const wallMs = now() - t0;
  run.dispose();
  const bad = view.tasks.filter((t) => t.status !== 'succeeded');
  if (bad.length) throw new Error(`${g.name} at ${concurrency}: ${bad.map((t) => `${t.id} ${t.status} ${t.error ?? ''}`).join('; ')}`);
  const starts = view.tasks.map((t) => t.startedAt ?? Infinity);
  const ends = view.tasks.map((t) => t.finishedAt ?? 0);
  const commandMs = new Map<string, number>();
  for (const t of view.tasks) if (t.kind === 'command' && t.ms !== undefined) commandMs.set(t.id, t.ms);
  const taskOverheadMs = view.tasks.filter((t) => t.kind === 'agent' && t.ms !== undefined && g.known.has(t.id)).map((t) => (t.ms as number) - (g.known.get(t.id) as number));
  return {
    wallMs,
    scheduleMs: Math.max(...ends) - Math.min(...starts),
    commandMs,
    setupMs: Math.min(...starts) - e0,
    finishMs: e0 + wallMs - Math.max(...ends),
    taskOverheadMs,
  };
}

async function readTaskFile(g: Graph): Promise<TaskFile> {
  const loaded = await loadTaskFile(g.taskFile);
  if (!loaded.taskFile) throw new Error(`${g.taskFile}: ${loaded.problems.map((p) => p.message).join('; ')}`);
  return loaded.taskFile;
}

async function benchGraph(ctx: BenchContext, g: Graph): Promise<Metric[]> {
  const file = await readTaskFile(g);
  const planFor = (concurrency: number, durations: Map<string, number>): Plan => planTasks(file, { history: durations, concurrency });
  const fake = await startFakeAnthropic({ script: g.script, latencyMs: LATENCY_MS, apiKey: 'bench-key' });
  const caps = [1, ...CAPS];
  const byCap = new Map<number, RunMeasure[]>(caps.map((c) => [c, []]));
  try {
    await runGraph(g, fake.baseURL, 8); // warm-up (SDK, modules)
    for (let i = 0; i < ctx.runs; i++) {
      for (const c of caps) (byCap.get(c) as RunMeasure[]).push(await runGraph(g, fake.baseURL, c));
    }
  } finally {
    await fake.close();
    g.cleanup();
  }
  const wall = (c: number): Sample => sample((byCap.get(c) as RunMeasure[]).map((m) => m.wallMs));
  const metrics: Metric[] = [];
  const serial = wall(1);
  for (const c of CAPS) {
    const ms = byCap.get(c) as RunMeasure[];
    // command tasks: their measured median duration at this cap
    const durations = new Map(g.known);
    const cmdIds = new Set(ms.flatMap((m) => [...m.commandMs.keys()]));
    for (const id of cmdIds) durations.set(id, median(ms.map((m) => m.commandMs.get(id) ?? 0)));
    const plan = planFor(c, durations);
    const bound = plan.expectedMakespan;
    const w = wall(c);
    const effOfRun = sample(w.values.map((x) => bound / x));
    const sched = sample(ms.map((m) => bound / m.scheduleMs));
    const ratio = bound / w.median;
    const speedups = sample(w.values.map((x, i) => (serial.values[i] as number) / x));
    metrics.push({
      name: `orchestration.${g.name}.c${c}`,
      group: 'orchestration',
      title: `${g.name} (${plan.tasks.length} tasks) at concurrency ${c}, ${LATENCY_MS} ms per turn: list-scheduling bound ÷ wall-clock (startRun → done)`,
      unit: 'ms',
      value: w.median,
      baseline: bound,
      ratio,
      target: TARGET.text,
      ok: check(TARGET, w.median, ratio),
      valueSpread: w,
      baselineTitle: `list-scheduling bound (planTasks expectedMakespan, history = known durations${cmdIds.size ? `; command tasks ${[...cmdIds].join(', ')}: their measured median` : ''})`,
      notes: [
        `efficiency per run ${fmtSpread(effOfRun, (x) => x.toFixed(3))}; scheduling only (first start → last finish) ${fmtSpread(sched, (x) => x.toFixed(3))}`,
        `overheads: startRun → first task ${fmtSpread(sample(ms.map((m) => m.setupMs)))}; per agent task (measured − turns × latency) ${fmtSpread(sample(ms.flatMap((m) => m.taskOverheadMs)))}; last task → done ${fmtSpread(sample(ms.map((m) => m.finishMs)))}`,
        `speedup over concurrency 1 (${fmtMs(serial.median)}): ${fmtSpread(speedups, (x) => `${x.toFixed(2)}×`)}; Amdahl (total work ÷ critical path) ${plan.predictedSpeedup.toFixed(2)}×; list-schedule prediction at this cap ${plan.expectedSpeedup.toFixed(2)}×`,
      ],
    });
  }
  // concurrency 1 itself: its bound is the sum of the durations
  {
    const ms = byCap.get(1) as RunMeasure[];
    const durations = new Map(g.known);
    for (const id of new Set(ms.flatMap((m) => [...m.commandMs.keys()]))) durations.set(id, median(ms.map((m) => m.commandMs.get(id) ?? 0)));
    const plan = planFor(1, durations);
    const ratio = plan.expectedMakespan / serial.median;
    metrics.push({
      name: `orchestration.${g.name}.c1`,
      group: 'orchestration',
      title: `${g.name} one task at a time (concurrency 1), ${LATENCY_MS} ms per turn: the reference for the speedups (its ratio is the engine's overhead alone, no concurrency)`,
      unit: 'ms',
      value: serial.median,
      baseline: plan.expectedMakespan,
      ratio,
      target: '– (reference)',
      ok: null,
      valueSpread: serial,
      baselineTitle: 'sum of the known durations',
    });
  }
  return metrics;
}

export async function orchestrationBench(ctx: BenchContext): Promise<Metric[]> {
  const out: Metric[] = [];
  for (const make of [fourStep, layered16]) out.push(...(await benchGraph(ctx, make())));
  return out;
}
