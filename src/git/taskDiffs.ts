// Each finished task's diff against its base, asked as the task finishes (the engine holds
// the answers) of one long-lived `git diff-tree --stdin` per repository, so that the run's
// analysis at its end has them already: before, the end of every run spawned diff-tree (milliseconds of blocked event
// loop) and diffed every task while the user waited for "done". A diff asked here is the
// output `diffTasks` (analysis.ts) would give for the task: the same process arguments, one
// `<result> <base>` line.
//
// Where one answer ends: after each task's line goes `<result> <result>`, whose answer is
// the header `<result>\0` alone (`--always`). A task's answer is complete when that header
// follows it at a place where the answer can end: right after its own header (no changes),
// or after a patch line (raw records are NUL-terminated and patches hold no NUL, so a
// header-like run of bytes inside either cannot pass for the end; see answerEnd).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitError } from './errors';
import { perRepository, QuestionProcess } from './processHold';
import { gitEnv, type GitRepo } from './repo';

/** What analysis.ts's diffTasks runs, and this process too. */
export const DIFF_TREE_ARGS = [
  'diff-tree', '--stdin', '--always', '-r', '-M', '--no-ext-diff', '--no-textconv', '--no-color',
  '-z', '--patch-with-raw', '-U0', '--src-prefix=a/', '--dst-prefix=b/',
] as const;

/**
 * Where the raw records of `--patch-with-raw -z` end: each is `:<modes, ids, status>\0` and
 * one path (two for R and C) ending in \0; one more \0 separates them from the patch.
 * `out.length` when they do not end in `out`.
 */
export function rawEnd(out: Buffer, from: number): number {
  let i = from;
  while (i < out.length && out[i] === 0x3a /* : */) {
    const head = out.indexOf(0, i);
    if (head < 0) return out.length;
    const letter = out[head - (out.subarray(i, head).toString('latin1').split(' ')[4]?.length ?? 1)];
    let paths = letter === 0x52 /* R */ || letter === 0x43 /* C */ ? 2 : 1;
    i = head + 1;
    while (paths-- > 0) {
      const end = out.indexOf(0, i);
      if (end < 0) return out.length;
      i = end + 1;
    }
  }
  return i < out.length && out[i] === 0 ? i + 1 : i;
}

/** Whether `body` (what came between a task's header and a header like it) is a whole answer. */
function wholeAnswer(body: Buffer): boolean {
  if (body.length === 0) return true;
  const r = rawEnd(body, 0);
  return r < body.length && body[r - 1] === 0 && body[body.length - 1] === 0x0a;
}

/**
 * The end of the answer for `result` at the start of `buf` (header and closing header
 * included), or -1 when it has not all arrived. `from`: no closing header starts before it
 * (the caller looked there already: what came before a place does not change).
 */
export function answerEnd(buf: Buffer, result: string, from = 0): number {
  const header = Buffer.from(`${result}\0`, 'latin1');
  if (buf.length < 2 * header.length) return -1;
  if (!buf.subarray(0, header.length).equals(header)) throw new Error(`unexpected output (expected the diff of ${result})`);
  for (let at = buf.indexOf(header, Math.max(header.length, from)); at >= 0; at = buf.indexOf(header, at + 1)) {
    if (wholeAnswer(buf.subarray(header.length, at))) return at + header.length;
  }
  return -1;
}

interface PendingDiff {
  readonly result: string;
  resolve(diff: Buffer): void;
  reject(e: Error): void;
}

/** What the output buffer starts at, and goes back to once a larger answer has been taken. */
const BUFFER_BYTES = 64 * 1024;

class DiffTreeProcess extends QuestionProcess<PendingDiff> {
  // The output so far, in a buffer that doubles when full: a large diff arrives in many
  // chunks, and joining each to all before it, then searching it all again, was quadratic.
  private buf: Buffer = Buffer.alloc(0);
  private len = 0;
  /** Where the search for the first waiting answer's end goes on (see answerEnd's `from`). */
  private searched = 0;
  private stderr = '';

  constructor(private readonly repo: GitRepo) {
    super();
  }

  /** The task's raw records and patch (no header), as diffTasks gives them. */
  diff(resultCommit: string, baseCommit: string): Promise<Buffer> {
    return new Promise((resolve, reject) => this.ask({ result: resultCommit, resolve, reject }, `${resultCommit} ${baseCommit}\n${resultCommit} ${resultCommit}\n`));
  }

  protected spawnProcess(): ChildProcessWithoutNullStreams {
    const child = spawn('git', [...DIFF_TREE_ARGS], { cwd: this.repo.root, env: gitEnv(), windowsHide: true });
    this.buf = Buffer.alloc(BUFFER_BYTES);
    this.len = 0;
    this.searched = 0;
    this.stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      this.append(chunk);
      for (let p = this.queue[0]; p; p = this.queue[0]) {
        const out = this.buf.subarray(0, this.len);
        const header = p.result.length + 1;
        let end: number;
        try {
          end = answerEnd(out, p.result, this.searched);
        } catch {
          child.kill();
          return;
        }
        if (end < 0) {
          this.searched = Math.max(0, this.len - header + 1);
          break;
        }
        // A copy: the buffer is reused (the analysis keeps the answer's hunks).
        const diff = Buffer.from(out.subarray(header, end - header));
        this.buf.copyWithin(0, end, this.len);
        this.len -= end;
        this.searched = 0;
        if (this.len === 0 && this.buf.length > BUFFER_BYTES) this.buf = Buffer.alloc(BUFFER_BYTES);
        this.queue.shift();
        p.resolve(diff);
      }
      this.answered();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => (this.stderr += s));
    return child;
  }

  private append(chunk: Buffer): void {
    if (this.len + chunk.length > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.len + chunk.length));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    chunk.copy(this.buf, this.len);
    this.len += chunk.length;
  }

  protected stopped(waiting: PendingDiff[], err: Error | undefined): void {
    const why = (err?.message ?? this.stderr.trim().split('\n').slice(-2).join(' ')) || 'it stopped unexpectedly';
    for (const p of waiting) p.reject(new GitError(`Could not diff ${p.result} in ${this.repo.root}: ${why}`, ['diff-tree']));
  }
}

const processOf = perRepository((repo) => new DiffTreeProcess(repo));

/** Starts the repository's diff-tree process ahead of the first finished task (see QuestionProcess.warm). */
export function warmTaskDiffs(repo: GitRepo): void {
  processOf(repo).warm();
}

/**
 * The task's raw records and patch against its base (no header), as diffTasks in
 * analysis.ts gives them, through the repository's long-lived diff-tree process.
 */
export function diffTask(repo: GitRepo, t: { readonly resultCommit: string; readonly baseCommit: string }): Promise<Buffer> {
  return processOf(repo).diff(t.resultCommit, t.baseCommit);
}
