// The checkout/clean attributes of a path through one long-lived `git check-attr --stdin -z`
// per repository: it answers each path as it reads it, so asking costs a pipe round trip
// instead of a process. Overlay reads ask for `working-tree-encoding`, result commits for
// the attributes that decide cleaning (cleanBlobs.ts): both through the same process.
//
// git reads the working tree's .gitattributes once per folder per process; the process ends
// after a few idle seconds, so an edited .gitattributes is seen by the next burst of questions.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitError } from './errors';
import { perRepository, QuestionProcess } from './processHold';
import { gitEnv, type GitRepo } from './repo';

export const CHECKOUT_ATTRIBUTES = ['text', 'eol', 'crlf', 'filter', 'working-tree-encoding', 'ident'] as const;
export type CheckoutAttribute = (typeof CHECKOUT_ATTRIBUTES)[number];
/** An attribute's value as check-attr prints it (`unspecified`, `set`, `unset` or the value). */
export type CheckoutAttributes = Readonly<Record<CheckoutAttribute, string>>;

const UNSPECIFIED: CheckoutAttributes = Object.fromEntries(CHECKOUT_ATTRIBUTES.map((a) => [a, 'unspecified'])) as CheckoutAttributes;

class AttributeProcess extends QuestionProcess<{ resolve: (value: CheckoutAttributes) => void; reject: (e: Error) => void }> {
  private fields: string[] = [];
  private rest = '';

  constructor(private readonly repo: GitRepo) {
    super();
  }

  /** Questions in flight by path: a read asks for the same path twice (filters, encoding), git answers once. */
  private readonly inFlight = new Map<string, Promise<CheckoutAttributes>>();

  attributesOf(path: string): Promise<CheckoutAttributes> {
    if (path.includes('\0')) return Promise.resolve(UNSPECIFIED);
    const asked = this.inFlight.get(path);
    if (asked) return asked;
    questionsAsked++;
    const answer = new Promise<CheckoutAttributes>((resolve, reject) => this.ask({ resolve, reject }, path + '\0'));
    this.inFlight.set(path, answer);
    const done = () => this.inFlight.delete(path);
    answer.then(done, done);
    return answer;
  }

  protected spawnProcess(): ChildProcessWithoutNullStreams {
    const child = spawn('git', ['check-attr', '--stdin', '-z', ...CHECKOUT_ATTRIBUTES], { cwd: this.repo.root, env: gitEnv(), windowsHide: true });
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
      this.answered();
    });
    child.stderr.on('data', () => undefined);
    return child;
  }

  protected stopped(waiting: { reject: (e: Error) => void }[], err: Error | undefined): void {
    this.fields = [];
    this.rest = '';
    const e = new GitError(`git check-attr stopped unexpectedly in ${this.repo.root}${err ? `: ${err.message}` : ''}.`);
    for (const q of waiting) q.reject(e);
  }
}

let questionsAsked = 0;

/** How many paths were asked about so far, in this process (tests and benches count them). */
export function attributeQuestions(): number {
  return questionsAsked;
}

const processOf = perRepository((repo) => new AttributeProcess(repo));

/** Starts the repository's check-attr process ahead of the first question (see QuestionProcess.warm). */
export function warmAttributes(repo: GitRepo): void {
  processOf(repo).warm();
}

/**
 * The checkout attributes of `paths` in another work tree (treeAttributes.ts: a stand-in with a
 * result tree's attributes files), through one `git check-attr` run there with `env`.
 */
export async function attributesInWorkTree(repo: GitRepo, where: { readonly workTree: string; readonly env: Readonly<Record<string, string>> }, paths: readonly string[]): Promise<CheckoutAttributes[]> {
  const asked = paths.filter((p) => !p.includes('\0'));
  const out = await repo.exec(['check-attr', '--stdin', '-z', ...CHECKOUT_ATTRIBUTES], { input: asked.map((p) => `${p}\0`).join(''), env: where.env, cwd: where.workTree });
  const fields = out.stdout.toString('utf8').split('\0');
  const byPath = new Map<string, Partial<Record<CheckoutAttribute, string>>>();
  // `<path> NUL <attribute> NUL <value> NUL`, per attribute and path, as the long-lived process reads them
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const a = byPath.get(fields[i] as string) ?? {};
    a[fields[i + 1] as CheckoutAttribute] = fields[i + 2] as string;
    byPath.set(fields[i] as string, a);
  }
  return paths.map((p) => ({ ...UNSPECIFIED, ...byPath.get(p) }));
}

/** The checkout attributes of a repository-relative path, as the working tree's .gitattributes say. Rejects when git fails. */
export function checkoutAttributes(repo: GitRepo, path: string): Promise<CheckoutAttributes> {
  return processOf(repo).attributesOf(path);
}
