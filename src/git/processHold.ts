// Long-lived helper processes (check-attr, update-ref): one per repository, asked questions
// over stdin and answering in order. They must keep Node alive while a question is waiting
// for its answer — else a CLI whose only pending work is that answer exits with code 0
// mid-operation — and must never keep it alive when idle; an idle process ends after a few
// seconds and starts again on the next question.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { GitRepo } from './repo';

type Refable = { ref?: () => void; unref?: () => void };

function holdWhileBusy(child: ChildProcessWithoutNullStreams, busy: boolean): void {
  for (const h of [child, child.stdout, child.stdin, child.stderr] as unknown as Refable[]) {
    if (busy) h.ref?.();
    else h.unref?.();
  }
}

/** An idle process ends after this long (and starts again on the next question). */
const IDLE_MS = 5000;

/** The queue of questions in flight and the process's life; subclasses spawn it and read its answers. */
export abstract class QuestionProcess<Q> {
  private child: ChildProcessWithoutNullStreams | undefined;
  private idle: NodeJS.Timeout | undefined;
  /** Questions asked and not yet answered, oldest first. */
  protected queue: Q[] = [];

  /** Spawns the process and wires its output to the answers (stdout, stderr). */
  protected abstract spawnProcess(): ChildProcessWithoutNullStreams;
  /** The process died: `waiting` are the questions it did not answer (the queue is empty again). */
  protected abstract stopped(waiting: Q[], err: Error | undefined): void;

  /** Queues `question` and writes `text` to the process (started when needed). */
  protected ask(question: Q, text: string): void {
    const child = this.ensure();
    if (this.idle) clearTimeout(this.idle);
    if (!this.queue.length) holdWhileBusy(child, true);
    this.queue.push(question);
    child.stdin.write(text);
  }

  /**
   * Starts the process before the first question, at a moment the caller knows the event
   * loop is idle: spawn() blocks the loop for milliseconds (it grows with the heap), and a
   * question asked later then waits for a pipe round trip only. Ends when idle, as always.
   */
  warm(): void {
    this.ensure();
    this.answered();
  }

  /** Call after answers were taken off the queue: once none waits, let go of Node and start the idle timer. */
  protected answered(): void {
    const child = this.child;
    if (this.queue.length || !child) return;
    holdWhileBusy(child, false);
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.end(), IDLE_MS);
    this.idle.unref();
  }

  private ensure(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = this.spawnProcess();
    this.child = child;
    child.stdin.on('error', () => undefined);
    const gone = (err?: Error) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.stopped(this.queue.splice(0), err);
    };
    child.on('error', gone);
    child.on('close', () => gone());
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

/** One object per repository object (it ends its process when idle, so nothing disposes of it). */
export function perRepository<T extends object>(create: (repo: GitRepo) => T): (repo: GitRepo) => T {
  const made = new WeakMap<GitRepo, T>();
  return (repo) => {
    let x = made.get(repo);
    if (!x) {
      x = create(repo);
      made.set(repo, x);
    }
    return x;
  };
}
