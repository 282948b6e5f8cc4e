// An agent task's isolated view of the workspace: reads come from the task's base commit
// through the run's shared ObjectReader; writes and deletes stay in this overlay (in
// memory) until commitOverlay turns them into the task's result commit. Creating one is
// O(1): the base tree is listed only when listFiles/search first needs it, and cached per
// base commit by the reader; folders are read one at a time as paths need them, and cached.
//
// Paths are what git says they are (core/workspace.ts): a symbolic link's blob is its
// target, never returned as a file's content; a submodule is no folder of ours; and a write
// never lands on or below a link, a submodule, a file or a folder, so a result commit never
// replaces one of them with something else.
import { spawn } from 'node:child_process';
import {
  normalizeRelPath,
  compileGlobSource,
  compileSearchRegex,
  evaluatePatterns,
  PatternCostError,
  type GlobSource,
  type PatternBudget,
  type PatternItem,
  type RegexSource,
} from '../core';
import type { SearchHit, SearchOptions, TaskWorkspace, WorkspaceChange, WorkspaceEntry, WriteOptions } from '../core';
import type { ObjectReader } from './catFileBatch';
import { workingTreeEncoding } from './encodingAttribute';
import { noAttributesApply } from './attributeSources';
import type { TreeEntry } from './objects';
import { gitEnv, type GitRepo } from './repo';
import { writtenFolder } from './writtenFolders';

const DEFAULT_MAX_RESULTS = 1000;

export function isBinary(content: Uint8Array): boolean {
  const n = Math.min(content.length, 8000);
  for (let i = 0; i < n; i++) if (content[i] === 0) return true;
  return false;
}

/** Compares paths in git's order (bytes of UTF-8). */
export function comparePaths(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function checkPath(p: string): string {
  const n = normalizeRelPath(p);
  if (!n || n.startsWith('/') || /^[A-Za-z]:/.test(n) || n.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    throw new Error(`Invalid workspace path “${p}”: use a relative path inside the workspace.`);
  }
  if (n === '.git' || n.startsWith('.git/')) throw new Error(`Invalid workspace path “${p}”: .git is not part of the workspace.`);
  return n;
}

/** A file the overlay wrote: its bytes and, when the writer set it, whether it is executable. */
export interface OverlayFile {
  readonly content: Buffer;
  /** undefined: the mode the path has in the base (100644 for a new file). */
  readonly executable?: boolean;
  /** A symbolic link (a command made it): `content` is its target. */
  readonly symlink?: boolean;
}

type FolderListing = ReadonlyMap<string, TreeEntry>;

interface CachedFolder {
  readonly entries: readonly TreeEntry[];
  readonly byName: FolderListing;
}

// A base commit's folders, read through the run's ObjectReader once and shared by every
// overlay on that reader and by its result commit (trees are immutable, so the cache never
// goes stale).
const folderCaches = new WeakMap<ObjectReader, Map<string, Promise<CachedFolder | undefined>>>();

function cachedFolder(reader: ObjectReader, commit: string, folder: string): Promise<CachedFolder | undefined> {
  let cache = folderCaches.get(reader);
  if (!cache) folderCaches.set(reader, (cache = new Map()));
  const key = `${commit}:${folder}`;
  let p = cache.get(key);
  if (!p) {
    const known = writtenFolder(commit, folder);
    const listed = known !== null ? Promise.resolve(known) : reader.readFolder(commit, folder);
    p = listed.then((entries) => entries && { entries, byName: new Map(entries.map((e) => [e.path, e])) });
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

async function baseFolder(reader: ObjectReader, commit: string, folder: string): Promise<FolderListing | undefined> {
  return (await cachedFolder(reader, commit, folder))?.byName;
}

/**
 * One folder's entries in `commit` (undefined when it is not a folder), from the listings
 * the task's overlay already read: a result commit re-reads none of them. Do not mutate.
 */
export async function baseFolderEntries(reader: ObjectReader, commit: string, folder: string): Promise<readonly TreeEntry[] | undefined> {
  return (await cachedFolder(reader, commit, folder))?.entries;
}

function splitPath(p: string): { dir: string; name: string } {
  const i = p.lastIndexOf('/');
  return i < 0 ? { dir: '', name: p } : { dir: p.slice(0, i), name: p.slice(i + 1) };
}

function ancestors(p: string): string[] {
  const out: string[] = [];
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) out.push(p.slice(0, i));
  return out;
}

const KIND_WORDS = { file: 'a file', symlink: 'a symbolic link', submodule: 'a git submodule', folder: 'a folder' } as const;

export class OverlayWorkspace implements TaskWorkspace {
  readonly root: string;
  /** path → what this task wrote there, or null when it deleted it. */
  private readonly overlay = new Map<string, OverlayFile | null>();
  /** Folders that hold files this task wrote → how many. */
  private readonly writtenBelow = new Map<string, number>();
  private baseLinks: Promise<Map<string, string>> | undefined;

  constructor(
    readonly repo: GitRepo,
    readonly reader: ObjectReader,
    readonly baseCommit: string,
  ) {
    this.root = repo.root;
  }

  /** The base's entry at a path (one folder listing, cached). */
  private async baseEntry(p: string): Promise<TreeEntry | undefined> {
    const { dir, name } = splitPath(p);
    return (await baseFolder(this.reader, this.baseCommit, dir))?.get(name);
  }

  async entry(path: string): Promise<WorkspaceEntry | undefined> {
    const p = normalizeRelPath(path);
    if (!p || p.startsWith('/')) return undefined;
    const o = this.overlay.get(p);
    if (o?.symlink) return { kind: 'symlink', target: o.content.toString('utf8') };
    if (o) return { kind: 'file', executable: o.executable ?? (await this.baseEntry(p))?.mode === '100755' };
    if (this.writtenBelow.has(p)) return { kind: 'folder' };
    if (o === null) return undefined;
    const e = await this.baseEntry(p);
    if (!e) return undefined;
    if (e.type === 'tree') return { kind: 'folder' };
    if (e.type === 'commit') return { kind: 'submodule' };
    if (e.mode === '120000') return { kind: 'symlink', target: ((await this.reader.readBlob(e.sha)) ?? Buffer.alloc(0)).toString('utf8') };
    return { kind: 'file', executable: e.mode === '100755' };
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    const p = normalizeRelPath(path);
    if (this.overlay.has(p)) {
      const o = this.overlay.get(p);
      return o && !o.symlink ? o.content : undefined;
    }
    if (!p || p.startsWith('/')) return undefined;
    // What a checkout would write (eol=crlf, smudge filters…), asked for together with the
    // blob's folder, which says whether it is a regular file or a symbolic link's target,
    // and its working-tree-encoding, for which the stored UTF-8 is read (encodingAttribute.ts).
    // (`<rev>:<path> <path>` is one batch line, so a path with a space waits for its sha.)
    // Where no attributes file can reach the path (most repositories have none), check-attr is
    // not asked: its folders' listings, which the read needs anyway, say so (attributeSources.ts).
    const unattributed = noAttributesApply(this.repo, [p], [], (dir) => baseFolderEntries(this.reader, this.baseCommit, dir));
    const early = /[\s]/.test(p) ? undefined : this.reader.readFiltered(`${this.baseCommit}:${p}`, p, unattributed);
    const [e, encoding] = await Promise.all([this.baseEntry(p), workingTreeEncoding(this.reader, p, unattributed)]);
    if (!e || e.type !== 'blob' || e.mode === '120000') return early?.then(() => undefined);
    if (encoding) {
      early?.catch(() => undefined);
      return this.reader.readBlob(e.sha);
    }
    return early ?? this.reader.readFiltered(e.sha, p, unattributed);
  }

  async listFiles(): Promise<string[]> {
    const set = new Set<string>();
    for (const e of await this.reader.listTree(this.baseCommit)) if (e.type === 'blob') set.add(e.path);
    for (const [p, c] of this.overlay) {
      if (c === null) set.delete(p);
      else set.add(p);
    }
    return [...set].sort(comparePaths);
  }

  async listSymlinks(): Promise<ReadonlyMap<string, string>> {
    this.baseLinks ??= (async () => {
      const links = (await this.reader.listTree(this.baseCommit)).filter((e) => e.mode === '120000');
      const targets = await Promise.all(links.map((e) => this.reader.readBlob(e.sha)));
      return new Map(links.map((e, i) => [e.path, (targets[i] ?? Buffer.alloc(0)).toString('utf8')]));
    })();
    const out = new Map<string, string>();
    for (const [p, t] of await this.baseLinks) if (!this.overlay.has(p)) out.set(p, t);
    for (const [p, o] of this.overlay) if (o?.symlink) out.set(p, o.content.toString('utf8'));
    return new Map([...out].sort((a, b) => comparePaths(a[0], b[0])));
  }

  async writeFile(path: string, content: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
    const p = checkPath(path);
    const [own, ...above] = await Promise.all([this.entry(p), ...ancestors(p).map(async (a) => ({ a, e: await this.entry(a) }))]);
    for (const { a, e } of above) {
      if (e && e.kind !== 'folder') throw new Error(`Cannot write “${p}”: “${a}” is ${KIND_WORDS[e.kind]}, not a folder.`);
    }
    if (own && own.kind !== 'file') throw new Error(`Cannot write “${p}”: it is ${KIND_WORDS[own.kind]}.`);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    const prev = this.overlay.get(p);
    const executable = options.executable ?? prev?.executable;
    this.overlay.set(p, executable === undefined ? { content: bytes } : { content: bytes, executable });
    if (!prev) this.countBelow(p, 1);
  }

  async writeSymlink(path: string, target: string): Promise<void> {
    const p = checkPath(path);
    const [own, ...above] = await Promise.all([this.entry(p), ...ancestors(p).map(async (a) => ({ a, e: await this.entry(a) }))]);
    for (const { a, e } of above) {
      if (e && e.kind !== 'folder') throw new Error(`Cannot write “${p}”: “${a}” is ${KIND_WORDS[e.kind]}, not a folder.`);
    }
    if (own && own.kind !== 'file' && own.kind !== 'symlink') throw new Error(`Cannot make “${p}” a symbolic link: it is ${KIND_WORDS[own.kind]}.`);
    const prev = this.overlay.get(p);
    this.overlay.set(p, { content: Buffer.from(target, 'utf8'), symlink: true });
    if (!prev) this.countBelow(p, 1);
  }

  async deleteFile(path: string): Promise<void> {
    const p = checkPath(path);
    const e = await this.entry(p);
    if (!e) throw new Error(`Cannot delete “${p}”: no such file.`);
    if (e.kind === 'folder' || e.kind === 'submodule') throw new Error(`Cannot delete “${p}”: it is ${KIND_WORDS[e.kind]}.`);
    if (this.overlay.get(p)) this.countBelow(p, -1);
    if (await this.baseEntry(p)) this.overlay.set(p, null);
    else this.overlay.delete(p);
  }

  private countBelow(p: string, delta: number): void {
    for (const a of ancestors(p)) {
      const n = (this.writtenBelow.get(a) ?? 0) + delta;
      if (n > 0) this.writtenBelow.set(a, n);
      else this.writtenBelow.delete(a);
    }
  }

  changes(): WorkspaceChange[] {
    return [...this.overlay.entries()]
      .map(([path, c]): WorkspaceChange => ({ path, kind: c === null ? 'delete' : 'write' }))
      .sort((a, b) => comparePaths(a.path, b.path));
  }

  /** The overlay itself: path → what was written, or null for a deletion. */
  entries(): ReadonlyMap<string, OverlayFile | null> {
    return this.overlay;
  }

  async search(pattern: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const regex = compileSearchRegex(pattern);
    const max = options.maxResults ?? DEFAULT_MAX_RESULTS;
    if (max <= 0) return [];
    const glob = options.glob ? compileGlobSource([options.glob]) : undefined;
    const budget = patternBudget(pattern, options);
    const items: PatternItem[] = [];
    for (const [path, file] of this.overlay) {
      if (file !== null && !file.symlink && !isBinary(file.content)) items.push({ path, text: file.content.toString('utf8') });
    }
    const hits: SearchHit[] = [];
    if (items.length) {
      const r = await evaluatePatterns({ ...(glob && { glob }), regex, items, maxHits: max }, budget);
      for (const h of r.hits) hits.push({ path: (items[h.item] as PatternItem).path, line: h.line, text: h.text });
    }
    hits.push(...(await this.searchBase(pattern, { ...(glob && { glob }), regex, max, budget })));
    hits.sort((a, b) => comparePaths(a.path, b.path) || a.line - b.line);
    return hits.slice(0, max);
  }

  /** Base files not in the overlay: `git grep -P` on the base commit, confirmed by the JS regex. */
  private async searchBase(pattern: string, q: BaseQuery): Promise<SearchHit[]> {
    const r = await gitGrep(this.repo, this.baseCommit, pattern, (path) => !this.overlay.has(path), q);
    if (r !== 'unsupported') return r;
    // git cannot read this pattern (or has no PCRE): read the base through cat-file.
    const out: SearchHit[] = [];
    const entries = (await this.reader.listTree(this.baseCommit)).filter(
      (e) => e.type === 'blob' && e.mode !== '120000' && !this.overlay.has(e.path),
    );
    let batch: PatternItem[] = [];
    let chars = 0;
    const flush = async () => {
      const r2 = await evaluatePatterns({ ...(q.glob && { glob: q.glob }), regex: q.regex, items: batch, maxHits: q.max - out.length }, q.budget);
      for (const h of r2.hits) out.push({ path: (batch[h.item] as PatternItem).path, line: h.line, text: h.text });
      batch = [];
      chars = 0;
    };
    for (const e of entries) {
      if (q.budget.signal?.aborted) throw q.budget.signal.reason ?? new Error('The search was cancelled.');
      const content = await this.reader.readBlob(e.sha);
      if (!content || isBinary(content)) continue;
      batch.push({ path: e.path, text: content.toString('utf8') });
      chars += content.length;
      if (chars >= FALLBACK_BATCH_CHARS) await flush();
      if (out.length >= q.max) return out;
    }
    if (batch.length) await flush();
    return out;
  }
}

interface BaseQuery {
  readonly glob?: GlobSource;
  readonly regex: RegexSource;
  readonly max: number;
  readonly budget: PatternBudget;
}

const FALLBACK_BATCH_CHARS = 2_000_000;
/** Lines of git grep output confirmed per worker call. */
const GREP_BATCH_LINES = 2000;
/** git grep itself may backtrack for minutes (`-E` with backreferences); it is stopped after this. */
const GREP_DEADLINE_MS = 60_000;

function patternBudget(pattern: string, options: SearchOptions): PatternBudget {
  return {
    what: `the search pattern ${JSON.stringify(pattern)}`,
    ...(options.budgetMs !== undefined && { budgetMs: options.budgetMs }),
    ...(options.signal && { signal: options.signal }),
  };
}

/**
 * Streams `git grep -z -n -I -P` over a commit; candidate lines (of paths `wanted`) are
 * confirmed by the JS regex (and the glob) in the pattern worker, a batch at a time while
 * git's output is paused. Stops (kills git) after `max` hits, on abort, or after
 * GREP_DEADLINE_MS. Returns 'unsupported' when git cannot read the pattern or has no PCRE;
 * rejects with a PatternCostError when PCRE gave up on it (its backtracking limit).
 */
function gitGrep(
  repo: GitRepo,
  commit: string,
  pattern: string,
  wanted: (path: string) => boolean,
  q: BaseQuery,
): Promise<SearchHit[] | 'unsupported'> {
  const { signal } = q.budget;
  return new Promise((resolve, reject) => {
    const child = spawn(
      'git',
      ['-c', 'grep.fallbackToNoIndex=false', 'grep', '-z', '-n', '-I', '--no-color', '--full-name', '-P', '-e', pattern, commit, '--'],
      { cwd: repo.root, env: gitEnv(), windowsHide: true },
    );
    const hits: SearchHit[] = [];
    const prefix = Buffer.from(`${commit}:`);
    let buf: Buffer = Buffer.alloc(0);
    let pending: PatternItem[] = [];
    let confirming: Promise<void> = Promise.resolve();
    let done = false;
    let stderr = '';
    const finish = (v: SearchHit[] | 'unsupported' | Error) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null) child.kill();
      if (v instanceof Error) reject(v);
      else resolve(v);
    };
    const onAbort = () => finish(signal?.reason instanceof Error ? signal.reason : new Error('The search was cancelled.'));
    const deadline = setTimeout(
      () => finish(new PatternCostError(`git grep ran for more than ${GREP_DEADLINE_MS / 1000} s on ${JSON.stringify(pattern)} and was stopped. Simplify the pattern or narrow the files with a glob.`)),
      GREP_DEADLINE_MS,
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    /** Confirms the pending lines in the worker; git's output waits meanwhile. */
    const confirm = () => {
      const batch = pending;
      pending = [];
      if (!batch.length) return confirming;
      child.stdout.pause();
      confirming = confirming
        .then(async () => {
          if (done) return;
          const r = await evaluatePatterns({ ...(q.glob && { glob: q.glob }), regex: q.regex, items: batch, maxHits: q.max - hits.length }, q.budget);
          for (const h of r.hits) hits.push({ path: (batch[h.item] as PatternItem).path, line: h.line, text: h.text });
          if (hits.length >= q.max) finish(hits);
          else child.stdout.resume();
        })
        .catch((e: Error) => finish(e));
      return confirming;
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (done) return;
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      let pos = 0;
      for (;;) {
        const a = buf.indexOf(0, pos);
        if (a < 0) break;
        const b = buf.indexOf(0, a + 1);
        if (b < 0) break;
        const c = buf.indexOf(0x0a, b + 1);
        if (c < 0) break;
        let pathBytes = buf.subarray(pos, a);
        if (pathBytes.subarray(0, prefix.length).equals(prefix)) pathBytes = pathBytes.subarray(prefix.length);
        const line = Number(buf.subarray(a + 1, b).toString('utf8'));
        const text = buf.subarray(b + 1, c).toString('utf8').replace(/\r$/, '');
        pos = c + 1;
        const path = pathBytes.toString('utf8');
        if (wanted(path)) pending.push({ path, line, text });
      }
      buf = buf.subarray(pos);
      // Most candidates are confirmed (PCRE and JS agree): confirm as soon as they could fill the result.
      if (pending.length >= Math.min(GREP_BATCH_LINES, q.max - hits.length + 16)) void confirm();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (e) => finish(e));
    child.on('close', (code) => {
      if (done) return;
      if (code === 0 || code === 1) {
        void confirm().then(() => finish(hits));
      } else if (/limit exceeded|stack limit|error code -(46|47|53|63)\b/i.test(stderr)) {
        finish(
          new PatternCostError(
            `The search pattern ${JSON.stringify(pattern)} is too costly: ${stderr.trim().replace(/^fatal: /, 'git grep stopped it: ')}. ` +
              'Patterns with nested or overlapping repetition, such as "(a+)+" or "(a|aa)*", can take exponential time. ' +
              'Simplify the pattern, anchor it, or narrow the files with a glob.',
          ),
        );
      } else finish('unsupported');
    });
  });
}
