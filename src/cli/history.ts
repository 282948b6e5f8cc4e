// Measured task durations from past runs (the run journals), so the plan's critical path
// and speedup use real numbers once a run has happened: the same medians the engine ranks
// ready tasks by (engine/runPriority.ts).
import { listRunRecords, taskDurationHistory } from '../engine';
import { openRepo } from '../git';

/** Median duration (ms) of each task's successful runs among the newest 10 runs. */
export async function loadHistory(root: string): Promise<Map<string, number>> {
  const repo = await openRepo(root).catch(() => undefined);
  if (!repo) return new Map();
  return taskDurationHistory(await listRunRecords(repo));
}
