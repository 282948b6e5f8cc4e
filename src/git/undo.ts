// Undo of an apply: restores the working tree exactly as it was before the apply
// (modified files restored, created files removed, deleted files back), but refuses to
// clobber edits made to those files after the apply. The files get back the bytes they
// had (kept by apply where `git add` changed them: see worktreeBytes.ts), unfiltered;
// never written into a submodule nor through a symbolic link.
import { acquireApplyLock } from './applyLock';
import { readApplyRecord, writeApplyRecord } from './applyRecord';
import { ObjectReader } from './catFileBatch';
import { GitError } from './errors';
import { describeBlocker, findBlockers } from './pathGuards';
import type { GitRepo } from './repo';
import { recoverInterruptedApply } from './recovery';
import { captureWorkingTreePaths, entriesAt } from './workingTreeCapture';
import { worktreeBytesCommit } from './worktreeBytes';
import { deleteWorkingFile, forEachLimited, writeWorkingFile } from './worktreeFiles';

export interface UndoResult {
  readonly runId: string;
  /** Files written back with their before-apply content. */
  readonly restored: string[];
  /** Files the apply had created, now removed. */
  readonly removed: string[];
  /** Files left alone: under a submodule or a symbolic link now (only with `force`). */
  readonly skipped: Array<{ path: string; reason: string }>;
}

export interface UndoOptions {
  /** Restore even files edited after the apply (their edits are lost). */
  readonly force?: boolean;
}

export async function undoApply(repo: GitRepo, runId: string, opts: UndoOptions = {}): Promise<UndoResult> {
  const recovered = (await recoverInterruptedApply(repo)).find((r) => r.runId === runId && r.outcome === 'restored');
  if (recovered) return { runId, restored: recovered.restored, removed: recovered.removed, skipped: [] }; // its apply or undo was interrupted: now undone
  const rec = await readApplyRecord(repo, runId);
  if (!rec) throw new GitError(`Run ${runId} has not been applied in ${repo.root}: there is nothing to undo.`);
  if (rec.status === 'undone') throw new GitError(`The apply of run ${runId} was already undone (${rec.undoneAt ?? ''}).`);
  const release = await acquireApplyLock(repo, runId, 'undo');
  const reader = new ObjectReader(repo);
  try {
    // the working tree at the recorded paths only (see captureWorkingTreePaths)
    const now = await captureWorkingTreePaths(repo, reader, rec.paths, `parallel-agents: working tree before undoing run ${runId}`);
    await now.dispose();
    const bytesCommit = await worktreeBytesCommit(repo, runId, rec.beforeApplyCommit);
    const files = async (commit: string) => [...(await entriesAt(reader, commit, rec.paths)).values()].filter((e) => e.mode !== '040000');
    const [before, after, bytes] = await Promise.all([
      files(rec.beforeApplyCommit),
      files(rec.afterApplyCommit),
      bytesCommit === rec.beforeApplyCommit ? undefined : files(bytesCommit),
    ]);
    const recorded = new Set(rec.paths);
    const current = [...now.entries.values()].filter((e) => e.mode !== '040000' && recorded.has(e.path));
    const key = (e: { mode: string; sha: string } | undefined) => (e ? `${e.mode} ${e.sha}` : 'none');
    const beforeMap = new Map(before.map((e) => [e.path, e]));
    const afterMap = new Map(after.map((e) => [e.path, e]));
    const currentMap = new Map(current.map((e) => [e.path, e]));
    // what to write back: the exact bytes where apply kept them, else the snapshot's blob
    const bytesMap = bytes ? new Map(bytes.map((e) => [e.path, e])) : beforeMap;
    const edited: string[] = [];
    for (const p of rec.paths) {
      const cur = key(currentMap.get(p));
      if (cur !== key(afterMap.get(p)) && cur !== key(beforeMap.get(p))) edited.push(p);
    }
    // a submodule or a symbolic link where the apply had folders: never written into
    const blocked = new Map<string, string>();
    for (const [p, b] of await findBlockers(reader, repo.root, now.commit, rec.paths, (p) => currentMap.has(p))) {
      if (b.kind !== 'file') blocked.set(p, describeBlocker(b, 'undo'));
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
    const skipped = [...blocked].map(([path, reason]) => ({ path, reason }));
    const todo = rec.paths.filter((p) => !blocked.has(p) && key(currentMap.get(p)) !== key(beforeMap.get(p)));
    // deletions first: a folder the apply made may have to become a file again, and back
    const deletions = todo.filter((p) => !beforeMap.has(p));
    await forEachLimited(deletions, 16, async (p) => {
      await deleteWorkingFile(repo.root, p);
      removed.push(p);
    });
    await forEachLimited(
      todo.filter((p) => beforeMap.has(p)),
      16,
      async (p) => {
        const b = bytesMap.get(p) ?? (beforeMap.get(p) as NonNullable<ReturnType<typeof beforeMap.get>>);
        const content = await reader.readBlob(b.sha);
        if (!content) throw new GitError(`Cannot undo: object ${b.sha} (${p}) is missing from ${repo.root}.`);
        await writeWorkingFile(repo.root, p, content, b.mode);
        restored.push(p);
      },
    );
    restored.sort();
    removed.sort();
    rec.status = 'undone';
    rec.undoneAt = new Date().toISOString();
    await writeApplyRecord(repo, rec);
    return { runId, restored, removed, skipped };
  } finally {
    reader.dispose();
    await release();
  }
}
