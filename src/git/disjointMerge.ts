// The merge of two dependency results computed here, without a `git merge-tree` process,
// for the case where the answer cannot differ from git's: one merge base (found by walking
// the few commits of the run through the run's cat-file process), and the two sides only
// add or modify files, at paths disjoint from each other's (no file of one side is a folder
// of the other). Then every path's 3-way merge is trivial (one side's version), there is no
// rename (a rename needs a deleted source) and no directory rename, so git's tree is the
// merge base's tree with both sides' changes — written here like git writes trees
// (looseObjects.ts). Anything else — deletions, several merge bases, a long history to
// walk, a folder turning into a file, a name that is not UTF-8 — answers undefined, and
// the caller asks git.
import type { ObjectReader } from './catFileBatch';
import { canWriteObjects } from './looseObjects';
import { parseTreeObject, treeWithUpdatesIncremental, type IndexUpdate, type TreeEntry } from './objects';
import type { GitRepo } from './repo';

/** More commits than this on the walk to the merge base: leave it to git. */
const WALK_LIMIT = 256;

/** The merged tree of `ours` and `theirs` (commit shas), or undefined when git has to decide. */
export async function disjointMergeTree(
  repo: GitRepo,
  reader: ObjectReader,
  runBase: string,
  ours: string,
  theirs: string,
): Promise<string | undefined> {
  if (!(await canWriteObjects(repo))) return undefined;
  const graph = new CommitGraph(reader, runBase);
  const base = await graph.mergeBase(ours, theirs);
  if (!base) return undefined;
  const [baseTree, oursTree, theirsTree] = await Promise.all([base, ours, theirs].map((c) => graph.treeOf(c)));
  if (!baseTree || !oursTree || !theirsTree) return undefined;
  const [mine, other] = await Promise.all([addsAndEdits(reader, baseTree, oursTree), addsAndEdits(reader, baseTree, theirsTree)]);
  if (!mine || !other || !disjoint(mine, other)) return undefined;
  // Apply the smaller side's changes to the other side's tree (the same tree either way).
  const [onto, changes] = mine.size <= other.size ? [theirs, mine] : [ours, other];
  if (changes.size === 0) return graph.treeOf(onto);
  const updates: IndexUpdate[] = [...changes].map(([path, e]) => ({ path, mode: e.mode, sha: e.sha }));
  return treeWithUpdatesIncremental(repo, onto, updates, (treeish, dir) => reader.readFolder(treeish, dir));
}

interface CommitInfo {
  readonly tree: string;
  readonly parents: readonly string[];
}

/**
 * The commits of a run, down to its base: the walk does not go past `runBase` (its
 * ancestors are ancestors of every commit of the run, so none of them is a merge base
 * when `runBase` is a common ancestor — which mergeBase requires). Stopping there can only
 * leave a common ancestor undominated, i.e. find more merge bases (and give up), never fewer.
 */
class CommitGraph {
  private readonly commits = new Map<string, Promise<CommitInfo | undefined>>();
  constructor(
    private readonly reader: ObjectReader,
    private readonly runBase: string,
  ) {}

  commit(sha: string): Promise<CommitInfo | undefined> {
    let p = this.commits.get(sha);
    if (!p) {
      p = this.reader.read(sha).then((o) => (o?.type === 'commit' ? parseCommit(o.content) : undefined));
      this.commits.set(sha, p);
    }
    return p;
  }

  async treeOf(sha: string): Promise<string | undefined> {
    return (await this.commit(sha))?.tree;
  }

  /** Every ancestor of `tip` (itself included), or undefined past WALK_LIMIT commits or an unreadable one. */
  private async ancestors(tip: string): Promise<Set<string> | undefined> {
    const seen = new Set<string>([tip]);
    let frontier = [tip];
    while (frontier.length) {
      const infos = await Promise.all(frontier.map((c) => this.commit(c)));
      const next: string[] = [];
      for (const [i, info] of infos.entries()) {
        if (!info) return undefined;
        if (frontier[i] === this.runBase) continue;
        for (const p of info.parents) {
          if (seen.has(p)) continue;
          seen.add(p);
          next.push(p);
        }
      }
      if (seen.size > WALK_LIMIT) return undefined;
      frontier = next;
    }
    return seen;
  }

  /** The one best common ancestor, or undefined when there are none, several, or the walk is too long. */
  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const [ofA, ofB] = await Promise.all([this.ancestors(a), this.ancestors(b)]);
    if (!ofA || !ofB || !ofA.has(this.runBase) || !ofB.has(this.runBase)) return undefined;
    const common = [...ofA].filter((c) => ofB.has(c));
    // A common ancestor that is a strict ancestor of another common one is not a merge base.
    const dominated = new Set<string>();
    for (const c of common) {
      if (c === this.runBase) continue;
      const info = await this.commit(c);
      for (const p of info?.parents ?? []) {
        const below = await this.ancestors(p);
        if (!below) return undefined;
        for (const x of below) dominated.add(x);
      }
    }
    const bases = common.filter((c) => !dominated.has(c));
    return bases.length === 1 ? bases[0] : undefined;
  }
}

function parseCommit(content: Buffer): CommitInfo | undefined {
  const end = content.indexOf('\n\n');
  const header = content.toString('latin1', 0, end < 0 ? content.length : end).split('\n');
  const tree = header[0]?.startsWith('tree ') ? header[0].slice(5) : undefined;
  if (!tree) return undefined;
  const parents: string[] = [];
  for (const line of header.slice(1)) {
    if (!line.startsWith('parent ')) break;
    parents.push(line.slice(7));
  }
  return { tree, parents };
}

type FileChanges = Map<string, TreeEntry>;

/**
 * The files added or modified from `from` to `to` (trees), by path; undefined when a file
 * was deleted, a file became a folder or the reverse, or a name is not UTF-8.
 */
async function addsAndEdits(reader: ObjectReader, from: string | undefined, to: string, prefix = '', out: FileChanges = new Map()): Promise<FileChanges | undefined> {
  const [before, after] = await Promise.all([from ? readTree(reader, from) : [], readTree(reader, to)]);
  if (!before || !after) return undefined;
  const old = new Map(before.map((e) => [e.path, e]));
  if (after.length < old.size) return undefined;
  const sub: Promise<FileChanges | undefined>[] = [];
  let kept = 0;
  for (const e of after) {
    if (e.path.includes('\uFFFD')) return undefined;
    const o = old.get(e.path);
    if (o) kept++;
    if (o && o.sha === e.sha && o.mode === e.mode) continue;
    if (o && (o.type === 'tree') !== (e.type === 'tree')) return undefined;
    const path = prefix + e.path;
    if (e.type === 'tree') sub.push(addsAndEdits(reader, o?.sha, e.sha, `${path}/`, out));
    else out.set(path, e);
  }
  if (kept !== old.size) return undefined; // something was deleted
  for (const r of await Promise.all(sub)) if (!r) return undefined;
  return out;
}

async function readTree(reader: ObjectReader, sha: string): Promise<TreeEntry[] | undefined> {
  const o = await reader.read(sha);
  return o?.type === 'tree' ? parseTreeObject(o.content) : undefined;
}

/** No path changed on both sides, and no file of one side is a folder on the other's paths. */
function disjoint(a: FileChanges, b: FileChanges): boolean {
  const foldersOf = (m: FileChanges) => {
    const s = new Set<string>();
    for (const p of m.keys()) for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) s.add(p.slice(0, i));
    return s;
  };
  const [fa, fb] = [foldersOf(a), foldersOf(b)];
  for (const p of a.keys()) if (b.has(p) || fb.has(p)) return false;
  for (const p of b.keys()) if (fa.has(p)) return false;
  return true;
}
