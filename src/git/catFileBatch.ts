// Long-lived `git cat-file --batch` processes per run: every read of a base file by every
// agent goes through one, so reading a file costs a pipe round trip, not a process. A
// second one (`--filters`) gives the bytes git would check out; it starts only when a read
// needs filtering: a path with a checkout attribute, or `core.autocrlf` (most repositories
// have neither, and then a checkout writes the blob as it is stored).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { checkoutAttributes, type CheckoutAttributes } from './attributeProcess';
import { GitError } from './errors';
import { rememberRead } from './looseObjects';
import { listTree, parseTreeObject, type TreeEntry } from './objects';
import { gitEnv, type GitRepo } from './repo';
import { writeConfig } from './writeConfig';

export interface GitObject {
  readonly sha: string;
  readonly type: 'blob' | 'tree' | 'commit' | 'tag';
  readonly size: number;
  readonly content: Buffer;
}

interface Pending {
  resolve(o: GitObject | undefined): void;
  reject(e: Error): void;
}

/**
 * One long-lived `git cat-file --batch[ --filters]` process: requests are lines written to
 * its stdin, answered in order on its stdout. Started on the first request.
 */
class BatchProcess {
  private child: ChildProcessWithoutNullStreams | undefined;
  private queue: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private header: { sha: string; type: GitObject['type']; size: number } | undefined;
  private disposed = false;

  /**
   * With `--filters` git's header gives the blob's size, not the size of the filtered bytes
   * that follow (git 2.39), so each request is followed by a request for a name that cannot
   * exist (random, not hex, not a ref): its `missing` line ends the answer.
   */
  private readonly end: Buffer | undefined;
  private readonly endRequest: string;
  private scanFrom = 0;
  private missing = false;

  constructor(
    private readonly repo: GitRepo,
    private readonly args: readonly string[],
    delimited = false,
  ) {
    const name = `pa?end?${randomBytes(16).toString('hex')}`;
    this.endRequest = delimited ? `${name} -\n` : '';
    this.end = delimited ? Buffer.from(`${name} missing\n`) : undefined;
  }

  request(line: string): Promise<GitObject | undefined> {
    if (this.disposed) return Promise.reject(new GitError('The object reader of this run has been disposed.'));
    return new Promise<GitObject | undefined>((resolve, reject) => {
      const child = this.ensureProcess();
      this.queue.push({ resolve, reject });
      // requests made in one tick go out in one pipe write (400 writes cost ~0.1 s under load)
      if (!child.stdin.writableCorked) {
        child.stdin.cork();
        process.nextTick(() => child.stdin.uncork());
      }
      child.stdin.write(line + '\n' + this.endRequest);
    });
  }

  warm(): void {
    if (!this.disposed) this.ensureProcess();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.failAll(new GitError('The object reader of this run has been disposed.'));
    this.endChild();
  }

  /** Ends the child process, if any; the next request starts another. */
  close(): void {
    this.failAll(new GitError(`The object reader of ${this.repo.root} was closed while a read was in progress.`));
    this.endChild();
  }

  private endChild(): void {
    if (this.child) {
      this.child.stdin.end();
      this.child.kill();
      this.child = undefined;
    }
  }

  private ensureProcess(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', ['cat-file', ...this.args], { cwd: this.repo.root, env: gitEnv(), windowsHide: true });
    this.child = child;
    this.buf = Buffer.alloc(0);
    this.header = undefined;
    this.missing = false;
    this.scanFrom = 0;
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
      if (!this.header && !this.missing) {
        const nl = this.buf.indexOf(0x0a);
        if (nl < 0) return;
        const line = this.buf.subarray(0, nl).toString('utf8');
        this.buf = this.buf.subarray(nl + 1);
        const parts = line.split(' ');
        if (parts.length === 3 && /^[0-9a-f]{40,64}$/.test(parts[0] as string)) {
          this.header = { sha: parts[0] as string, type: parts[1] as GitObject['type'], size: Number(parts[2]) };
          this.scanFrom = 0;
        } else {
          // `<spec> missing` / `<spec> ambiguous` / `dangling …`
          this.missing = true;
        }
      }
      if (this.end) {
        if (!this.delimited()) return;
        continue;
      }
      if (this.missing) {
        this.missing = false;
        this.queue.shift()?.resolve(undefined);
        continue;
      }
      const h = this.header as NonNullable<typeof this.header>;
      if (this.buf.length < h.size + 1) return;
      const content = Buffer.from(this.buf.subarray(0, h.size));
      this.buf = this.buf.subarray(h.size + 1);
      this.header = undefined;
      this.queue.shift()?.resolve({ ...h, content });
    }
  }

  /** Finishes the current answer of a delimited process if its end line has arrived. */
  private delimited(): boolean {
    const end = this.end as Buffer;
    if (this.missing) {
      if (this.buf.length < end.length) return false;
      this.buf = this.buf.subarray(end.length);
      this.missing = false;
      this.queue.shift()?.resolve(undefined);
      return true;
    }
    const h = this.header as NonNullable<typeof this.header>;
    // the content, its newline, then the end line
    let at = this.buf.indexOf(end, this.scanFrom);
    while (at >= 0 && (at < 1 || this.buf[at - 1] !== 0x0a)) at = this.buf.indexOf(end, at + 1);
    if (at < 0) {
      this.scanFrom = Math.max(0, this.buf.length - end.length + 1);
      return false;
    }
    const content = Buffer.from(this.buf.subarray(0, at - 1));
    this.buf = this.buf.subarray(at + end.length);
    this.header = undefined;
    this.queue.shift()?.resolve({ ...h, size: content.length, content });
    return true;
  }
}

const anySet = (a: CheckoutAttributes): boolean => Object.values(a).some((v) => v !== 'unspecified');

export class ObjectReader {
  private readonly plain: BatchProcess;
  /** `--filters`: the bytes a checkout would write (smudge, eol, working-tree-encoding). */
  private readonly filtered: BatchProcess;
  private disposed = false;
  private readonly trees = new Map<string, Promise<TreeEntry[]>>();

  constructor(readonly repo: GitRepo) {
    this.plain = new BatchProcess(repo, ['--batch']);
    this.filtered = new BatchProcess(repo, ['--batch', '--filters'], true);
  }

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
    const o = await this.plain.request(spec);
    if (o) rememberRead(o.sha, o.type, o.content);
    return o;
  }

  /** A blob's bytes, or undefined when it is missing or not a blob. */
  async readBlob(spec: string): Promise<Buffer | undefined> {
    const o = await this.read(spec);
    return o && o.type === 'blob' ? o.content : undefined;
  }

  /**
   * The bytes git would check out for `blob` (a sha) at `path` (repo-relative): the
   * working tree's .gitattributes and config decide (smudge filters, `eol`, `text`,
   * `working-tree-encoding`, `core.autocrlf`). Undefined when the blob is missing.
   */
  async readFiltered(blob: string, path: string, unattributed?: Promise<boolean>): Promise<Buffer | undefined> {
    if (this.disposed) throw new GitError('The object reader of this run has been disposed.');
    // The stored bytes are read meanwhile: they are the answer unless a filter applies.
    const stored = path.includes('\n') ? undefined : this.readBlob(blob);
    stored?.catch(() => undefined);
    if (!(await this.checkoutFilters(path, unattributed))) return stored ?? this.readBlob(blob);
    if (path.includes('\n')) {
      // the batch input is line-based; such a path is rare enough for a process of its own
      const r = await this.repo.exec(['cat-file', '--filters', `--path=${path}`, blob], { anyExitCode: true });
      return r.exitCode === 0 ? r.stdout : undefined;
    }
    const o = await this.filtered.request(`${blob} ${path}`);
    return o && o.type === 'blob' ? o.content : undefined;
  }

  /**
   * Whether a checkout may write other bytes than the blob's at `path` (when unsure: yes).
   * `unattributed`: the caller found that no attributes file can reach the path
   * (attributeSources.ts), so only core.autocrlf can, and check-attr is not asked.
   */
  private async checkoutFilters(path: string, unattributed?: Promise<boolean>): Promise<boolean> {
    try {
      if (await unattributed?.catch(() => false)) return (await writeConfig(this.repo)).autocrlf;
      const [attrs, config] = await Promise.all([checkoutAttributes(this.repo, path), writeConfig(this.repo)]);
      return config.autocrlf || anySet(attrs);
    } catch {
      return true;
    }
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

  /** Starts the plain cat-file process ahead of the first read, while the caller knows the event loop is idle. */
  warm(): void {
    if (!this.disposed) this.plain.warm();
  }

  /**
   * Ends the git children and forgets the listed trees, for an owner that goes idle (a
   * finished run, which a retry may wake): the reader stays usable and starts them again.
   */
  close(): void {
    this.plain.close();
    this.filtered.close();
    this.trees.clear();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.plain.dispose();
    this.filtered.dispose();
  }
}
