// The engine's own ref updates (refs/parallel-agents/…) as loose ref files written here
// (looseRefs.ts) where that is what git would write, else through one long-lived
// `git update-ref --stdin` per repository, a `start`/`update`/`commit` transaction each,
// instead of a process per update (one per finished task). git writes the ref exactly as
// `git update-ref <ref> <sha>` would, locks and packed refs included.
//
// The process takes one reflog message for all its updates, so it is used only where no
// reflog is written: git logs updates of refs outside refs/heads, refs/remotes and
// refs/notes only with core.logAllRefUpdates=always; then each update gets its own process.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitError } from './errors';
import { perRepository, QuestionProcess } from './processHold';
import { gitEnv, type GitRepo } from './repo';
import { writeLooseRef } from './looseRefs';
import { spareFiles } from './spareFiles';
import { writeConfig, type WriteConfig } from './writeConfig';

const OWN_REFS = 'refs/parallel-agents/';

interface Pending {
  readonly ref: string;
  readonly sha: string;
  /** Answers still expected: `start: ok`, then `commit: ok`. */
  left: number;
  resolve(): void;
  reject(e: Error): void;
}

class RefUpdateProcess extends QuestionProcess<Pending> {
  private rest = '';
  private stderr = '';

  constructor(private readonly repo: GitRepo) {
    super();
  }

  update(ref: string, sha: string): Promise<void> {
    return new Promise((resolve, reject) => this.ask({ ref, sha, left: 2, resolve, reject }, `start\nupdate ${ref} ${sha}\ncommit\n`));
  }

  protected spawnProcess(): ChildProcessWithoutNullStreams {
    const child = spawn('git', ['update-ref', '--stdin'], { cwd: this.repo.root, env: gitEnv(), windowsHide: true });
    this.rest = '';
    this.stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (this.rest + chunk).split('\n');
      this.rest = lines.pop() ?? '';
      for (const line of lines) {
        const p = this.queue[0];
        if (!p) continue;
        if (line !== 'start: ok' && line !== 'commit: ok') continue;
        if (--p.left === 0) {
          this.queue.shift();
          p.resolve();
        }
      }
      this.answered();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => (this.stderr += s));
    return child;
  }

  protected stopped(waiting: Pending[], err: Error | undefined): void {
    const why = (err?.message ?? this.stderr.trim().split('\n').slice(-2).join(' ')) || 'it stopped unexpectedly';
    // The first waiting update is the one git refused; the others never ran: a new process runs them.
    const [first, ...others] = waiting;
    first?.reject(new GitError(`Could not update ${first.ref} in ${this.repo.root}: ${why}`, ['update-ref']));
    if (err) for (const p of others) p.reject(new GitError(`Could not update ${p.ref} in ${this.repo.root}: ${why}`, ['update-ref']));
    else for (const p of others) this.update(p.ref, p.sha).then(p.resolve, p.reject);
  }
}

const processOf = perRepository((repo) => new RefUpdateProcess(repo));

/** Whether this repository's own refs are written as loose files here (looseRefs.ts) rather than by git. */
const writesRefFiles = (c: WriteConfig) => c.plainRefFiles && !c.shared && process.platform !== 'win32';

/**
 * Gets the first update ready ahead of time: the spare files loose refs are written through
 * (looseRefs.ts), else the repository's update-ref process (see QuestionProcess.warm). The
 * process is then started only if a ref has to go through git after all.
 */
export async function warmRefUpdates(repo: GitRepo): Promise<void> {
  const c = await writeConfig(repo);
  if (c.logAllRefs) return;
  if (writesRefFiles(c)) spareFiles(repo).prime();
  else processOf(repo).warm();
}

/** Points `ref` at `sha`; as a loose ref file or through the repository's update-ref process where that writes the same. */
export async function updateRefBatched(repo: GitRepo, ref: string, sha: string, reason: string): Promise<void> {
  const c = await writeConfig(repo);
  if (!ref.startsWith(OWN_REFS) || c.logAllRefs) {
    await repo.exec(['update-ref', '-m', `parallel-agents: ${reason}`, ref, sha]);
    return;
  }
  if (writesRefFiles(c) && writeLooseRef(repo, ref, sha)) return;
  await processOf(repo).update(ref, sha);
}
