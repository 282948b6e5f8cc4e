// Metric 2: snapshot of a dirty working tree (modified and untracked files) into the run's
// base commit, vs `git status --porcelain` on the same tree. Target ≤ 2×.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createRunId, openRepo, snapshotWorkingTree } from '../src/git';
import { timeGitStatus } from './gitStatus';
import { compare, type BenchContext, type Metric } from './metric';
import { fileName, FOLDERS, repo100k, resetRepo } from './repo100k';
import { now, sample } from './stats';

export const MODIFIED = 100;
export const UNTRACKED = 100;

/** Modifies MODIFIED tracked files and adds UNTRACKED new ones, spread over the tree. */
export function dirty(dir: string, tag: string): void {
  for (let k = 0; k < MODIFIED; k++) {
    const i = Math.floor((k * FOLDERS) / MODIFIED);
    writeFileSync(path.join(dir, fileName(i, k % 100)), `modified by the benchmark (${tag})\n`);
  }
  for (let k = 0; k < UNTRACKED; k++) {
    const i = Math.floor((k * FOLDERS) / UNTRACKED) + 5;
    const d = path.join(dir, `d${String(i).padStart(4, '0')}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(path.join(d, `new-${k}.txt`), `untracked ${k} (${tag})\n`);
  }
}

export async function snapshotBench(ctx: BenchContext): Promise<Metric[]> {
  const dir = await repo100k(ctx.log);
  try {
    dirty(dir, 'snapshot');
    const repo = await openRepo(dir);
    const snap = async () => {
      const t0 = now();
      await snapshotWorkingTree(repo, createRunId());
      return now() - t0;
    };
    // warm up both (the first status after the edits refreshes the index)
    await timeGitStatus(dir);
    await snap();
    const s: number[] = [];
    const g: number[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      g.push(await timeGitStatus(dir));
      s.push(await snap());
    }
    return [
      compare({
        name: 'snapshot',
        group: 'snapshot',
        title: `Snapshot of a dirty 100k-file tree (${MODIFIED} modified, ${UNTRACKED} untracked)`,
        value: sample(s),
        baseline: sample(g),
        baselineTitle: 'git status --porcelain',
        ratio: 'value/baseline',
        target: { of: 'ratio', op: '<=', limit: 2, text: '≤ 2× git status' },
      }),
    ];
  } finally {
    resetRepo(dir);
  }
}
