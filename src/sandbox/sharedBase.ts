// The run's base tree, materialised once on disk as the read-only bottom of every task's
// overlay, kept between runs under <git-common-dir>/parallel-agents/base/ and brought to the
// next run's base incrementally.
//
// Layout (decided so that a reader never sees a half-updated base, without copying a tree):
//   base/layers/<id>/   immutable folders. The first of a chain is a full checkout of a commit
//                       (`git read-tree` + `git checkout-index` into a temporary index, so
//                       filters, eol, symbolic links and modes are exactly a checkout's); each
//                       next one holds only the paths `git diff-tree old new` names: new
//                       content, and overlayfs whiteouts for deletions. A base is the stack of
//                       its chain, top first — which is what overlayfs takes as lowerdir.
//   base/current.json   { commit, layers } of the newest base, replaced atomically (rename).
//   base/index          the index of that commit (git's view for the next incremental step:
//                       attributes come from its .gitattributes, as in a checkout).
//   base/leases/*.json  the layers a live process is using (pid in the name); GC keeps them.
//   base/lock/          held while the base changes (baseLock.ts).
// A new layer is written under a temporary name and renamed into place, and only then does
// current.json name it, so a crash leaves at most an unreferenced folder that the next GC
// removes. After MAX_LAYERS incremental steps, the next base is a new full checkout (a long
// stack costs every path lookup a little).
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { treesOfCommits, type GitRepo } from '../git';
import { pidAlive, withBaseLock } from './baseLock';
import { makeWhiteouts } from './syscalls';

const MAX_LAYERS = 12;

interface CurrentBase {
  readonly commit: string;
  /** The commit's tree (absent in a base written before it was kept). */
  readonly tree?: string;
  /** Top first. */
  readonly layers: readonly string[];
}

export interface BaseUpdate {
  /** 'full': a new checkout; 'incremental': a layer with the changed paths; 'none': the base was already at the commit. */
  readonly kind: 'full' | 'incremental' | 'none';
  /** Paths written (content or whiteout) into the new layer. */
  readonly pathsWritten: number;
}

export type BaseEntryKind = 'file' | 'symlink' | 'folder';

export class SharedBase {
  private released = false;

  private constructor(
    readonly repo: GitRepo,
    readonly commit: string,
    /** Absolute layer folders, top first. */
    readonly layers: readonly string[],
    readonly update: BaseUpdate,
    private readonly leaseFile: string,
  ) {}

  /** `<git-common-dir>/parallel-agents/base`. */
  static dir(repo: GitRepo): string {
    return path.join(repo.stateDir, 'base');
  }

  /**
   * The shared base at `commit` (a full commit sha), created or brought there from the last
   * one incrementally; held for this process until release(). Safe with other processes doing
   * the same at once.
   */
  static async open(repo: GitRepo, commit: string): Promise<SharedBase> {
    const dir = SharedBase.dir(repo);
    mkdirSync(path.join(dir, 'layers'), { recursive: true });
    mkdirSync(path.join(dir, 'leases'), { recursive: true });
    return withBaseLock(path.join(dir, 'lock'), async () => {
      const current = readCurrent(dir);
      let next: CurrentBase;
      let update: BaseUpdate;
      const whole = current?.layers.every((l) => existsSync(path.join(dir, 'layers', l)));
      if (current && whole && (current.commit === commit || (await sameTree(repo, current, commit)))) {
        // Each run's base is a commit of its own; most have the tree of the run before.
        // current.json stays: its commit has this tree, so the next step's diff from it is the same.
        const leaseFile = leaseFor(dir);
        writeAtomically(leaseFile, JSON.stringify({ layers: current.layers }));
        return new SharedBase(repo, commit, current.layers.map((l) => path.join(dir, 'layers', l)), { kind: 'none', pathsWritten: 0 }, leaseFile);
      } else if (current && current.layers.length < MAX_LAYERS && existsSync(path.join(dir, 'index'))) {
        const built = await buildIncrementalLayer(repo, dir, current.commit, commit);
        next = { commit, layers: [built.id, ...current.layers] };
        update = { kind: 'incremental', pathsWritten: built.paths };
      } else {
        const built = await buildFullLayer(repo, dir, commit);
        next = { commit, layers: [built.id] };
        update = { kind: 'full', pathsWritten: built.paths };
      }
      writeAtomically(path.join(dir, 'current.json'), JSON.stringify({ ...next, tree: (await treesOfCommits(repo, [commit]))[0] }));
      const leaseFile = leaseFor(dir);
      writeAtomically(leaseFile, JSON.stringify({ layers: next.layers }));
      collectGarbage(dir, next.layers);
      return new SharedBase(repo, commit, next.layers.map((l) => path.join(dir, 'layers', l)), update, leaseFile);
    });
  }

  /** The layers' folders for the workspace at `workspaceRel` (repo-relative, '' for the root), top first. */
  lowerDirs(workspaceRel: string): string[] {
    const dirs = this.layers.map((l) => (workspaceRel ? path.join(l, workspaceRel) : l)).filter((d) => isFolder(d));
    // overlayfs needs at least one lower layer; an empty workspace folder has none in git.
    return dirs.length ? dirs : [this.layers[this.layers.length - 1] as string];
  }

  /** What the base has at a repo-relative path (the top layer that says anything wins; a whiteout says "nothing"). */
  entry(repoRel: string): BaseEntryKind | undefined {
    const parts = repoRel.split('/');
    for (const layer of this.layers) {
      let p = layer;
      for (let i = 0; i < parts.length; i++) {
        p = path.join(p, parts[i] as string);
        let st;
        try {
          st = lstatSync(p);
        } catch {
          st = undefined;
        }
        if (!st) break; // this layer says nothing about the path: look below
        const last = i === parts.length - 1;
        if (st.isCharacterDevice() && st.rdev === 0) return undefined; // whiteout
        if (!last && !st.isDirectory()) return undefined; // a file above the path hides what is below
        if (last) return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'folder' : 'file';
      }
    }
    return undefined;
  }

  /** The absolute file the base's content at `repoRel` comes from (for a file or symlink), if any. */
  source(repoRel: string): string | undefined {
    const kind = this.entry(repoRel);
    if (kind !== 'file' && kind !== 'symlink') return undefined;
    for (const layer of this.layers) {
      const p = path.join(layer, repoRel);
      try {
        lstatSync(p);
        return p;
      } catch {
        /* below */
      }
    }
    return undefined;
  }

  /** Lets GC remove this base's layers once no one else uses them. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    rmSync(this.leaseFile, { force: true });
  }
}

function isFolder(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A new lease file's name for this process. */
function leaseFor(dir: string): string {
  return path.join(dir, 'leases', `${process.pid}-${randomBytes(4).toString('hex')}.json`);
}

/** Whether `commit` has the tree of the current base (false when that cannot be told). */
async function sameTree(repo: GitRepo, current: CurrentBase, commit: string): Promise<boolean> {
  try {
    const [before, now] = current.tree !== undefined ? [current.tree, ...(await treesOfCommits(repo, [commit]))] : await treesOfCommits(repo, [current.commit, commit]);
    return before === now;
  } catch {
    return false;
  }
}

function readCurrent(dir: string): CurrentBase | undefined {
  try {
    const c = JSON.parse(readFileSync(path.join(dir, 'current.json'), 'utf8')) as CurrentBase;
    return typeof c.commit === 'string' && Array.isArray(c.layers) && c.layers.length ? c : undefined;
  } catch {
    return undefined;
  }
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function newLayerId(commit: string): string {
  return `${commit.slice(0, 12)}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Removes layers no current base and no live lease names, and leases of dead processes. */
function collectGarbage(dir: string, current: readonly string[]): void {
  const keep = new Set(current);
  const leases = path.join(dir, 'leases');
  for (const name of readdirSync(leases)) {
    const pid = Number(name.split('-')[0]);
    if (!pidAlive(pid)) {
      rmSync(path.join(leases, name), { force: true });
      continue;
    }
    try {
      for (const l of (JSON.parse(readFileSync(path.join(leases, name), 'utf8')) as { layers: string[] }).layers) keep.add(l);
    } catch {
      /* a lease being written: its layers are current ones */
    }
  }
  const layers = path.join(dir, 'layers');
  for (const name of readdirSync(layers)) {
    if (!keep.has(name)) rmSync(path.join(layers, name), { recursive: true, force: true });
  }
}

async function checkoutInto(repo: GitRepo, indexFile: string, folder: string, paths: readonly string[] | 'all'): Promise<void> {
  const env = { GIT_INDEX_FILE: indexFile };
  const prefix = `${folder}/`;
  if (paths === 'all') await repo.exec(['checkout-index', '-a', '-f', `--prefix=${prefix}`], { env });
  else if (paths.length) {
    await repo.exec(['checkout-index', '-f', '-z', '--stdin', `--prefix=${prefix}`], { env, input: paths.map((p) => `${p}\0`).join('') });
  }
}

async function buildFullLayer(repo: GitRepo, dir: string, commit: string): Promise<{ id: string; paths: number }> {
  const id = newLayerId(commit);
  const tmp = path.join(dir, 'layers', `.tmp-${id}`);
  const index = path.join(dir, `index.tmp-${id}`);
  mkdirSync(tmp, { recursive: true });
  try {
    await repo.exec(['read-tree', commit], { env: { GIT_INDEX_FILE: index } });
    await checkoutInto(repo, index, tmp, 'all');
    const count = (await repo.exec(['ls-files', '-z'], { env: { GIT_INDEX_FILE: index } })).stdout.toString('utf8').split('\0').filter(Boolean).length;
    renameSync(tmp, path.join(dir, 'layers', id));
    renameSync(index, path.join(dir, 'index'));
    return { id, paths: count };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(index, { force: true });
    throw e;
  }
}

interface TreeChange {
  readonly status: string;
  readonly newMode: string;
  readonly newSha: string;
  readonly path: string;
}

async function diffTrees(repo: GitRepo, from: string, to: string): Promise<TreeChange[]> {
  const out = (await repo.exec(['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', from, to])).stdout.toString('utf8');
  const fields = out.split('\0');
  const changes: TreeChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = fields[i] as string;
    if (!meta.startsWith(':')) break;
    const [, newMode, , newSha, status] = meta.slice(1).split(' ');
    changes.push({ status: (status ?? '').charAt(0), newMode: newMode ?? '', newSha: newSha ?? '', path: fields[i + 1] as string });
  }
  return changes;
}

/** Of the folders above deleted paths, those the new tree no longer has (one whiteout hides each whole). */
async function foldersGone(repo: GitRepo, to: string, deleted: readonly string[]): Promise<Set<string>> {
  const candidates = new Set<string>();
  for (const p of deleted) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) candidates.add(parts.slice(0, i).join('/'));
  }
  if (!candidates.size) return candidates;
  const list = [...candidates];
  const out = (await repo.exec(['cat-file', '--batch-check=%(objecttype)'], { input: list.map((c) => `${to}:${c}\n`).join('') })).stdout
    .toString('utf8')
    .split('\n');
  return new Set(list.filter((_, i) => (out[i] ?? '').endsWith('missing')));
}

async function buildIncrementalLayer(repo: GitRepo, dir: string, from: string, to: string): Promise<{ id: string; paths: number }> {
  const id = newLayerId(to);
  const tmp = path.join(dir, 'layers', `.tmp-${id}`);
  const index = path.join(dir, `index.tmp-${id}`);
  mkdirSync(tmp, { recursive: true });
  try {
    const changes = await diffTrees(repo, from, to);
    copyFileSync(path.join(dir, 'index'), index);
    const info = changes
      .map((c) => (c.status === 'D' ? `0 ${'0'.repeat(40)}\t${c.path}` : `${c.newMode} ${c.newSha}\t${c.path}`))
      .join('\0');
    if (changes.length) await repo.exec(['update-index', '-z', '--index-info'], { env: { GIT_INDEX_FILE: index }, input: `${info}\0` });

    const written = changes.filter((c) => c.status !== 'D' && c.newMode !== '160000').map((c) => c.path);
    const writtenSet = new Set(written);
    const writtenFolders = new Set<string>();
    for (const p of written) {
      const parts = p.split('/');
      for (let i = 1; i < parts.length; i++) writtenFolders.add(parts.slice(0, i).join('/'));
    }
    const deleted = changes.filter((c) => c.status === 'D').map((c) => c.path);
    const gone = await foldersGone(repo, to, deleted);
    const whiteouts = new Set<string>();
    for (const p of deleted) {
      if (writtenSet.has(p) || writtenFolders.has(p)) continue; // a file became a folder (or back): the new entry hides the old
      const parts = p.split('/');
      let top = p;
      for (let i = 1; i < parts.length; i++) {
        const anc = parts.slice(0, i).join('/');
        if (writtenSet.has(anc)) {
          top = '';
          break;
        }
        if (gone.has(anc) && !writtenFolders.has(anc)) {
          top = anc;
          break;
        }
      }
      if (top) whiteouts.add(top);
    }
    await checkoutInto(repo, index, tmp, written);
    for (const w of whiteouts) mkdirSync(path.dirname(path.join(tmp, w)), { recursive: true });
    await makeWhiteouts([...whiteouts].map((w) => path.join(tmp, w)));
    renameSync(tmp, path.join(dir, 'layers', id));
    renameSync(index, path.join(dir, 'index'));
    return { id, paths: written.length + whiteouts.size };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(index, { force: true });
    throw e;
  }
}
