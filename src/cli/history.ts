// Measured task durations from past runs (the run journals), so the plan's critical path
// and speedup use real numbers once a run has happened.
import { listRunRecords } from '../engine';
import { openRepo } from '../git';

/** Median duration (ms) of each task's successful runs among the newest 10 runs. */
export async function loadHistory(root: string): Promise<Map<string, number>> {
  const history = new Map<string, number>();
  const repo = await openRepo(root).catch(() => undefined);
  if (!repo) return history;
  const samples = new Map<string, number[]>();
  for (const j of (await listRunRecords(repo)).slice(0, 10)) {
    for (const t of j.tasks) {
      if (t.status === 'succeeded' && typeof t.ms === 'number' && t.ms > 0) samples.set(t.id, [...(samples.get(t.id) ?? []), t.ms]);
    }
  }
  for (const [id, xs] of samples) {
    xs.sort((a, b) => a - b);
    history.set(id, xs[Math.floor(xs.length / 2)] as number);
  }
  return history;
}
