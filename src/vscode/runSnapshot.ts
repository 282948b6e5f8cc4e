// What the views show of a run: the engine's run record (live from the Run, or read from
// its journal; paths repository-relative either way), plus what only the window knows.
// Pure.
import type { AttemptRecord, TaskStatus } from '../core';
import type { RunRecord, TaskRecord } from '../engine';

export type TaskSnapshot = TaskRecord;

export interface RunSnapshot extends Omit<RunRecord, 'applied'> {
  /** Started in this window (cancel and retry work on it). */
  readonly live: boolean;
  /** Set once applied; `undone` after Undo Apply. */
  readonly applied?: { readonly at: number; readonly undone: boolean };
  /** Changes outside the tasks' `owns` (a live run's analysis), repository-relative. */
  readonly violations?: readonly { readonly task: string; readonly path: string; readonly outsideWorkspace?: true }[];
}

/** The snapshot of a record; `applied` is what this window knows of its apply, when it knows better than the journal. */
export function snapshotOf(record: RunRecord, live: boolean, applied?: RunSnapshot['applied']): RunSnapshot {
  const { applied: journalApplied, ...rest } = record;
  const fromJournal = journalApplied && !journalApplied.error ? { at: Date.parse(journalApplied.at) || 0, undone: journalApplied.undoneAt !== undefined } : undefined;
  const state = applied ?? fromJournal;
  return {
    ...rest,
    live,
    ...(state && { applied: state }),
    ...(record.analysis?.violations.length && { violations: record.analysis.violations }),
  };
}

/** The tool a running task is using now, if any. */
export function currentTool(t: TaskSnapshot): string | undefined {
  return t.status === 'running' ? t.progress?.currentTool : undefined;
}

/** The attempts of a task that could become its result instead of the current one. */
export function choosableAttempts(t: TaskSnapshot): AttemptRecord[] {
  return (t.strategy?.competitive?.attempts ?? []).filter((a) => a.status === 'succeeded' && a.resultCommit !== undefined);
}

export function runCounts(runs: readonly RunSnapshot[]): { running: number; queued: number } {
  let running = 0;
  let queued = 0;
  for (const r of runs) {
    if (!r.live || r.status !== 'running') continue;
    for (const t of r.tasks) {
      if (t.status === 'running') running++;
      else if (t.status === 'queued') queued++;
    }
  }
  return { running, queued };
}

/** What changed since the views last heard: everything (runs came, went, were applied…), or these runs. */
export interface RunChanges {
  readonly all: boolean;
  /** Runs whose tasks changed (statuses, progress) or whose times tick. */
  readonly runs: ReadonlySet<string>;
}

/** Each task's status, by id (what the plan panel colours). */
export function taskStatuses(r: RunSnapshot): Record<string, TaskStatus> {
  const out: Record<string, TaskStatus> = {};
  for (const t of r.tasks) out[t.id] = t.status;
  return out;
}
