// The checkout/clean attributes of a path through one long-lived `git check-attr --stdin -z`
// per repository: it answers each path as it reads it, so asking costs a pipe round trip
// instead of a process. Overlay reads ask for `working-tree-encoding`, result commits for
// the attributes that decide cleaning (cleanBlobs.ts): both through the same process.
//
// git reads the working tree's .gitattributes once per folder per process; the process ends
// after a few idle seconds, so an edited .gitattributes is seen by the next burst of questions.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitError } from './errors';
import { holdWhileBusy, idleAfterAnswers } from './processHold';
import { gitEnv, type GitRepo } from './repo';

export const CHECKOUT_ATTRIBUTES = ['text', 'eol', 'crlf', 'filter', 'working-tree-encoding', 'ident'] as const;
export type CheckoutAttribute = (typeof CHECKOUT_ATTRIBUTES)[number];
/** An attribute's value as check-attr prints it (`unspecified`, `set`, `unset` or the value). */
export type CheckoutAttributes = Readonly<Record<CheckoutAttribute, string>>;

const UNSPECIFIED: CheckoutAttributes = Object.fromEntries(CHECKOUT_ATTRIBUTES.map((a) => [a, 'unspecified'])) as CheckoutAttributes;

class AttributeProcess {
  private child: ChildProcessWithoutNullStreams | undefined;
  private idle: NodeJS.Timeout | undefined;
  private queue: Array<{ resolve: (value: CheckoutAttributes) => void; reject: (e: Error) => void }> = [];
  private fields: string[] = [];
  private rest = '';

  constructor(private readonly repo: GitRepo) {}

  attributesOf(path: string): Promise<CheckoutAttributes> {
    if (path.includes('\0')) return Promise.resolve(UNSPECIFIED);
    return new Promise((resolve, reject) => {
      const child = this.ensure();
      if (this.idle) clearTimeout(this.idle);
      if (!this.queue.length) holdWhileBusy(child, true);
      this.queue.push({ resolve, reject });
      child.stdin.write(path + '\0');
    });
  }

  private ensure(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', ['check-attr', '--stdin', '-z', ...CHECKOUT_ATTRIBUTES], { cwd: this.repo.root, env: gitEnv(), windowsHide: true });
    this.child = child;
    const n = CHECKOUT_ATTRIBUTES.length * 3;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const parts = (this.rest + chunk).split('\0');
      this.rest = parts.pop() ?? '';
      this.fields.push(...parts);
      // `<path> NUL <attribute> NUL <value> NUL` per attribute, in order, per path
      while (this.fields.length >= n) {
        const answer: Partial<Record<CheckoutAttribute, string>> = {};
        for (let i = 0; i < n; i += 3) answer[this.fields[i + 1] as CheckoutAttribute] = this.fields[i + 2] as string;
        this.fields.splice(0, n);
        this.queue.shift()?.resolve({ ...UNSPECIFIED, ...answer });
      }
      if (!this.queue.length) this.idle = idleAfterAnswers(child, this.idle, () => this.end());
    });
    child.stderr.on('data', () => undefined);
    child.stdin.on('error', () => undefined);
    const gone = (err?: Error) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.fields = [];
      this.rest = '';
      const e = new GitError(`git check-attr stopped unexpectedly in ${this.repo.root}${err ? `: ${err.message}` : ''}.`);
      for (const q of this.queue.splice(0)) q.reject(e);
    };
    child.on('error', gone);
    child.on('close', () => gone());
    // Never what keeps a process alive (the CLI, mocha): pipes and child are unreferenced.
    holdWhileBusy(child, false);
    return child;
  }

  private end(): void {
    if (this.queue.length) return;
    const child = this.child;
    this.child = undefined;
    child?.stdin.end();
  }
}

// One per repository object: it ends itself when idle, so nothing has to dispose of it.
const processes = new WeakMap<GitRepo, AttributeProcess>();

/** The checkout attributes of a repository-relative path, as the working tree's .gitattributes say. Rejects when git fails. */
export function checkoutAttributes(repo: GitRepo, path: string): Promise<CheckoutAttributes> {
  let p = processes.get(repo);
  if (!p) {
    p = new AttributeProcess(repo);
    processes.set(repo, p);
  }
  return p.attributesOf(path);
}
