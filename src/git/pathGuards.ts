// What stands above a path, the way git models it: apply and undo never write into a
// submodule (a gitlink, mode 160000) nor through a symbolic link (mode 120000) that the
// user has where the tasks' results have a folder. Read from the user's snapshot (tracked
// and untracked files alike) through the run's cat-file process, then from the disk for
// folders the snapshot does not have (an ignored link, or a file git ignores).
import { promises as fsp } from 'node:fs';
import type { ObjectReader } from './catFileBatch';
import { absPath } from './worktreeFiles';

export interface Blocker {
  /** The ancestor folder path that is not a folder. */
  readonly path: string;
  readonly kind: 'submodule' | 'symlink' | 'file';
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function kindOfMode(mode: string): Blocker['kind'] | undefined {
  if (mode === '040000') return undefined;
  if (mode === '160000') return 'submodule';
  if (mode === '120000') return 'symlink';
  return 'file';
}

/**
 * For each of `paths` that has one, its topmost ancestor that is not a folder: in the
 * snapshot `commit` (the user's working tree), else on disk. Paths the snapshot holds
 * need no look-up (their folders are folders); the others cost one pipe round trip per
 * folder and an lstat per folder the snapshot lacks.
 */
export async function findBlockers(
  reader: ObjectReader,
  root: string,
  commit: string,
  paths: readonly string[],
  inSnapshot: (p: string) => boolean,
): Promise<Map<string, Blocker>> {
  const list = paths.filter((p) => p.includes('/') && !inSnapshot(p));
  const folders = new Set<string>();
  for (const p of list) for (let d = parentOf(p); d; d = parentOf(d)) folders.add(parentOf(d));
  // one request per folder, all in flight at once on the reader's pipe
  const listings = new Map<string, Map<string, string> | undefined>();
  await Promise.all(
    [...folders].map(async (f) => {
      const entries = await reader.readFolder(commit, f);
      listings.set(f, entries && new Map(entries.map((e) => [e.path, e.mode])));
    }),
  );
  const out = new Map<string, Blocker>();
  const onDisk = new Map<string, string[]>(); // path → its ancestors the snapshot does not have
  for (const p of list) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const mode = listings.get(parentOf(dir))?.get(parts[i - 1] as string);
      if (mode === undefined) {
        onDisk.set(p, Array.from({ length: parts.length - i }, (_, k) => parts.slice(0, i + k).join('/')));
        break;
      }
      const kind = kindOfMode(mode);
      if (kind) {
        out.set(p, { path: dir, kind });
        break;
      }
    }
  }
  const kinds = new Map<string, Promise<Blocker['kind'] | undefined>>();
  const diskKind = (dir: string) => {
    let k = kinds.get(dir);
    if (!k) {
      k = fsp.lstat(absPath(root, dir)).then(
        (st) => (st.isDirectory() ? undefined : st.isSymbolicLink() ? 'symlink' : 'file'),
        () => undefined,
      );
      kinds.set(dir, k);
    }
    return k;
  };
  await Promise.all(
    [...onDisk].map(async ([p, dirs]) => {
      const found = await Promise.all(dirs.map(diskKind));
      const i = found.findIndex((k) => k !== undefined);
      if (i >= 0) out.set(p, { path: dirs[i] as string, kind: found[i] as Blocker['kind'] });
    }),
  );
  return out;
}

export function describeBlocker(b: Blocker, who: 'apply' | 'undo' = 'apply'): string {
  if (b.kind === 'submodule') return `inside the submodule ${b.path}: ${who} never writes into a submodule (update it with git inside it)`;
  if (b.kind === 'symlink') return `${b.path} is a symbolic link in the working tree: ${who} does not write through it, the link was left as it is`;
  return `${b.path} is a file in the working tree, not a folder`;
}
