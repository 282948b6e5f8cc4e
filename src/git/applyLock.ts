// The apply lock: `<stateDir>/apply.lock`, created with O_EXCL and holding the owner's
// pid. While it is held, no run may start (a snapshot taken mid-apply would capture a
// half-applied tree) and no other apply or undo may run. A lock whose pid is dead is stale:
// its owner was killed mid-operation, so whoever takes the lock over first finishes or
// rolls back what it left (interruptedApply.ts) before doing its own work.
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitError } from './errors';
import { pidAlive } from './fsutil';
import { finishInterruptedWork } from './interruptedApply';
import type { GitRepo } from './repo';

/** `prune` holds the lock so that no run is applied or undone while its records are deleted. */
export type ApplyOperation = 'apply' | 'undo' | 'recover' | 'prune';

export interface ApplyLockInfo {
  readonly pid: number;
  readonly hostname: string;
  readonly runId: string;
  readonly operation: ApplyOperation;
  readonly at: string;
}

/** A stale lock left half-written (a crash between creating and writing it). */
export const UNREADABLE_LOCK = 'unreadable';

export function applyLockPath(repo: GitRepo): string {
  return path.join(repo.stateDir, 'apply.lock');
}

type LockState = { live: ApplyLockInfo } | { stale: ApplyLockInfo | typeof UNREADABLE_LOCK } | undefined;

async function readLockState(repo: GitRepo): Promise<LockState> {
  let text: string;
  let mtimeMs: number;
  try {
    text = await fsp.readFile(applyLockPath(repo), 'utf8');
    mtimeMs = (await fsp.stat(applyLockPath(repo))).mtimeMs;
  } catch {
    return undefined;
  }
  let info: ApplyLockInfo | undefined;
  try {
    info = JSON.parse(text) as ApplyLockInfo;
  } catch {
    info = undefined;
  }
  if (!info) {
    // Being written right now (held), or left half-written by a crash long ago (stale).
    if (Date.now() - mtimeMs > 10_000) return { stale: UNREADABLE_LOCK };
    return { live: { pid: 0, hostname: os.hostname(), runId: '?', operation: 'apply', at: '' } };
  }
  if (info.hostname === os.hostname() && !pidAlive(info.pid)) return { stale: info };
  return { live: info };
}

/** The live holder of the apply lock, if any (a stale lock counts as none). */
export async function readApplyLock(repo: GitRepo): Promise<ApplyLockInfo | undefined> {
  const s = await readLockState(repo);
  return s && 'live' in s ? s.live : undefined;
}

/** The lock a process left when it died holding it, if any. */
export async function readStaleApplyLock(repo: GitRepo): Promise<ApplyLockInfo | typeof UNREADABLE_LOCK | undefined> {
  const s = await readLockState(repo);
  return s && 'stale' in s ? s.stale : undefined;
}

function describe(info: ApplyLockInfo, repo: GitRepo): string {
  const where = `in ${repo.root} (process ${info.pid})`;
  if (info.operation === 'prune') return `old runs are being pruned ${where}`;
  const doing = info.operation === 'undo' ? 'undone' : info.operation === 'recover' ? 'recovered from an interrupted apply' : 'applied';
  return `run ${info.runId} is being ${doing} ${where}`;
}

/** Throws when an apply or undo is in progress in this repository. */
export async function assertNotApplying(repo: GitRepo, what = 'start a run'): Promise<void> {
  const info = await readApplyLock(repo);
  if (info) {
    throw new GitError(`Cannot ${what}: ${describe(info, repo)}. Wait for it to finish, then try again.`);
  }
}

export interface HeldApplyLock {
  release(): Promise<void>;
  /** The stale lock this one replaced: its owner died mid-operation. */
  readonly replaced?: ApplyLockInfo | typeof UNREADABLE_LOCK;
}

/** Takes the lock (a stale one is replaced, and returned); `holder` when a live process has it. */
export async function tryTakeApplyLock(
  repo: GitRepo,
  runId: string,
  operation: ApplyOperation,
): Promise<HeldApplyLock | { holder: ApplyLockInfo }> {
  const file = applyLockPath(repo);
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const info: ApplyLockInfo = { pid: process.pid, hostname: os.hostname(), runId, operation, at: new Date().toISOString() };
  let replaced: ApplyLockInfo | typeof UNREADABLE_LOCK | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await fsp.open(file, 'wx');
      try {
        await fh.writeFile(JSON.stringify(info));
      } finally {
        await fh.close();
      }
      let released = false;
      const release = async () => {
        if (released) return;
        released = true;
        await fsp.rm(file, { force: true });
      };
      return replaced ? { release, replaced } : { release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const state = await readLockState(repo);
      if (state && 'live' in state) return { holder: state.live };
      if (state) replaced = state.stale;
      await fsp.rm(file, { force: true }); // stale
    }
  }
  throw new GitError(`Could not take the apply lock ${file} (to ${operation}${operation === 'prune' ? ' runs' : ` run ${runId}`}): other processes kept taking it. Try again.`);
}

/**
 * Takes the apply lock; returns its release function. When an earlier apply or undo was
 * killed mid-way, what it left is finished or rolled back first, under this lock.
 */
export async function acquireApplyLock(
  repo: GitRepo,
  runId: string,
  operation: Exclude<ApplyOperation, 'recover'>,
): Promise<() => Promise<void>> {
  const lock = await tryTakeApplyLock(repo, runId, operation);
  if ('holder' in lock) {
    const what = operation === 'prune' ? 'prune runs' : `${operation} run ${runId}`;
    throw new GitError(`Cannot ${what}: ${describe(lock.holder, repo)}. Wait for it to finish, then try again.`);
  }
  try {
    await finishInterruptedWork(repo, lock.replaced);
  } catch (e) {
    await lock.release();
    throw e;
  }
  return lock.release;
}
