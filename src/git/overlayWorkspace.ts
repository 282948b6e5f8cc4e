// An agent task's isolated view of the workspace: reads come from the task's base commit
// through the run's shared ObjectReader; writes and deletes stay in this overlay (in
// memory) until commitOverlay turns them into the task's result commit. Creating one is
// O(1): the base tree is listed only when listFiles/search first needs it, and cached per
// base commit by the reader.
import { spawn } from 'node:child_process';
import { normalizeRelPath } from '../core/glob';
import {
  compileGlobSource,
  compileSearchRegex,
  evaluatePatterns,
  PatternCostError,
  type GlobSource,
  type PatternBudget,
  type PatternItem,
  type RegexSource,
} from '../core/patternWorker';
import type { SearchHit, SearchOptions, TaskWorkspace, WorkspaceChange } from '../core/workspace';
import type { ObjectReader } from './catFileBatch';
import { gitEnv, type GitRepo } from './repo';

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

export class OverlayWorkspace implements TaskWorkspace {
  readonly root: string;
  /** path → new content, or null when deleted. */
  private readonly overlay = new Map<string, Buffer | null>();
  /** Whether a path existed in the base (cached answers). */
  private readonly inBase = new Map<string, boolean>();

  constructor(
    readonly repo: GitRepo,
    readonly reader: ObjectReader,
    readonly baseCommit: string,
  ) {
    this.root = repo.root;
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    const p = normalizeRelPath(path);
    if (this.overlay.has(p)) return this.overlay.get(p) ?? undefined;
    const content = await this.readBase(p);
    return content;
  }

  private async readBase(p: string): Promise<Buffer | undefined> {
    if (!p || p.startsWith('/')) return undefined;
    const content = await this.reader.readBlob(`${this.baseCommit}:${p}`);
    this.inBase.set(p, content !== undefined);
    return content;
  }

  private async existsInBase(p: string): Promise<boolean> {
    const known = this.inBase.get(p);
    if (known !== undefined) return known;
    return (await this.readBase(p)) !== undefined;
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

  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    const p = checkPath(path);
    this.overlay.set(p, typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content));
  }

  async deleteFile(path: string): Promise<void> {
    const p = checkPath(path);
    const cur = this.overlay.get(p);
    if (cur === null || (cur === undefined && !(await this.existsInBase(p)))) {
      throw new Error(`Cannot delete “${p}”: no such file.`);
    }
    if (await this.existsInBase(p)) this.overlay.set(p, null);
    else this.overlay.delete(p);
  }

  changes(): WorkspaceChange[] {
    return [...this.overlay.entries()]
      .map(([path, c]): WorkspaceChange => ({ path, kind: c === null ? 'delete' : 'write' }))
      .sort((a, b) => comparePaths(a.path, b.path));
  }

  /** The overlay itself: path → new bytes, or null for a deletion. */
  entries(): ReadonlyMap<string, Buffer | null> {
    return this.overlay;
  }

  async search(pattern: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const regex = compileSearchRegex(pattern);
    const max = options.maxResults ?? DEFAULT_MAX_RESULTS;
    if (max <= 0) return [];
    const glob = options.glob ? compileGlobSource([options.glob]) : undefined;
    const budget = patternBudget(pattern, options);
    const items: PatternItem[] = [];
    for (const [path, content] of this.overlay) {
      if (content !== null && !isBinary(content)) items.push({ path, text: content.toString('utf8') });
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
