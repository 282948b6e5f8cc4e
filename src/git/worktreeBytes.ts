// The exact bytes of the user's files before an apply, where they differ from the
// before-apply snapshot. The snapshot holds what `git add` made of each file (cleaned:
// CRLF → LF for `eol=crlf`, clean filters, working-tree-encoding), which a checkout
// would not turn back into the same bytes (a LF-only .bat, mixed line endings). Undo
// must put back what the user had, byte for byte, so apply keeps those bytes too:
// a commit whose tree is the before-apply tree with the raw blobs in place, child of
// the before-apply commit, at refs/parallel-agents/<runId>/before-apply-bytes. Written
// only when some file differs, which with no attributes or filters is never.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeApplyBytesRef } from './ids';
import { commitTree, treeWithUpdates, updateRef, writeBlobs, type TreeEntry } from './objects';
import type { GitRepo } from './repo';
import { absPath, forEachLimited } from './worktreeFiles';

/** git's object id of a blob with these bytes (SHA-1, or SHA-256 when `like` is 64 hex digits). */
export function blobId(content: Uint8Array, like: string): string {
  const h = createHash(like.length === 64 ? 'sha256' : 'sha1');
  h.update(`blob ${content.length}\0`);
  h.update(content);
  return h.digest('hex');
}

/**
 * Reads the files the apply will overwrite or delete (regular files of the snapshot) and
 * stores the bytes of those that are not their snapshot blob. Returns how many there were.
 */
export async function keepWorktreeBytes(
  repo: GitRepo,
  runId: string,
  before: { commit: string; tree: string },
  entries: ReadonlyArray<Pick<TreeEntry, 'path' | 'mode' | 'sha'>>,
): Promise<number> {
  const differing: Array<{ path: string; mode: string; content: Buffer }> = [];
  await forEachLimited(
    entries.filter((e) => e.mode === '100644' || e.mode === '100755'),
    16,
    async (e) => {
      // (synchronous: a small file's read takes microseconds, a thread-pool round trip per call far more; see writeWorkingFile)
      let content: Buffer | undefined;
      try {
        content = readFileSync(absPath(repo.root, e.path));
      } catch {
        content = undefined;
      }
      if (content && blobId(content, e.sha) !== e.sha) differing.push({ path: e.path, mode: e.mode, content });
    },
  );
  if (differing.length === 0) return 0;
  const shas = await writeBlobs(
    repo,
    differing.map((d) => d.content),
  );
  const tree = await treeWithUpdates(
    repo,
    before.tree,
    differing.map((d, i) => ({ path: d.path, mode: d.mode, sha: shas[i] as string })),
  );
  const commit = await commitTree(repo, tree, [before.commit], `parallel-agents: exact bytes of the files before applying run ${runId}`);
  await updateRef(repo, beforeApplyBytesRef(runId), commit, `exact bytes before applying run ${runId}`);
  return differing.length;
}

/**
 * The commit whose blobs undo writes back (unfiltered): the kept bytes when this apply
 * kept some, else the before-apply snapshot itself (its blobs are the files' bytes).
 */
export async function worktreeBytesCommit(repo: GitRepo, runId: string, beforeApplyCommit: string): Promise<string> {
  const ref = beforeApplyBytesRef(runId);
  const r = await repo.exec(['rev-parse', '-q', `${ref}^{commit}`, `${ref}^1`], { anyExitCode: true });
  const [commit, parent] = r.stdout.toString('utf8').trim().split('\n');
  // one from an earlier apply of the same run (since undone) is not these bytes
  return r.exitCode === 0 && commit && parent === beforeApplyCommit ? commit : beforeApplyCommit;
}
