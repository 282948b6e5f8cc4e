// Finishing what an apply or an undo left when its process was killed (SIGKILL, a power
// cut, VS Code's extension host dying) between its first and its last file write.
//
// Every file is written atomically (temp + rename), so each recorded path is either as it
// was before the apply or as the apply left it. What remains is our temp files beside the
// paths (`.NAME.pa-XXXXXXXX.tmp`) and a tree half way between the two states.
//
// An interrupted apply is ROLLED BACK, an interrupted undo is FINISHED: both end with every
// recorded path at its before-apply entry, and the record `undone`. Why back, not forward:
// - the user never saw the apply succeed (no result, no list of conflicts): the tree goes
//   back to what they last knew, and applying again gives the whole report;
// - rolling forward would leave conflict markers in files without anyone being told which;
// - one direction for both cases, and it is exactly what undo restores, so undo stays exact.
// A path edited since the interruption (neither before nor after) is never overwritten:
// then nothing is written, the record becomes `failed` naming those paths, and `undo`
// (which lists them and has --force) is left to decide.
//
// Runs only under the apply lock (applyLock.ts, recovery.ts), so no write can be under way.
import * as path from 'node:path';
import type { ApplyLockInfo } from './applyLock';
import { listApplyRecords, readApplyRecord, writeApplyRecord, type ApplyRecord } from './applyRecord';
import { ObjectReader } from './catFileBatch';
import { GitError } from './errors';
import { journalRoot, tryReadJournal } from './journal';
import { listTree, type TreeEntry } from './objects';
import type { GitRepo } from './repo';
import { captureWorkingTree } from './workingTreeCapture';
import { worktreeBytesCommit } from './worktreeBytes';
import { deleteWorkingFile, forEachLimited, lexists, absPath, removeEmptyFolders, removeTempFiles, writeWorkingFile } from './worktreeFiles';

export interface RecoveredApply {
  readonly runId: string;
  readonly interrupted: 'apply' | 'undo';
  /** `restored`: every recorded path is as before the apply. `left`: files edited since, nothing written. */
  readonly outcome: 'restored' | 'left';
  /** Files written back with their before-apply content. */
  readonly restored: string[];
  /** Files the apply had created, removed. */
  readonly removed: string[];
  /** Files changed since the interruption (outcome `left`). */
  readonly edited: string[];
  /** Our temp files removed from the working tree. */
  readonly tempFiles: string[];
}

/** Whether a record is one an interrupted apply or undo left. */
export function isInterrupted(rec: ApplyRecord): boolean {
  return rec.status === 'writing' || rec.status === 'undoing';
}

/**
 * Finishes or rolls back every interrupted apply or undo. `replaced` is the stale lock the
 * caller's lock replaced: an undo is known to have been interrupted only from it (undo does
 * not mark its record), so that is noted in the record first (`undoing`), which survives
 * this recovery being killed in turn.
 */
export async function finishInterruptedWork(repo: GitRepo, replaced: ApplyLockInfo | string | undefined): Promise<RecoveredApply[]> {
  if (typeof replaced === 'object' && replaced.operation === 'undo') {
    const rec = await readApplyRecord(repo, replaced.runId).catch(() => undefined);
    if (rec && (rec.status === 'applied' || rec.status === 'failed')) {
      rec.status = 'undoing';
      await writeApplyRecord(repo, rec);
    }
  }
  const out: RecoveredApply[] = [];
  for (const rec of (await listApplyRecords(repo)).filter(isInterrupted)) {
    if (await appliedHere(repo, rec)) out.push(await restoreBeforeApply(repo, rec));
  }
  return out;
}

/**
 * The records are shared by every worktree of the repository; a run's journal says which
 * working tree it was about. Another worktree's interrupted apply is left for that one.
 */
async function appliedHere(repo: GitRepo, rec: ApplyRecord): Promise<boolean> {
  const j = await tryReadJournal(repo, rec.runId).catch(() => undefined);
  const root = j && journalRoot(j);
  return !root || path.resolve(root) === path.resolve(repo.root);
}

const key = (e: TreeEntry | undefined) => (e ? `${e.mode} ${e.sha}` : 'none');

async function restoreBeforeApply(repo: GitRepo, rec: ApplyRecord): Promise<RecoveredApply> {
  const interrupted = rec.status === 'undoing' ? 'undo' : 'apply';
  const tempFiles = await removeTempFiles(repo.root, rec.paths); // before the capture: never snapshot our debris
  const now = await captureWorkingTree(repo, `parallel-agents: working tree after the interrupted ${interrupted} of run ${rec.runId}`);
  const [before, after, current] = await Promise.all(
    [rec.beforeApplyCommit, rec.afterApplyCommit, now.commit].map(async (c) => new Map((await listTree(repo, c, rec.paths)).map((e) => [e.path, e]))),
  ) as [Map<string, TreeEntry>, Map<string, TreeEntry>, Map<string, TreeEntry>];
  const toRestore: string[] = [];
  const edited: string[] = [];
  for (const p of rec.paths) {
    const cur = key(current.get(p));
    if (cur === key(before.get(p))) continue;
    if (cur === key(after.get(p))) toRestore.push(p);
    else edited.push(p);
  }
  const when = new Date().toISOString();
  const doing = interrupted === 'undo' ? 'undoing' : 'applying';
  if (edited.length) {
    const shown = edited.slice(0, 10).join(', ') + (edited.length > 10 ? ` and ${edited.length - 10} more` : '');
    rec.status = 'failed';
    rec.error = `interrupted while ${doing}; edited since: ${shown}`;
    rec.recovered = `${when}: ${tempFiles.length} temp files removed; nothing restored, because files were edited after the interruption: ${shown}`;
    await writeApplyRecord(repo, rec);
    return { runId: rec.runId, interrupted, outcome: 'left', restored: [], removed: [], edited, tempFiles };
  }
  const restored: string[] = [];
  const removed: string[] = [];
  // the user's exact bytes, as undo writes them: the kept bytes where the apply kept some
  // (files a checkout would not reproduce), else the snapshot's blobs, which are those bytes
  const bytesCommit = await worktreeBytesCommit(repo, rec.runId, rec.beforeApplyCommit);
  const bytes = new Map((await listTree(repo, bytesCommit, toRestore)).map((e) => [e.path, e]));
  const reader = new ObjectReader(repo);
  try {
    await forEachLimited(toRestore, 16, async (p) => {
      const b = bytes.get(p);
      if (!b) {
        await deleteWorkingFile(repo.root, p);
        removed.push(p);
        return;
      }
      const content = await reader.readBlob(b.sha);
      if (!content) throw new GitError(`Cannot roll back the interrupted ${interrupted} of run ${rec.runId}: object ${b.sha} (${p}) is missing from ${repo.root}.`);
      await writeWorkingFile(repo.root, p, content, b.mode);
      restored.push(p);
    });
  } finally {
    reader.dispose();
  }
  // folders the killed process made for files it never renamed into place
  for (const p of rec.paths) {
    if (!before.has(p) && !(await lexists(absPath(repo.root, p)))) await removeEmptyFolders(repo.root, p);
  }
  restored.sort();
  removed.sort();
  rec.status = 'undone';
  rec.undoneAt = when;
  rec.recovered =
    `${when}: the ${interrupted} was interrupted; ${interrupted === 'undo' ? 'finished' : 'rolled back'} ` +
    `(${restored.length} restored, ${removed.length} removed, ${tempFiles.length} temp files removed)`;
  await writeApplyRecord(repo, rec);
  return { runId: rec.runId, interrupted, outcome: 'restored', restored, removed, edited: [], tempFiles };
}
