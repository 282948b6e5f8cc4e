// One long-lived `git cat-file --batch` per run: every read of a base file by every
// agent goes through it, so reading a file costs a pipe round trip, not a process.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitError } from './errors';
import { listTree, parseTreeObject, type TreeEntry } from './objects';
import { gitEnv, type GitRepo } from './repo';

export interface GitObject {
  readonly sha: string;
  readonly type: 'blob' | 'tree' | 'commit' | 'tag';
  readonly size: number;
  readonly content: Buffer;
}

interface Pending {
  readonly spec: string;
  resolve(o: GitObject | undefined): void;
  reject(e: Error): void;
}

export class ObjectReader {
  private child: ChildProcessWithoutNullStreams | undefined;
  private queue: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private header: { sha: string; type: GitObject['type']; size: number } | undefined;
  private disposed = false;
  private readonly trees = new Map<string, Promise<TreeEntry[]>>();

  constructor(readonly repo: GitRepo) {}

  /**
   * Reads an object by sha or `rev:path` (path from the tree's root). Resolves undefined
   * when it does not exist. Paths containing a newline are looked up through the tree listing.
   */
  async read(spec: string): Promise<GitObject | undefined> {
    if (this.disposed) throw new GitError('The object reader of this run has been disposed.');
    if (spec.includes('\n')) {
      const colon = spec.indexOf(':');
      if (colon < 0) return undefined;
      const entry = (await this.listTree(spec.slice(0, colon))).find((e) => e.path === spec.slice(colon + 1));
      return entry ? this.read(entry.sha) : undefined;
    }
    return new Promise<GitObject | undefined>((resolve, reject) => {
      const child = this.ensureProcess();
      this.queue.push({ spec, resolve, reject });
      child.stdin.write(spec + '\n');
    });
  }

  /** A blob's bytes, or undefined when it is missing or not a blob. */
  async readBlob(spec: string): Promise<Buffer | undefined> {
    const o = await this.read(spec);
    return o && o.type === 'blob' ? o.content : undefined;
  }

  /** One folder's entries (non-recursive) through the batch process; undefined when it is not a folder. */
  async readFolder(treeish: string, folder: string): Promise<TreeEntry[] | undefined> {
    const o = await this.read(folder ? `${treeish}:${folder}` : `${treeish}^{tree}`);
    return o && o.type === 'tree' ? parseTreeObject(o.content) : undefined;
  }

  /** The recursive listing of a commit's tree, listed once per commit for the reader's life. */
  listTree(commit: string): Promise<TreeEntry[]> {
    let p = this.trees.get(commit);
    if (!p) {
      p = listTree(this.repo, commit);
      this.trees.set(commit, p);
      p.catch(() => this.trees.delete(commit));
    }
    return p;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.failAll(new GitError('The object reader of this run has been disposed.'));
    if (this.child) {
      this.child.stdin.end();
      this.child.kill();
      this.child = undefined;
    }
  }

  private ensureProcess(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', ['cat-file', '--batch'], { cwd: this.repo.root, env: gitEnv(), windowsHide: true });
    this.child = child;
    this.buf = Buffer.alloc(0);
    this.header = undefined;
    child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr.on('data', () => undefined);
    child.stdin.on('error', () => undefined);
    const onGone = (err?: Error) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.failAll(
        err && (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? new GitError('git was not found on this machine (PATH). Install git and try again.')
          : new GitError(`git cat-file stopped unexpectedly in ${this.repo.root}${err ? `: ${err.message}` : ''}.`),
      );
    };
    child.on('error', onGone);
    child.on('close', () => onGone());
    return child;
  }

  private failAll(e: Error): void {
    const q = this.queue;
    this.queue = [];
    for (const p of q) p.reject(e);
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (!this.header) {
        const nl = this.buf.indexOf(0x0a);
        if (nl < 0) return;
        const line = this.buf.subarray(0, nl).toString('utf8');
        this.buf = this.buf.subarray(nl + 1);
        const parts = line.split(' ');
        if (parts.length === 3 && /^[0-9a-f]{40,64}$/.test(parts[0] as string)) {
          this.header = { sha: parts[0] as string, type: parts[1] as GitObject['type'], size: Number(parts[2]) };
        } else {
          // `<spec> missing` / `<spec> ambiguous` / `dangling …`
          this.queue.shift()?.resolve(undefined);
          continue;
        }
      }
      const h = this.header;
      if (this.buf.length < h.size + 1) return;
      const content = Buffer.from(this.buf.subarray(0, h.size));
      this.buf = this.buf.subarray(h.size + 1);
      this.header = undefined;
      this.queue.shift()?.resolve({ ...h, content });
    }
  }
}
