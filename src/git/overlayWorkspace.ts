// An agent task's isolated view of the workspace: reads come from the task's base commit
// through the run's shared ObjectReader; writes and deletes stay in this overlay (in
// memory) until commitOverlay turns them into the task's result commit. Creating one is
// O(1): the base tree is listed only when listFiles/search first needs it, and cached per
// base commit by the reader.
import { spawn } from 'node:child_process';
import { compileGlobs, normalizeRelPath, type GlobSet } from '../core/glob';
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
    let re: RegExp;
    try {
      re = new RegExp(pattern);
    } catch (e) {
      throw new Error(`Invalid regular expression “${pattern}”: ${(e as Error).message}`);
    }
    const max = options.maxResults ?? DEFAULT_MAX_RESULTS;
    if (max <= 0) return [];
    const glob = options.glob ? compileGlobs([options.glob]) : undefined;
    const hits: SearchHit[] = [];
    for (const [path, content] of this.overlay) {
      if (content === null || (glob && !glob.matches(path)) || isBinary(content)) continue;
      const lines = content.toString('utf8').split('\n');
      for (let i = 0; i < lines.length; i++) {
        const text = (lines[i] as string).replace(/\r$/, '');
        if (i === lines.length - 1 && text === '') break;
        if (re.test(text)) hits.push({ path, line: i + 1, text });
      }
    }
    const base = await this.searchBase(pattern, re, glob, max, options.signal);
    hits.push(...base);
    hits.sort((a, b) => comparePaths(a.path, b.path) || a.line - b.line);
    return hits.slice(0, max);
  }

  /** Base files not in the overlay: `git grep -P` on the base commit, confirmed by the JS regex. */
  private async searchBase(
    pattern: string,
    re: RegExp,
    glob: GlobSet | undefined,
    max: number,
    signal: AbortSignal | undefined,
  ): Promise<SearchHit[]> {
    const accept = (path: string) => !this.overlay.has(path) && (!glob || glob.matches(path));
    const r = await gitGrep(this.repo, this.baseCommit, pattern, (path, line, text) => {
      if (!accept(path) || !re.test(text)) return undefined;
      return { path, line, text };
    }, max, signal);
    if (r !== 'unsupported') return r;
    // git cannot read this pattern (or has no PCRE): read the base through cat-file.
    const out: SearchHit[] = [];
    for (const e of await this.reader.listTree(this.baseCommit)) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      if (e.type !== 'blob' || !accept(e.path)) continue;
      const content = await this.reader.readBlob(e.sha);
      if (!content || isBinary(content)) continue;
      const lines = content.toString('utf8').split('\n');
      for (let i = 0; i < lines.length; i++) {
        const text = (lines[i] as string).replace(/\r$/, '');
        if (i === lines.length - 1 && text === '') break;
        if (re.test(text)) {
          out.push({ path: e.path, line: i + 1, text });
          if (out.length >= max) return out;
        }
      }
    }
    return out;
  }
}

/**
 * Streams `git grep -z -n -I -P` over a commit. Stops (kills git) after `max` accepted hits.
 * Returns 'unsupported' when git rejects the pattern or has no PCRE.
 */
function gitGrep(
  repo: GitRepo,
  commit: string,
  pattern: string,
  accept: (path: string, line: number, text: string) => SearchHit | undefined,
  max: number,
  signal: AbortSignal | undefined,
): Promise<SearchHit[] | 'unsupported'> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'git',
      ['-c', 'grep.fallbackToNoIndex=false', 'grep', '-z', '-n', '-I', '--no-color', '--full-name', '-P', '-e', pattern, commit, '--'],
      { cwd: repo.root, env: gitEnv(), windowsHide: true },
    );
    const hits: SearchHit[] = [];
    const prefix = Buffer.from(`${commit}:`);
    let buf: Buffer = Buffer.alloc(0);
    let done = false;
    let stderr = '';
    const finish = (v: SearchHit[] | 'unsupported' | Error) => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      if (v instanceof Error) reject(v);
      else resolve(v);
    };
    const onAbort = () => {
      child.kill();
      finish(signal?.reason instanceof Error ? signal.reason : new Error('search aborted'));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
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
        const hit = accept(pathBytes.toString('utf8'), line, text);
        if (hit) {
          hits.push(hit);
          if (hits.length >= max) {
            child.kill();
            finish(hits);
            return;
          }
        }
      }
      buf = buf.subarray(pos);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (e) => finish(e));
    child.on('close', (code) => {
      if (code === 0 || code === 1) finish(hits);
      else if (!done && /PCRE|regex|regular expression|perl/i.test(stderr)) finish('unsupported');
      else if (!done) finish(code === null ? hits : 'unsupported');
    });
  });
}
