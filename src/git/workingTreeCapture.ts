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
import { lstatSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { GitError } from './errors';
import type { ObjectReader } from './catFileBatch';
import { FolderListings } from './folderListings';
import { headCommit } from './headCommit';
import { makeTempDir } from './fsutil';
import { canWriteObjects } from './looseObjects';
import { commitTree, QUIET_WRITE_CONFIG, treeWithUpdates, updateIndex, withTempIndex, type IndexUpdate, type TreeEntry } from './objects';
import { runGitChain, type GitRepo } from './repo';
import { absPath, yielder } from './worktreeFiles';

export interface WorkingTreeCapture {
  readonly commit: string;
  readonly tree: string;
}

/**
 * Commits the working tree as it is (parent: HEAD, when there is one). Writes no ref.
 * `whileAdding`: called once `git add` runs, the longest wait of the capture (a moment for
 * the caller's own spawns, which block the event loop, to happen during it), with a promise
 * that settles when it has read the working tree.
 */
export async function captureWorkingTree(repo: GitRepo, message: string, whileAdding?: (added: Promise<unknown>) => void): Promise<WorkingTreeCapture> {
  // Read while the working tree is added: the parent is HEAD as the snapshot starts either way.
  const heading = headCommit(repo);
  heading.catch(() => undefined);
  const tree = await withTempIndex(repo, async (indexFile) => {
    await copyIndexForRacyCheck(path.join(repo.gitDir, 'index'), indexFile);
    const env = { GIT_INDEX_FILE: indexFile };
    try {
      // One process start for both (runGitChain): add, then the tree of what it added.
      const adding = runGitChain([[...QUIET_WRITE_CONFIG, 'add', '-A', '--', '.'], ['write-tree']], repo.root, { env });
      whileAdding?.(adding);
      return (await adding).stdout.toString('utf8').trim();
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
  });
  const head = await heading;
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


/** A capture for an apply or undo: the tree, and the entries of the paths asked for. */
export interface PathsCapture extends WorkingTreeCapture {
  /**
   * The captured entries (folders included) at the paths asked for and at every folder
   * above them. A path absent here is absent from the capture.
   */
  readonly entries: ReadonlyMap<string, TreeEntry>;
  /** Whether only those paths were captured (else the whole working tree was). */
  readonly scoped: boolean;
  /** The captured tree with these updates (call it once): git writes it from the capture's index. */
  treeWith(updates: readonly IndexUpdate[]): Promise<string>;
  /** Removes the capture's temp index. */
  dispose(): Promise<void>;
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

type DiskKind = 'missing' | 'file' | 'symlink' | 'folder' | 'repo' | 'other';

/** What is on disk at a path (synchronous: see writeWorkingFile for why). */
function diskKind(root: string, rel: string, folderCheck: boolean): DiskKind {
  let st: import('node:fs').Stats | undefined;
  try {
    st = lstatSync(absPath(root, rel), { throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return 'missing';
    throw e;
  }
  if (!st) return 'missing';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFile()) return 'file';
  if (!st.isDirectory()) return 'other';
  if (!folderCheck) return 'folder';
  return lstatSync(absPath(root, `${rel}/.git`), { throwIfNoEntry: false }) ? 'repo' : 'folder';
}

/**
 * What apply and undo need of the working tree: the paths they write, as `git add -A` would
 * record them, and what the folders above those paths are. Capturing only those paths costs
 * about as many file-system calls as there are paths, where the whole tree costs a
 * `git status` (issue 14 §3): the user's index is copied (racy timestamps kept, see
 * copyIndexForRacyCheck), `git update-index --add --remove --replace` records the paths and
 * the non-folders above them from the disk, exactly as `add` does (stat data, racy entries
 * re-read, clean filters, modes, symlinks), and the untracked ones that git ignores
 * (`check-ignore`), which `add -A` leaves out, are taken out again. The rest of the tree
 * is the user's index.
 *
 * Wherever the disk around the paths is not plain files and folders (a folder where a path
 * is, a nested repository, a folder where the index has a file, a special file) or git
 * refuses, the whole working tree is captured instead (captureWorkingTree): slower, never
 * different.
 */
export async function captureWorkingTreePaths(
  repo: GitRepo,
  source: ObjectReader | FolderListings,
  paths: readonly string[],
  message: string,
): Promise<PathsCapture> {
  const reader = listingsOf(source);
  const full = async (): Promise<PathsCapture> => {
    const c = await captureWorkingTree(repo, message);
    return {
      ...c,
      entries: await entriesAt(reader, c.commit, paths),
      scoped: false,
      treeWith: (updates) => reader.treeWith(repo, c.tree, updates),
      dispose: async () => undefined,
    };
  };
  const folders = new Set<string>();
  for (const p of paths) for (let d = parentOf(p); d; d = parentOf(d)) folders.add(d);
  const breathe = yielder();
  const folderKinds = new Map<string, DiskKind>();
  for (const d of folders) {
    folderKinds.set(d, diskKind(repo.root, d, true));
    await breathe();
  }
  const input: string[] = []; // paths update-index records from the disk
  const present: string[] = []; // those of them that exist (ignored ones come out again)
  const plainFolders: string[] = [];
  for (const [d, kind] of folderKinds) {
    if (kind === 'repo' || kind === 'other') return full();
    if (kind === 'folder') plainFolders.push(d);
    else {
      input.push(d);
      if (kind !== 'missing') present.push(d);
    }
  }
  const beyond = (p: string) => {
    for (let d = parentOf(p); d; d = parentOf(d)) if (folderKinds.get(d) === 'file' || folderKinds.get(d) === 'symlink') return true;
    return false;
  };
  const pathKinds = new Map<string, DiskKind>();
  for (const p of paths) {
    if (beyond(p)) continue;
    pathKinds.set(p, diskKind(repo.root, p, false));
    await breathe();
  }
  for (const [p, kind] of pathKinds) {
    if (kind === 'folder' || kind === 'other') return full();
    input.push(p);
    if (kind !== 'missing') present.push(p);
  }
  const z = (list: readonly string[]) => list.map((p) => `${p}\0`).join('');
  let tree: string;
  const head = reader.commitOf('HEAD');
  head.catch(() => undefined); // awaited below; not unhandled when the capture falls back first
  const dir = await makeTempDir(repo.stateDir, 'index');
  const dispose = () => fsp.rm(dir, { recursive: true, force: true });
  const indexFile = path.join(dir, 'index');
  const env = { GIT_INDEX_FILE: indexFile };
  try {
    tree = await (async () => {
      await copyIndexForRacyCheck(path.join(repo.gitDir, 'index'), indexFile);
      const nul = (b: Buffer) => b.toString('utf8').split('\0').filter(Boolean);
      const [, matched] = await Promise.all([
        repo.exec([...QUIET_WRITE_CONFIG, 'update-index', '--add', '--remove', '--replace', '-z', '--stdin'], { env, input: z(input) }),
        // which of the files match an ignore rule; then, of those few, which the user's index
        // tracks (a tracked file is never ignored). check-ignore's own index look-up is slow:
        // seconds for 400 paths on 100k files.
        present.length ? repo.exec(['check-ignore', '--no-index', '-z', '--stdin'], { input: z(present), okExitCodes: [1] }) : undefined,
      ]);
      const candidates = matched ? nul(matched.stdout) : [];
      const tracked = new Set(
        candidates.length ? nul((await repo.exec(['ls-files', '-z', '--', ...candidates.map((p) => `:(literal)${p}`)], { env: { GIT_OPTIONAL_LOCKS: '0' } })).stdout) : [],
      );
      const ignored = candidates.filter((p) => !tracked.has(p));
      if (ignored.length) await repo.exec(['update-index', '--force-remove', '-z', '--stdin'], { env, input: z(ignored) });
      return (await repo.git(['write-tree'], { env })).trim();
    })();
  } catch (e) {
    await dispose();
    if (e instanceof GitError) return full();
    throw e;
  }
  try {
    const h = await head;
    const commit = await commitTree(repo, tree, h ? [h] : [], message);
    const entries = await entriesAt(reader, commit, [...paths, ...folders]);
    // a folder on disk that the index has as a file or a link (replaced, not yet added)
    if (plainFolders.some((d) => entries.get(d) && !FOLDER_MODES.has((entries.get(d) as TreeEntry).mode))) {
      await dispose();
      return full();
    }
    const treeWith = async (updates: readonly IndexUpdate[]) => {
      // The folders the updates touch were all read for `entries`: rebuilt from those
      // listings and written here, without a second pass of git over the whole index. Where
      // this process may not write objects, the index holds the captured tree and git
      // rebuilds only the folders the updates touch.
      if (await canWriteObjects(repo)) return reader.treeWith(repo, tree, updates);
      try {
        await updateIndex(repo, indexFile, updates);
        return (await repo.git(['write-tree'], { env })).trim();
      } catch (e) {
        if (!(e instanceof GitError)) throw e;
        return treeWithUpdates(repo, tree, updates, (treeish, d) => reader.readFolder(treeish, d));
      }
    };
    return { commit, tree, entries, scoped: true, treeWith, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

const FOLDER_MODES = new Set(['040000', '160000']);

const listingsOf = (source: ObjectReader | FolderListings) => (source instanceof FolderListings ? source : new FolderListings(source));

/**
 * The entries (folders included) of a commit's tree at these paths: one read per folder,
 * by the folder's own id (a `commit:path` request makes git walk from the root each time),
 * none for a folder the FolderListings passed in has read already.
 */
export async function entriesAt(source: ObjectReader | FolderListings, commit: string, paths: readonly string[]): Promise<Map<string, TreeEntry>> {
  const listings = listingsOf(source);
  const wanted = new Map<string, Set<string>>(); // folder → names asked for in it
  const want = (p: string) => {
    const f = parentOf(p);
    const names = wanted.get(f);
    if (names) names.add(p.slice(f ? f.length + 1 : 0));
    else {
      wanted.set(f, new Set([p.slice(f ? f.length + 1 : 0)]));
      if (f) want(f); // its parent is read first, for the folder's id
    }
  };
  for (const p of paths) want(p);
  const out = new Map<string, TreeEntry>();
  if (paths.length === 0) return out;
  const read = async (folder: string, sha: string | undefined): Promise<void> => {
    const listing = sha === undefined ? undefined : await listings.tree(sha);
    if (!listing) return;
    const next: Array<Promise<void>> = [];
    for (const name of wanted.get(folder) as Set<string>) {
      const e = listing.get(name);
      if (!e) continue;
      const p = folder ? `${folder}/${name}` : name;
      out.set(p, { ...e, path: p });
      if (e.mode === '040000' && wanted.has(p)) next.push(read(p, e.sha));
    }
    await Promise.all(next);
  };
  await read('', await listings.rootOf(commit));
  return out;
}
