// Recovery from an apply or undo killed mid-way (contract C4): called where an apply or an
// undo starts and where a run starts, so that none of them builds on half an apply or
// leaves our temp files in the user's folders. What is done, and why, is in interruptedApply.ts.
import { readApplyLock, readStaleApplyLock, tryTakeApplyLock } from './applyLock';
import { listApplyRecords } from './applyRecord';
import { finishInterruptedWork, isInterrupted, type RecoveredApply } from './interruptedApply';
import type { GitRepo } from './repo';

export type { RecoveredApply } from './interruptedApply';

/**
 * Whether an apply or undo is in the way of a run's snapshot: one in progress (the lock is
 * held) or one to recover first (a stale lock, an interrupted record). Reads only, side by
 * side; the answer can change right after, so whoever relies on it looks again.
 */
export async function applyInTheWay(repo: GitRepo): Promise<boolean> {
  const [lock, records] = await Promise.all([applyLockInTheWay(repo), listApplyRecords(repo)]);
  return lock || records.some(isInterrupted);
}

/** The lock alone: an apply or undo in progress, or one whose process died holding it. */
export async function applyLockInTheWay(repo: GitRepo): Promise<boolean> {
  const [stale, live] = await Promise.all([readStaleApplyLock(repo), readApplyLock(repo)]);
  return stale !== undefined || live !== undefined;
}

/**
 * Finishes or rolls back an apply or undo whose process died, under the apply lock.
 * Does nothing while a live process holds the lock (it recovers when it takes the lock).
 * Cheap when there is nothing to do: the lock file and the apply records are read.
 */
export async function recoverInterruptedApply(repo: GitRepo): Promise<RecoveredApply[]> {
  const stale = await readStaleApplyLock(repo);
  let runId = typeof stale === 'object' ? stale.runId : undefined;
  if (!stale) {
    if (await readApplyLock(repo)) return [];
    runId = (await listApplyRecords(repo)).find(isInterrupted)?.runId;
    if (!runId) return [];
  }
  const lock = await tryTakeApplyLock(repo, runId ?? 'unknown', 'recover');
  if ('holder' in lock) return [];
  try {
    return await finishInterruptedWork(repo, lock.replaced);
  } finally {
    await lock.release();
  }
}
