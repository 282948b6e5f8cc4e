// Undo of an apply: restores the working tree exactly as it was before the apply
// (modified files restored, created files removed, deleted files back), but refuses to
// clobber edits made to those files after the apply.
import { acquireApplyLock } from './applyLock';
import { readApplyRecord, writeApplyRecord } from './applyRecord';
import { ObjectReader } from './catFileBatch';
import { GitError } from './errors';
import { listTree } from './objects';
import type { GitRepo } from './repo';
import { captureWorkingTree } from './snapshot';
import { deleteWorkingFile, forEachLimited, writeWorkingFile } from './worktreeFiles';

export interface UndoResult {
  readonly runId: string;
  /** Files written back with their before-apply content. */
  readonly restored: string[];
  /** Files the apply had created, now removed. */
  readonly removed: string[];
}

export interface UndoOptions {
  /** Restore even files edited after the apply (their edits are lost). */
  readonly force?: boolean;
}

export async function undoApply(repo: GitRepo, runId: string, opts: UndoOptions = {}): Promise<UndoResult> {
  const rec = await readApplyRecord(repo, runId);
  if (!rec) throw new GitError(`Run ${runId} has not been applied in ${repo.root}: there is nothing to undo.`);
  if (rec.status === 'undone') throw new GitError(`The apply of run ${runId} was already undone (${rec.undoneAt ?? ''}).`);
  const release = await acquireApplyLock(repo, runId, 'undo');
  const reader = new ObjectReader(repo);
  try {
    const now = await captureWorkingTree(repo, `parallel-agents: working tree before undoing run ${runId}`);
    const [before, after, current] = await Promise.all([
      listTree(repo, rec.beforeApplyCommit, rec.paths),
      listTree(repo, rec.afterApplyCommit, rec.paths),
      listTree(repo, now.commit, rec.paths),
    ]);
    const key = (e: { mode: string; sha: string } | undefined) => (e ? `${e.mode} ${e.sha}` : 'none');
    const beforeMap = new Map(before.map((e) => [e.path, e]));
    const afterMap = new Map(after.map((e) => [e.path, e]));
    const currentMap = new Map(current.map((e) => [e.path, e]));
    const edited: string[] = [];
    for (const p of rec.paths) {
      const cur = key(currentMap.get(p));
      if (cur !== key(afterMap.get(p)) && cur !== key(beforeMap.get(p))) edited.push(p);
    }
    if (edited.length && !opts.force) {
      const shown = edited.slice(0, 10).join(', ') + (edited.length > 10 ? ` and ${edited.length - 10} more` : '');
      // `edited` lets a front end name every file and offer a way through (VS Code's Undo Apply).
      throw Object.assign(
        new GitError(
          `Cannot undo the apply of run ${runId}: ${edited.length === 1 ? 'this file was' : 'these files were'} edited after the apply: ${shown}. ` +
            `Undo would overwrite those edits. Save a copy of them or revert them, then run undo again.`,
        ),
        { edited },
      );
    }
    const restored: string[] = [];
    const removed: string[] = [];
    await forEachLimited(rec.paths, 16, async (p) => {
      const b = beforeMap.get(p);
      if (key(currentMap.get(p)) === key(b)) return;
      if (b) {
        const content = await reader.readBlob(b.sha);
        if (!content) throw new GitError(`Cannot undo: object ${b.sha} (${p}) is missing from ${repo.root}.`);
        await writeWorkingFile(repo.root, p, content, b.mode);
        restored.push(p);
      } else {
        await deleteWorkingFile(repo.root, p);
        removed.push(p);
      }
    });
    restored.sort();
    removed.sort();
    rec.status = 'undone';
    rec.undoneAt = new Date().toISOString();
    await writeApplyRecord(repo, rec);
    return { runId, restored, removed };
  } finally {
    reader.dispose();
    await release();
  }
}
