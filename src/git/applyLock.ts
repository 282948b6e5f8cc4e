// The apply lock: `<stateDir>/apply.lock`, created with O_EXCL and holding the owner's
// pid. While it is held, no run may start (a snapshot taken mid-apply would capture a
// half-applied tree) and no other apply or undo may run. A lock whose pid is dead is stale
// and taken over.
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitError } from './errors';
import { pidAlive } from './fsutil';
import type { GitRepo } from './repo';

export interface ApplyLockInfo {
  readonly pid: number;
  readonly hostname: string;
  readonly runId: string;
  readonly operation: 'apply' | 'undo';
  readonly at: string;
}

export function applyLockPath(repo: GitRepo): string {
  return path.join(repo.stateDir, 'apply.lock');
}

/** The live holder of the apply lock, if any (a stale lock counts as none). */
export async function readApplyLock(repo: GitRepo): Promise<ApplyLockInfo | undefined> {
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
    if (Date.now() - mtimeMs > 10_000) return undefined;
    return { pid: 0, hostname: os.hostname(), runId: '?', operation: 'apply', at: '' };
  }
  if (info.hostname === os.hostname() && !pidAlive(info.pid)) return undefined;
  return info;
}

function describe(info: ApplyLockInfo, repo: GitRepo): string {
  return `run ${info.runId} is being ${info.operation === 'undo' ? 'undone' : 'applied'} in ${repo.root} (process ${info.pid})`;
}

/** Throws when an apply or undo is in progress in this repository. */
export async function assertNotApplying(repo: GitRepo, what = 'start a run'): Promise<void> {
  const info = await readApplyLock(repo);
  if (info) {
    throw new GitError(`Cannot ${what}: ${describe(info, repo)}. Wait for it to finish, then try again.`);
  }
}

/** Takes the apply lock; returns its release function. */
export async function acquireApplyLock(
  repo: GitRepo,
  runId: string,
  operation: 'apply' | 'undo',
): Promise<() => Promise<void>> {
  const file = applyLockPath(repo);
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const info: ApplyLockInfo = { pid: process.pid, hostname: os.hostname(), runId, operation, at: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await fsp.open(file, 'wx');
      try {
        await fh.writeFile(JSON.stringify(info));
      } finally {
        await fh.close();
      }
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await fsp.rm(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = await readApplyLock(repo);
      if (holder) {
        throw new GitError(`Cannot ${operation} run ${runId}: ${describe(holder, repo)}. Wait for it to finish, then try again.`);
      }
      await fsp.rm(file, { force: true }); // stale
    }
  }
  throw new GitError(`Cannot ${operation} run ${runId}: could not take the lock ${file}.`);
}
