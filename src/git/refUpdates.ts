// The engine's own ref updates (refs/parallel-agents/…) through one long-lived
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
import { writeConfig } from './writeConfig';

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

/** Starts the repository's update-ref process ahead of the first update (see QuestionProcess.warm). */
export async function warmRefUpdates(repo: GitRepo): Promise<void> {
  if (!(await writeConfig(repo)).logAllRefs) processOf(repo).warm();
}

/**
 * As warmRefUpdates, without waiting for the config: the spawn happens now, while the caller
 * knows the loop would wait anyway. A repository that logs every ref update (rare) is left
 * with an idle process, which ends when idle.
 */
export function warmRefUpdatesNow(repo: GitRepo): void {
  processOf(repo).warm();
}

/** Points `ref` at `sha`; through the repository's update-ref process where that writes the same. */
export async function updateRefBatched(repo: GitRepo, ref: string, sha: string, reason: string): Promise<void> {
  if (!ref.startsWith(OWN_REFS) || (await writeConfig(repo)).logAllRefs) {
    await repo.exec(['update-ref', '-m', `parallel-agents: ${reason}`, ref, sha]);
    return;
  }
  await processOf(repo).update(ref, sha);
}
