// Which ready task a run starts first: the one with the longest remaining path (its bottom
// level), as the plan's list schedule (expectedMakespan) does. A first run only knows the
// plan's units (1 per task); once earlier runs in the repository measured a task, its median
// duration among the newest runs weighs it, so a chain of slow tasks starts before a chain of
// quick ones of the same length. Only the order changes, never what runs.
import { bottomLevels, type Plan } from '../core';
import type { RunRecord } from './runRecord';

/** Runs looked at, newest first (as `plan`'s estimates from history in the CLI). */
const HISTORY_RUNS = 10;

/** Median duration (ms) of each task's successful runs among the newest runs. */
export function taskDurationHistory(records: readonly RunRecord[]): Map<string, number> {
  const samples = new Map<string, number[]>();
  for (const r of [...records].sort((a, b) => b.startedAt - a.startedAt).slice(0, HISTORY_RUNS)) {
    for (const t of r.tasks) {
      if (t.status === 'succeeded' && typeof t.ms === 'number' && t.ms > 0) samples.set(t.id, [...(samples.get(t.id) ?? []), t.ms]);
    }
  }
  return new Map([...samples].map(([id, xs]) => [id, middle(xs)]));
}

/** Each task's priority in the scheduler: its bottom level, in ms when history knows any task. */
export function runPriorities(plan: Plan, history: ReadonlyMap<string, number>): Map<string, number> {
  const known = plan.tasks.map((t) => history.get(t.id)).filter((v): v is number => v !== undefined);
  if (!known.length) return new Map(plan.tasks.map((t) => [t.id, t.bottomLevel]));
  const fallback = middle(known);
  const estimate = new Map(plan.tasks.map((t) => [t.id, history.get(t.id) ?? fallback]));
  return bottomLevels(plan.tasks, new Map(plan.tasks.map((t) => [t.id, t.dependsOn])), estimate);
}

function middle(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}
