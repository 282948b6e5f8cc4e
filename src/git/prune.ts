// Pruning old runs (contract C4): a run's refs (refs/parallel-agents/<runId>/**, deleted in
// one `git update-ref --stdin` transaction), its journal, its transcripts folder and its
// apply record. The objects are left to git gc (they become unreachable once the refs go).
//
// Which runs go:
// - with `keep: N`, the N newest runs (by start) are kept whatever else holds;
// - with `olderThanMs: D`, only runs started more than D ms ago can go;
// - with neither, every run can go;
// and of those, never:
// - a running run (its journal says running and its owner process is alive);
// - a run being applied or undone, or whose interrupted apply is not recovered yet;
// - without `force`, a run with UNAPPLIED RESULTS: at least one task has a result commit
//   that changes files (journal: a task with `resultCommit` and a `changed` list that is
//   not empty, or absent; no readable journal: any ref under <runId>/tasks/), and the run
//   has no apply record or its apply was undone (an interrupted apply rolled back counts as
//   undone). Results of a failed or cancelled run count: the user may still apply them;
// - without `force`, a run whose apply failed half way: undo needs its record and refs.
// An applied run can go: its apply can no longer be undone afterwards, which is what
// pruning it means.
//
// Everything but `dryRun` holds the apply lock, so no apply or undo reads a run's records
// while they are deleted (and a run cannot start meanwhile: it takes well under a second).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { acquireApplyLock, readApplyLock } from './applyLock';
import { appliesDir, applyRecordPath, readApplyRecord, type ApplyRecord } from './applyRecord';
import { GitError } from './errors';
import { REF_PREFIX } from './ids';
import { journalPath, journalStartedMs, ownerAlive, runsDir, tryReadJournal, type StoredJournal } from './journal';
import type { GitRepo } from './repo';

export interface PruneOptions {
  /** Keep the newest N runs. */
  readonly keep?: number;
  /** Prune only runs started more than this many milliseconds ago. */
  readonly olderThanMs?: number;
  /** Prune runs with unapplied results or a failed apply too (never a running one). */
  readonly force?: boolean;
  /** Say what would be pruned; change nothing. */
  readonly dryRun?: boolean;
}

export interface PruneResult {
  /** Runs pruned (with `dryRun`: that would be), newest first. */
  readonly pruned: string[];
  /** Runs kept, newest first, each with why. */
  readonly kept: Array<{ runId: string; reason: string }>;
}

interface RunFacts {
  readonly runId: string;
  /** Start time, ms since the epoch (0 when nothing tells). */
  readonly startedMs: number;
  readonly journal: StoredJournal | 'damaged' | undefined;
  readonly record: ApplyRecord | 'damaged' | undefined;
  /** Ref name → sha. */
  readonly refs: Map<string, string>;
}

const SAFE_ID = /^[A-Za-z0-9_-]+$/;

export async function pruneRuns(repo: GitRepo, opts: PruneOptions = {}): Promise<PruneResult> {
  if (opts.keep !== undefined && (!Number.isInteger(opts.keep) || opts.keep < 0)) {
    throw new GitError(`Cannot prune: keep must be a whole number of runs (0 or more), not ${opts.keep}.`);
  }
  if (opts.olderThanMs !== undefined && !(opts.olderThanMs >= 0)) {
    throw new GitError(`Cannot prune: the age must be 0 or more, not ${opts.olderThanMs} ms.`);
  }
  const release = opts.dryRun ? undefined : await acquireApplyLock(repo, '-', 'prune');
  try {
    const runs = await gatherRuns(repo);
    const live = opts.dryRun ? await readApplyLock(repo) : undefined;
    const now = Date.now();
    const pruned: string[] = [];
    const kept: Array<{ runId: string; reason: string }> = [];
    runs.forEach((run, i) => {
      const reason = reasonToKeep(run, i, opts, now, live?.operation === 'prune' ? undefined : live?.runId);
      if (reason) kept.push({ runId: run.runId, reason });
      else pruned.push(run.runId);
    });
    if (!opts.dryRun && pruned.length) await deleteRuns(repo, runs.filter((r) => pruned.includes(r.runId)));
    return { pruned, kept };
  } finally {
    await release?.();
  }
}

function reasonToKeep(run: RunFacts, newestIndex: number, opts: PruneOptions, now: number, beingApplied: string | undefined): string | undefined {
  const { journal, record } = run;
  if (journal !== 'damaged' && journal?.status === 'running' && ownerAlive(journal.owner)) return `running (process ${journal.owner.pid})`;
  if (beingApplied === run.runId) return 'being applied or undone right now';
  if (opts.keep !== undefined && newestIndex < opts.keep) return `among the ${opts.keep} newest`;
  if (opts.olderThanMs !== undefined && now - run.startedMs < opts.olderThanMs) return `started less than ${formatAge(opts.olderThanMs)} ago`;
  if (record !== 'damaged' && (record?.status === 'writing' || record?.status === 'undoing')) {
    return 'its apply was interrupted and is not recovered yet (the next apply, undo or run recovers it)';
  }
  if (opts.force) return undefined;
  if (record === 'damaged') return 'its apply record is damaged (--force prunes it)';
  if (record?.status === 'failed') return 'its apply failed half way: undo it first (--force prunes it anyway)';
  if ((!record || record.status === 'undone') && hasResults(run)) {
    return `${record ? 'its apply was undone: ' : ''}it has results that were never applied (apply or --force)`;
  }
  return undefined;
}

function hasResults(run: RunFacts): boolean {
  if (run.journal && run.journal !== 'damaged') {
    return Object.values(run.journal.tasks).some((t) => t.resultCommit && (t.changed === undefined || t.changed.length > 0));
  }
  const tasks = `${REF_PREFIX}/${run.runId}/tasks/`;
  return [...run.refs.keys()].some((r) => r.startsWith(tasks));
}

/** Every run any trace of which exists (refs, journal, transcripts, apply record), newest first. */
async function gatherRuns(repo: GitRepo): Promise<RunFacts[]> {
  const out = await repo.git(['for-each-ref', '--format=%(refname)%00%(objectname)%00%(creatordate:unix)', `${REF_PREFIX}/`]);
  const refs = new Map<string, Map<string, string>>();
  const refTimes = new Map<string, number>();
  for (const line of out.split('\n')) {
    const [ref, sha, time] = line.split('\0');
    const runId = ref?.split('/')[2];
    if (!ref || !sha || !runId || !SAFE_ID.test(runId)) continue;
    const m = refs.get(runId) ?? new Map<string, string>();
    m.set(ref, sha);
    refs.set(runId, m);
    const t = Number(time) * 1000;
    if (t > 0) refTimes.set(runId, Math.min(refTimes.get(runId) ?? t, t));
  }
  const ids = new Set(refs.keys());
  for (const dir of [runsDir(repo), appliesDir(repo)]) {
    for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
      const id = name.endsWith('.json') ? name.slice(0, -'.json'.length) : name;
      if (SAFE_ID.test(id)) ids.add(id);
    }
  }
  const runs = await Promise.all(
    [...ids].map(async (runId): Promise<RunFacts> => {
      const journal = await tryReadJournal(repo, runId).catch(() => 'damaged' as const);
      const record = await readApplyRecord(repo, runId).catch(() => 'damaged' as const);
      const fromJournal = journal && journal !== 'damaged' ? journalStartedMs(journal) : NaN;
      const startedMs = Number.isFinite(fromJournal) ? fromJournal : (refTimes.get(runId) ?? 0);
      return { runId, startedMs, journal, record, refs: refs.get(runId) ?? new Map() };
    }),
  );
  return runs.sort((a, b) => b.startedMs - a.startedMs || (a.runId < b.runId ? 1 : -1));
}

/** Refs first, in one transaction (all or none); then the files, which only our code reads. */
async function deleteRuns(repo: GitRepo, runs: readonly RunFacts[]): Promise<void> {
  const lines = runs.flatMap((r) => [...r.refs].map(([ref, sha]) => `delete ${ref} ${sha}\n`));
  if (lines.length) {
    try {
      await repo.exec(['update-ref', '--stdin'], { input: lines.join('') });
    } catch (e) {
      if (!(e instanceof GitError)) throw e;
      throw new GitError(
        `Could not delete the refs of the runs to prune in ${repo.root}: ${(e.stderr ?? e.message).trim()}. Nothing was pruned; try again.`,
        e.command,
        e.stderr,
        e.exitCode,
      );
    }
  }
  for (const r of runs) {
    await fsp.rm(journalPath(repo, r.runId), { force: true });
    await fsp.rm(path.join(runsDir(repo), r.runId), { recursive: true, force: true });
    await fsp.rm(applyRecordPath(repo, r.runId), { force: true });
  }
}

function formatAge(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size) {
      const n = Math.round((ms / size) * 10) / 10;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}
