// Metric 8: scale. N agent tasks (each writes its own file: `write_file`, then a summary) at
// concurrency 32 against the scripted server with zero latency, so the time is the
// engine's own. The run is in a child process (its peak RSS is the engine's; the fake API
// runs here). The task-file cap (8) is lifted with the `maxConcurrency` run option. Engine overhead per task = wall-clock ÷ tasks (the engine's cost of a task
// with 32 in flight; target ≤ 20 ms); growth = that at 1,000 tasks ÷ at 100 (target flat).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startFakeAnthropic, type FakeScript } from '../test/fake-anthropic';
import { check, type BenchContext, type Metric } from './metric';
import { git } from './repo100k';
import { fmtMs, fmtSpread, median, sample, type Sample } from './stats';

const CONCURRENCY = 32;
const SIZES = [100, 1000];

interface ChildResult {
  readonly wallMs: number;
  readonly taskMs: number[];
  readonly cpuMs: number;
  readonly maxRssKB: number;
  readonly gitProcesses: number;
}

function scaleRepo(n: number): { dir: string; script: FakeScript } {
  const dir = mkdtempSync(path.join(tmpdir(), `pa-bench-scale${n}-`));
  let yaml = "version: 1\ntasks:\n";
  const script: FakeScript = {};
  for (let k = 1; k <= n; k++) {
    const id = `t${k}`;
    yaml += `  ${id}:\n    prompt: Write out/${id}.txt.\n    owns: [out/${id}.txt]\n`;
    script[id] = [{ toolCalls: [{ name: 'write_file', input: { path: `out/${id}.txt`, content: `${id}\n` } }] }, { text: `Wrote out/${id}.txt.` }];
  }
  mkdirSync(path.join(dir, '.agents'), { recursive: true });
  writeFileSync(path.join(dir, '.agents/tasks.yaml'), yaml);
  writeFileSync(path.join(dir, 'README.md'), '# scale\n');
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'scale']);
  return { dir, script };
}

function childRun(dir: string, baseURL: string): Promise<ChildResult> {
  const child = path.join(__dirname, 'scaleChild.ts');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', child, dir, baseURL, String(CONCURRENCY)], { cwd: path.join(__dirname, '..'), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`scale child failed: ${stderr.slice(-2000)}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ChildResult);
    });
  });
}

async function measure(ctx: BenchContext, n: number, runs: number): Promise<ChildResult[]> {
  const { dir, script } = scaleRepo(n);
  const fake = await startFakeAnthropic({ script, latencyMs: 0, apiKey: 'bench-key' });
  const out: ChildResult[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      out.push(await childRun(dir, fake.baseURL));
      ctx.log(`scale: ${n} tasks, run ${i + 1}/${runs}: ${fmtMs(out.at(-1)?.wallMs ?? 0)}`);
    }
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

export async function scaleBench(ctx: BenchContext): Promise<Metric[]> {
  const by = new Map<number, ChildResult[]>();
  for (const n of SIZES) by.set(n, await measure(ctx, n, ctx.runs));
  const perTask = (n: number): Sample => sample((by.get(n) as ChildResult[]).map((r) => r.wallMs / n));
  const [small, big] = SIZES.map(perTask) as [Sample, Sample];
  const bigRuns = by.get(1000) as ChildResult[];
  const overheadTarget = { of: 'value', op: '<=', limit: 20, text: '≤ 20 ms per task' } as const;
  const growthTarget = { of: 'ratio', op: '<=', limit: 1.25, text: '≤ 1.25 (flat)' } as const;
  const rssTarget = { of: 'value', op: '<', limit: 300, text: '< 300 MB' } as const;
  const rss = sample(bigRuns.map((r) => r.maxRssKB / 1024));
  const notes = (n: number) => {
    const rs = by.get(n) as ChildResult[];
    return `${n} tasks: wall ${fmtSpread(sample(rs.map((r) => r.wallMs)))}; engine CPU per task ${fmtSpread(sample(rs.map((r) => r.cpuMs / n)))}; a task start → finish (median of the run) ${fmtSpread(sample(rs.map((r) => median(r.taskMs))))}; processes started per task ${(median(rs.map((r) => r.gitProcesses)) / n).toFixed(2)}`;
  };
  return [
    {
      name: 'scale.tasks1000.c32',
      group: 'scale',
      title: `1,000 agent tasks at concurrency ${CONCURRENCY}, fake API without latency: engine overhead per task (wall-clock ÷ tasks)`,
      unit: 'ms',
      value: big.median,
      baseline: null,
      ratio: null,
      target: overheadTarget.text,
      ok: check(overheadTarget, big.median, null),
      valueSpread: big,
      notes: [notes(1000), notes(100)],
    },
    {
      name: 'scale.growth',
      group: 'scale',
      title: `Engine overhead per task at 1,000 tasks ÷ at 100 (both at concurrency ${CONCURRENCY})`,
      unit: 'ms',
      value: big.median,
      baseline: small.median,
      ratio: big.median / small.median,
      target: growthTarget.text,
      ok: check(growthTarget, big.median, big.median / small.median),
      valueSpread: big,
      baselineSpread: small,
      baselineTitle: 'overhead per task at 100 tasks',
    },
    {
      name: 'memory.scalePeakRss',
      group: 'scale',
      title: 'Peak RSS of the engine process during the 1,000-task run (child process, process.resourceUsage().maxRSS)',
      unit: 'MB',
      value: rss.median,
      baseline: null,
      ratio: null,
      target: rssTarget.text,
      ok: check(rssTarget, rss.median, null),
      valueSpread: rss,
    },
  ];
}
