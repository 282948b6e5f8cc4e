// Snapshots of the working tree as it is: tracked changes, staged changes and
// untracked-not-ignored files, committed through a temporary index (GIT_INDEX_FILE).
// The user's index, HEAD, branches, stash and files are never touched.
//
// The temp index starts as a copy of the user's index, so `git add -A` only rehashes
// files whose stat data changed: about the cost of `git status`.
//
// Stat data alone cannot see a file rewritten with the same size in the second the index
// was written. git re-reads such "racily clean" entries: those whose mtime is not older
// than the index file's own mtime. The copy must therefore carry the user's index's mtime
// (a plain copy gets a new one, and git would trust every entry: issue 10 §0, a user's
// edit overwritten by apply without a conflict).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { GitError } from './errors';
import { commitTree, QUIET_WRITE_CONFIG, withTempIndex } from './objects';
import type { GitRepo } from './repo';

export interface WorkingTreeCapture {
  readonly commit: string;
  readonly tree: string;
}

/** Commits the working tree as it is (parent: HEAD, when there is one). Writes no ref. */
export async function captureWorkingTree(repo: GitRepo, message: string): Promise<WorkingTreeCapture> {
  const head = await repo.resolveCommit('HEAD');
  const tree = await withTempIndex(repo, async (indexFile) => {
    await copyIndexForRacyCheck(path.join(repo.gitDir, 'index'), indexFile);
    const env = { GIT_INDEX_FILE: indexFile };
    try {
      await repo.exec([...QUIET_WRITE_CONFIG, 'add', '-A', '--', '.'], { env });
    } catch (e) {
      if (e instanceof GitError) {
        throw new GitError(
          `Could not snapshot the working tree of ${repo.root}: ${(e.stderr ?? e.message).trim()}. Fix the file named above (permissions?) and try again.`,
          e.command,
          e.stderr,
          e.exitCode,
        );
      }
      throw e;
    }
    return (await repo.git(['write-tree'], { env })).trim();
  });
  const commit = await commitTree(repo, tree, head ? [head] : [], message);
  return { commit, tree };
}

/**
 * Copies an index so that git's racy-git check still works on the copy: the copy's mtime
 * is the original's, rounded down to the second. Rounding down only makes more entries
 * racy (re-read, never trusted), and holds whether git compares nanoseconds or seconds.
 * The time is read before the bytes: an index replaced in between (git writes it by
 * rename) gives newer entries with an older time, which again only means more re-reads.
 * A missing index is no index.
 */
async function copyIndexForRacyCheck(from: string, to: string): Promise<void> {
  try {
    const st = await fsp.stat(from);
    await fsp.copyFile(from, to);
    await fsp.utimes(to, st.atime, Math.floor(st.mtimeMs / 1000));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await fsp.rm(to, { force: true });
  }
}

