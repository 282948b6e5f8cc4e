// Metric 1: isolation. Starting 8 overlay workspaces (construct + one file read each, as an
// agent's first tool call) vs `git worktree add --detach` ×8, on the 100,000-file repository.
// Target ≥ 100× faster, and < 1 MB of disk vs the worktrees' checkout size.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { ObjectReader, openRepo, OverlayWorkspace } from '../src/git';
import { gitAsync } from './gitStatus';
import { compare, type BenchContext, type BenchResult } from './metric';
import { cacheRoot, fileName, git, repo100k, resetRepo } from './repo100k';
import { now, sample, type Sample } from './stats';

export const AGENTS = 8;

/** Disk blocks used under `p`, in KB (`du -sk`). */
export function duKB(...paths: string[]): number {
  const out = execFileSync('du', ['-sck', ...paths], { encoding: 'utf8' });
  const total = out.trim().split('\n').at(-1) ?? '0';
  return Number(total.split(/\s+/)[0]);
}

export interface WorktreeBaseline {
  /** 8 × each single add, ms. */
  readonly sample: Sample;
  /** One worktree's checkout (+ its .git/worktrees entry), KB. */
  readonly diskKB: number;
}

/**
 * The baseline "git worktree add --detach ×8": one checkout of 100,000 files costs seconds of
 * file creation here, so each run times one `worktree add` and the baseline is 8 × that (the
 * adds are sequential and independent). Each add starts after `sync`. The worktrees are
 * removed only after the last add: this machine's ext4 is mounted with `discard`, and right
 * after removing a 100k-file checkout the next add is 5–10× slower (measured: 5 s → 35 s).
 */
export async function measureWorktrees8(runs: number, log: (s: string) => void): Promise<WorktreeBaseline> {
  const dir = await repo100k(log);
  const wtRoot = path.join(cacheRoot(), 'bench-worktrees');
  rmSync(wtRoot, { recursive: true, force: true });
  git(dir, ['worktree', 'prune']);
  mkdirSync(wtRoot, { recursive: true });
  const head = git(dir, ['rev-parse', 'HEAD']).trim();
  const values: number[] = [];
  let diskKB = NaN;
  try {
    for (let i = 0; i < runs; i++) {
      const wt = path.join(wtRoot, `wt${i}`);
      execFileSync('sync'); // no dirty pages of the previous checkout in the measurement
      const t0 = now();
      await gitAsync(dir, ['worktree', 'add', '--detach', '--quiet', wt, head]);
      const ms = now() - t0;
      values.push(ms * AGENTS);
      if (i === 0) diskKB = duKB(wt, path.join(dir, '.git', 'worktrees', 'wt0'));
      log(`worktree add ${i + 1}/${runs}: ${(ms / 1000).toFixed(1)} s`);
    }
  } finally {
    log('removing the baseline worktrees (not timed)…');
    rmSync(wtRoot, { recursive: true, force: true });
    resetRepo(dir);
  }
  return { sample: sample(values), diskKB };
}

/** Notes for ratios against a noisy baseline: the same ratio against its fastest run. */
export function conservative(valueMs: number, wt: Sample, higherIsBetter: boolean): string {
  const r = higherIsBetter ? wt.min / valueMs : valueMs / wt.min;
  return `against the fastest baseline run (${(wt.min / 1000).toFixed(1)} s): ${higherIsBetter ? `${r.toFixed(0)}×` : r.toFixed(3)}`;
}

export async function isolationBench(ctx: BenchContext): Promise<BenchResult[]> {
  const dir = await repo100k(ctx.log);
  const repo = await openRepo(dir);
  const base = git(dir, ['rev-parse', 'HEAD']).trim();
  const gitDir = path.join(dir, '.git');
  const startOverlays = async (i: number) => {
    const t0 = now();
    const reader = new ObjectReader(repo);
    const overlays = Array.from({ length: AGENTS }, () => new OverlayWorkspace(repo, reader, base));
    const contents = await Promise.all(overlays.map((o, k) => o.readFile(fileName((i * 97 + k * 113) % 1000, k))));
    const ms = now() - t0;
    if (contents.some((c) => !c)) throw new Error('an overlay read returned nothing');
    reader.dispose();
    return ms;
  };
  await startOverlays(99); // warm-up: the pack index in the page cache, as in a running editor
  const before = duKB(gitDir);
  const values: number[] = [];
  for (let i = 0; i < ctx.runs; i++) values.push(await startOverlays(i));
  const overlayDiskKB = Math.max(0, duKB(gitDir) - before);
  const value = sample(values);
  return [
    {
      pending: (wt) =>
        compare({
          name: 'isolation.start8',
          group: 'isolation',
          title: `Start ${AGENTS} overlay workspaces (construct + first read_file) on 100k files`,
          value,
          baseline: wt,
          baselineTitle: `git worktree add --detach ×${AGENTS} (8 × one add, n=${wt.runs})`,
          ratio: 'baseline/value',
          target: { of: 'ratio', op: '>=', limit: 100, text: '≥ 100× faster' },
          notes: [conservative(value.median, wt, true)],
        }),
    },
    {
      pending: () => {
        const wtDisk = (worktreeDiskKB ?? NaN) * AGENTS;
        return {
          name: 'isolation.disk',
          group: 'isolation',
          title: `Disk used by ${AGENTS} started overlays (growth of .git) vs ${AGENTS} worktrees' checkouts`,
          unit: 'KB',
          value: overlayDiskKB,
          baseline: wtDisk,
          ratio: wtDisk > 0 ? overlayDiskKB / wtDisk : null,
          target: '< 1 MB',
          ok: overlayDiskKB < 1024,
          baselineTitle: `du -sk of one worktree (+ its .git/worktrees entry) × ${AGENTS}`,
        };
      },
    },
  ];
}

/** Set by run.ts once the baseline is measured (disk size of one worktree). */
let worktreeDiskKB: number | undefined;
export function setWorktreeDiskKB(kb: number): void {
  worktreeDiskKB = kb;
}
