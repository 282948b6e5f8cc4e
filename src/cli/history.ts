// Measured task durations from past runs (the journals under .git/parallel-agents/runs),
// so the plan's critical path and speedup use real numbers once a run has happened.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { execFile } from 'node:child_process';

interface JournalLike {
  tasks?: Record<string, { status?: string; ms?: number }>;
}

/** Median duration (ms) of each task's successful past runs, newest 10 runs. */
export async function loadHistory(root: string): Promise<Map<string, number>> {
  const gitDir = await new Promise<string | undefined>((resolve) =>
    execFile('git', ['rev-parse', '--absolute-git-dir'], { cwd: root }, (err, out) => resolve(err ? undefined : out.trim())),
  );
  const history = new Map<string, number>();
  if (!gitDir) return history;
  const dir = path.join(gitDir, 'parallel-agents', 'runs');
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json')).sort().reverse().slice(0, 10);
  } catch {
    return history;
  }
  const samples = new Map<string, number[]>();
  for (const name of names) {
    try {
      const j = JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')) as JournalLike;
      for (const [id, t] of Object.entries(j.tasks ?? {})) {
        if (t.status === 'succeeded' && typeof t.ms === 'number' && t.ms > 0) samples.set(id, [...(samples.get(id) ?? []), t.ms]);
      }
    } catch {
      // a journal being written or damaged: skip it
    }
  }
  for (const [id, xs] of samples) {
    xs.sort((a, b) => a - b);
    history.set(id, xs[Math.floor(xs.length / 2)] as number);
  }
  return history;
}
