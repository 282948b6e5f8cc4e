// Folder listings read once per tree id, for one apply or undo, and the after-apply tree
// written from them. The run base, the before-apply capture and the after-apply tree share
// almost every folder (the user edits a few files while a run works; the results touch the
// same folders): each is read through the run's cat-file process and scanned once, not once
// per side, and a changed folder is written by patching its raw bytes (issue 14 §3: parsing
// 2 × 400 folders, and serialising 400 of them again, were most of node's own time).
//
// A tree id names its content, so what is cached can never be stale; a path inside a tree
// is resolved by walking cached listings, as git resolves `<tree>:<path>`.
import type { ObjectReader } from './catFileBatch';
import { canWriteObjects, writeLooseObject } from './looseObjects';
import { parseTreeObject, treeWithUpdates, type IndexUpdate, type TreeEntry } from './objects';
import type { GitRepo } from './repo';
import { planTreeEdits, rebuildFolders } from './treeEditPlan';

/** What reads folders: an ObjectReader, or a FolderListings in front of one. */
export interface FolderSource {
  /** One folder's entries (non-recursive) in a commit's or tree's tree; undefined when it is not a folder there. */
  readFolder(treeish: string, folder: string): Promise<readonly TreeEntry[] | undefined>;
}

const SLASH = Buffer.from('/');

/**
 * A tree object's bytes, scanned for where each entry starts, where its mode ends and where
 * its name ends; names, ids and entry objects are made only for the entries asked for
 * (looked up by binary search: git keeps a tree's entries sorted).
 */
export class RawTree {
  /** per entry: its offset, the space after its mode, the NUL after its name (the 20-byte id follows) */
  private readonly starts: number[] = [];
  private readonly spaces: number[] = [];
  private readonly nuls: number[] = [];
  private parsed: TreeEntry[] | undefined;

  constructor(readonly raw: Buffer) {
    let i = 0;
    while (i < raw.length) {
      const space = raw.indexOf(0x20, i);
      const nul = raw.indexOf(0, space);
      if (space < 0 || nul < 0 || nul + 21 > raw.length) break;
      this.starts.push(i);
      this.spaces.push(space);
      this.nuls.push(nul);
      i = nul + 21;
    }
  }

  get size(): number {
    return this.starts.length;
  }

  /** The entry named `name` (its path is the name), if any. */
  get(name: string): TreeEntry | undefined {
    const bytes = Buffer.from(name, 'utf8');
    // a file sorts by its name, a folder by its name and '/'
    let k = this.find(bytes, false);
    if (k === undefined) k = this.find(Buffer.concat([bytes, SLASH]), true);
    if (k === undefined) return undefined;
    if (this.parsed) return this.parsed[k];
    // as parseTreeObject reads it
    const nul = this.nuls[k] as number;
    const mode = this.raw.toString('latin1', this.starts[k], this.spaces[k]).padStart(6, '0');
    const type: TreeEntry['type'] = mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
    return { mode, type, sha: this.raw.toString('hex', nul + 1, nul + 21), path: name };
  }

  /** Every entry, as parseTreeObject reads them. */
  entries(): TreeEntry[] {
    this.parsed ??= parseTreeObject(this.raw);
    return this.parsed;
  }

  /** The entry whose sort key is `key` and whose kind (folder or not) is `folder`. */
  private find(key: Buffer, folder: boolean): number | undefined {
    const k = this.position(key);
    if (k === 0) return undefined;
    const c = k - 1;
    return this.isFolder(c) === folder && this.compareAt(c, key) === 0 ? c : undefined;
  }

  /** How many entries sort before or at `key`. */
  private position(key: Buffer): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareAt(mid, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private isFolder(k: number): boolean {
    return (this.spaces[k] as number) - (this.starts[k] as number) === 5 && this.raw[this.starts[k] as number] === 0x34; // "40000"
  }

  /** Entry k's sort key (its name, with '/' after a folder's) compared with `key`, bytewise, without copying it. */
  private compareAt(k: number, key: Buffer): number {
    const from = (this.spaces[k] as number) + 1;
    const n = (this.nuls[k] as number) - from;
    const m = Math.min(n, key.length);
    const c = this.raw.compare(key, 0, m, from, from + m);
    if (c !== 0) return c;
    const folder = this.isFolder(k);
    if (n > key.length) return 1;
    if (n === key.length) return folder ? 1 : 0;
    if (!folder) return -1;
    const slash = 0x2f - (key[n] as number);
    if (slash !== 0) return slash < 0 ? -1 : 1;
    return key.length === n + 1 ? 0 : -1;
  }

  /**
   * This tree with the entries named in `changes` replaced (an entry), removed (null) or
   * added, in git's order (a folder sorts as if its name ended in '/'). The unchanged entries
   * are copied as they are, in runs.
   */
  patched(changes: ReadonlyMap<string, { mode: string; sha: string } | null>): Buffer {
    // cuts in the raw bytes, in order: an entry left out, or a record put in before entry `at`
    const cuts: Array<{ at: number; record?: Buffer; key?: Buffer }> = [];
    for (const [name, c] of changes) {
      const bytes = Buffer.from(name, 'utf8');
      const old = this.find(bytes, false) ?? this.find(Buffer.concat([bytes, SLASH]), true);
      if (old !== undefined) cuts.push({ at: old });
      if (!c) continue;
      const mode = c.mode.replace(/^0+/, '');
      const key = mode === '40000' ? Buffer.concat([bytes, SLASH]) : bytes;
      cuts.push({ at: this.position(key), key, record: Buffer.concat([Buffer.from(`${mode} `), bytes, Buffer.from([0]), Buffer.from(c.sha, 'hex')]) });
    }
    // at the same place, records first (in key order), then the entry left out
    cuts.sort((a, b) => a.at - b.at || (a.key ? (b.key ? Buffer.compare(a.key, b.key) : -1) : b.key ? 1 : 0));
    const parts: Buffer[] = [];
    let run = 0; // start of the raw bytes not yet copied
    for (const cut of cuts) {
      const offset = cut.at < this.starts.length ? (this.starts[cut.at] as number) : this.raw.length;
      parts.push(this.raw.subarray(run, offset));
      if (cut.record) {
        parts.push(cut.record);
        run = offset;
      } else run = (this.nuls[cut.at] as number) + 21;
    }
    parts.push(this.raw.subarray(run));
    return Buffer.concat(parts);
  }
}

export class FolderListings implements FolderSource {
  /** tree id → its listing (undefined: not a tree) */
  private readonly trees = new Map<string, Promise<RawTree | undefined>>();
  /** commit or tree → its root tree id */
  private readonly roots = new Map<string, Promise<string | undefined>>();

  constructor(private readonly reader: ObjectReader) {}

  async readFolder(treeish: string, folder: string): Promise<readonly TreeEntry[] | undefined> {
    return (await this.folder(treeish, folder))?.entries();
  }

  /** The listing of `folder` ('' for the root) in a commit's or tree's tree. */
  async folder(treeish: string, folder: string): Promise<RawTree | undefined> {
    let sha = await this.rootOf(treeish);
    if (folder) {
      for (const name of folder.split('/')) {
        const e = sha ? (await this.tree(sha))?.get(name) : undefined;
        sha = e && e.mode === '040000' ? e.sha : undefined;
      }
    }
    return sha ? this.tree(sha) : undefined;
  }

  /** The commit `rev` names (e.g. HEAD), through the reader's cat-file process rather than a git process of its own. */
  async commitOf(rev: string): Promise<string | undefined> {
    const o = await this.reader.read(rev);
    return o && o.type === 'commit' ? o.sha : undefined;
  }

  /** The root tree id of a commit or tree, undefined when there is none. */
  rootOf(treeish: string): Promise<string | undefined> {
    if (this.trees.has(treeish)) return Promise.resolve(treeish);
    let root = this.roots.get(treeish);
    if (!root) {
      root = this.reader.read(`${treeish}^{tree}`).then((o) => {
        if (!o || o.type !== 'tree') return undefined;
        if (!this.trees.has(o.sha)) this.trees.set(o.sha, Promise.resolve(new RawTree(o.content)));
        return o.sha;
      });
      this.roots.set(treeish, root);
      root.catch(() => this.roots.delete(treeish));
    }
    return root;
  }

  /** The listing of tree `sha`, undefined when it is not a tree. */
  tree(sha: string): Promise<RawTree | undefined> {
    let t = this.trees.get(sha);
    if (!t) {
      t = this.reader.read(sha).then((o) => (o && o.type === 'tree' ? new RawTree(o.content) : undefined));
      this.trees.set(sha, t);
      t.catch(() => this.trees.delete(sha));
    }
    return t;
  }

  /**
   * `base` (a tree) with `updates`, exactly as `git update-index --index-info` and
   * `write-tree` on an index holding `base` would make it: a write below a path replaces the
   * file there by a folder, a deletion removes a file or submodule (never a folder), a folder
   * left empty disappears. Only the folders on the updates' paths are rebuilt, each from its
   * listing here (read when not cached), and written as a loose object. Where this process
   * may not write objects (looseObjects.ts), git's route (objects.ts) does it.
   */
  async treeWith(repo: GitRepo, base: string, updates: readonly IndexUpdate[]): Promise<string> {
    // (git's route reads the folders with ls-tree: this scan knows SHA-1 ids only)
    if (!(await canWriteObjects(repo))) return treeWithUpdates(repo, base, updates);
    if (updates.length === 0) return (await this.rootOf(base)) as string;
    const plan = planTreeEdits(updates);
    const dirs = [...plan.changes.keys()];
    const listed = await Promise.all(dirs.map((d) => this.folder(base, d)));
    const listingOf = new Map(dirs.map((d, i) => [d, listed[i] ?? new RawTree(Buffer.alloc(0))]));
    return rebuildFolders(plan, (dir) => {
      const listing = listingOf.get(dir) as RawTree;
      return {
        size: listing.size,
        get: (name) => listing.get(name),
        write: (edits) => writeLooseObject(repo, 'tree', edits.size ? listing.patched(edits) : listing.raw),
      };
    });
  }
}
