// Metric 5: a whole run (`startRun({apply: true})`, 8 agents each writing one file) on the
// 100,000-file repository vs creating 8 worktrees. Target < 0.25.
// Metric 6: peak RSS of that whole run, in a child process. Target < 300 MB.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { conservative } from './isolation';
import { compare, type BenchContext, type BenchResult, type Metric } from './metric';
import { repo100k, resetRepo } from './repo100k';
import { fmtSpread, sample } from './stats';
import { startWholeRunFake, wholeRunOnce, WHOLE_RUN_AGENTS, type WholeRunTiming } from './wholeRunCore';

export async function wholeRunBench(ctx: BenchContext): Promise<BenchResult[]> {
  const dir = await repo100k(ctx.log);
  const fake = await startWholeRunFake();
  const timings: WholeRunTiming[] = [];
  try {
    await wholeRunOnce(dir, fake); // warm-up (SDK modules, page cache)
    resetRepo(dir);
    for (let i = 0; i < ctx.runs; i++) {
      try {
        timings.push(await wholeRunOnce(dir, fake));
      } finally {
        resetRepo(dir);
      }
    }
  } finally {
    await fake.close();
  }
  const part = (k: keyof WholeRunTiming) => fmtSpread(sample(timings.map((t) => t[k])));
  const value = sample(timings.map((t) => t.wallMs));
  return [
    { pending: (wt) => compare({
      name: 'wholeRun.apply8',
      group: 'wholeRun',
      title: `startRun({apply: true}), ${WHOLE_RUN_AGENTS} agents each writing one file, 100k files, fake API without latency`,
      value,
      baseline: wt,
      baselineTitle: `git worktree add --detach ×${WHOLE_RUN_AGENTS} (8 × one add, n=${wt.runs})`,
      ratio: 'value/baseline',
      target: { of: 'ratio', op: '<', limit: 0.25, text: '< 0.25 of 8 worktrees' },
      notes: [`startRun() ${part('setupMs')}; agents ${part('agentsMs')}; analysis + apply ${part('finishMs')}`, conservative(value.median, wt, false)],
    }) },
  ];
}

function childRun(dir: string): Promise<{ wallMs: number; maxRssKB: number; treeMaxRssKB: number | undefined }> {
  const child = path.join(__dirname, 'wholeRunChild.ts');
  const node = [process.execPath, '--import', 'tsx', child, dir];
  const useTime = existsSync('/usr/bin/time');
  const [cmd, args] = useTime ? ['/usr/bin/time', ['-v', ...node]] : [node[0] as string, node.slice(1)];
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: path.join(__dirname, '..'), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`whole-run child failed: ${stderr.slice(-2000)}`));
      const line = stdout.trim().split('\n').at(-1) ?? '';
      const j = JSON.parse(line) as { wallMs: number; maxRssKB: number };
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      resolve({ ...j, treeMaxRssKB: m ? Number(m[1]) : undefined });
    });
  });
}

export async function memoryBench(ctx: BenchContext): Promise<Metric[]> {
  const dir = await repo100k(ctx.log);
  const rss: number[] = [];
  const tree: number[] = [];
  for (let i = 0; i < ctx.runs; i++) {
    try {
      const r = await childRun(dir);
      rss.push(r.maxRssKB / 1024);
      if (r.treeMaxRssKB !== undefined) tree.push(r.treeMaxRssKB / 1024);
    } finally {
      resetRepo(dir);
    }
  }
  const s = sample(rss);
  const mb = (x: number) => `${x.toFixed(0)} MB`;
  return [
    {
      name: 'memory.wholeRunPeakRss',
      group: 'memory',
      title: `Peak RSS of the engine's process during the whole run above (child process, process.resourceUsage().maxRSS)`,
      unit: 'MB',
      value: s.median,
      baseline: null,
      ratio: null,
      target: '< 300 MB',
      ok: s.median < 300,
      valueSpread: s,
      notes: tree.length
        ? [`/usr/bin/time -v (largest single process of the tree, git children included): ${fmtSpread(sample(tree), mb)}`]
        : ['/usr/bin/time not installed: only the node process is measured'],
    },
  ];
}
