// What a list of index updates does to a tree, folder by folder, by the rules git's index
// follows (`update-index --index-info`, then `write-tree`), and the rebuild of those folders.
// The two in-process tree builders (objects.ts, on parsed listings, written here or by git's
// mktree; folderListings.ts, patching raw tree bytes) both plan and rebuild with this, so that
// they cannot disagree with each other or with git on an odd mix of updates (a file deleted
// together with a path below it, a file replaced by a folder, a folder left empty).

/** An index update as objects.ts has it (IndexUpdate): a path, with a mode and id to write, without to delete. */
interface PathUpdate {
  readonly path: string;
  readonly mode?: string;
  readonly sha?: string;
}

/** A file written, an entry deleted (null), or a folder below with changes of its own. */
type EntryChange = { mode: string; sha: string } | null | 'subtree';

export interface TreeEditPlan {
  /** folder ('' = root) → entry name → change; the folders to rebuild are its keys */
  readonly changes: Map<string, Map<string, EntryChange>>;
  /** folder → names deleted there: the file goes even where a change below made the name a 'subtree' */
  readonly deleted: Map<string, Set<string>>;
}

const isWrite = (u: PathUpdate): u is PathUpdate & { mode: string; sha: string } => Boolean(u.sha && u.mode);
const isFileWrite = (c: EntryChange | undefined): boolean => typeof c === 'object' && c !== null;

export function planTreeEdits(updates: readonly PathUpdate[]): TreeEditPlan {
  const changes = new Map<string, Map<string, EntryChange>>();
  const deleted = new Map<string, Set<string>>();
  const at = (dir: string) => {
    let m = changes.get(dir);
    if (!m) changes.set(dir, (m = new Map()));
    return m;
  };
  // Writes first, so that a deletion below a path written as a file is seen to be moot.
  for (const u of [...updates.filter(isWrite), ...updates.filter((x) => !isWrite(x))]) {
    const parts = u.path.split('/');
    const name = parts.pop() as string;
    if (!isWrite(u) && parts.some((_, i) => isFileWrite(changes.get(parts.slice(0, i).join('/'))?.get(parts[i] as string)))) continue;
    const dir = parts.join('/');
    const own = at(dir);
    if (!isWrite(u)) {
      const names = deleted.get(dir) ?? new Set<string>();
      deleted.set(dir, names.add(name));
      if (own.get(name) === 'subtree') continue; // the folder below is rebuilt; the file goes (entryEdit)
    }
    own.set(name, isWrite(u) ? { mode: u.mode, sha: u.sha } : null);
    // Every folder above has a change below it; a file written there is replaced by the folder.
    for (let i = parts.length; i > 0; i--) at(parts.slice(0, i - 1).join('/')).set(parts[i - 1] as string, 'subtree');
  }
  return { changes, deleted };
}

/**
 * The edit to one entry of a rebuilt folder: the entry to set, null to remove it, undefined
 * to keep what is there. `old` is the entry in the base; `built` the rebuilt folder below
 * (for a 'subtree': its tree id, or null when it ended empty).
 */
function entryEdit(
  change: EntryChange,
  old: { readonly type: string } | undefined,
  built: string | null | undefined,
  deletedHere: boolean,
): EntryEdit | undefined {
  // Deleting removes a file or submodule at that path, never a whole folder, as in the index.
  if (change === null) return old && old.type !== 'tree' ? null : undefined;
  if (change !== 'subtree') return change;
  if (built) return { mode: '040000', sha: built };
  // An emptied folder goes; so does a file deleted where only deletions reach below it.
  return old && (old.type === 'tree' || deletedHere) ? null : undefined;
}

/** The depth of a folder path ('' is the root, 0): folders are rebuilt deepest first. */
const folderDepth = (dir: string): number => (dir === '' ? 0 : dir.split('/').length);

/** An entry set in a rebuilt folder, or null where one goes. */
export type EntryEdit = { mode: string; sha: string } | null;

/** One folder of the base, as a tree builder holds it: what the rebuild asks of it, and how it is written. */
export interface FolderToRebuild {
  /** How many entries the folder has in the base (0 when it is not there). */
  readonly size: number;
  /** Its entry named `name` in the base. */
  get(name: string): { readonly type: string } | undefined;
  /** Writes it with `edits` applied (by name; null removes), resolving to its tree id. */
  write(edits: ReadonlyMap<string, EntryEdit>): Promise<string>;
}

/**
 * Rebuilds the planned folders, deepest first (the folders of one depth at once): each from
 * its base (`folderOf`) with the plan's edits, its rebuilt subfolders included. A folder left
 * empty goes from its parent, as in git. Resolves to the new root tree id.
 */
export async function rebuildFolders(plan: TreeEditPlan, folderOf: (dir: string) => FolderToRebuild): Promise<string> {
  const built = new Map<string, string | null>(); // folder → its new tree id, null when empty
  const dirs = [...plan.changes.keys()].sort((a, b) => folderDepth(b) - folderDepth(a));
  for (let i = 0; i < dirs.length; ) {
    const level = folderDepth(dirs[i] as string);
    const batch: string[] = [];
    while (i < dirs.length && folderDepth(dirs[i] as string) === level) batch.push(dirs[i++] as string);
    await Promise.all(
      batch.map(async (dir) => {
        const folder = folderOf(dir);
        const edits = new Map<string, EntryEdit>();
        let removed = 0;
        let added = 0;
        for (const [name, change] of plan.changes.get(dir) as Map<string, EntryChange>) {
          const old = folder.get(name);
          const edit = entryEdit(change, old, built.get(dir ? `${dir}/${name}` : name), plan.deleted.get(dir)?.has(name) ?? false);
          if (edit === undefined) continue;
          if (old) removed++;
          if (edit) added++;
          edits.set(name, edit);
        }
        if (folder.size - removed + added === 0 && dir !== '') built.set(dir, null);
        else built.set(dir, await folder.write(edits));
      }),
    );
  }
  return built.get('') as string;
}
