// The `working-tree-encoding` attribute of a path, through one long-lived
// `git check-attr --stdin -z` per ObjectReader (it answers each path as it reads it), so
// asking costs a pipe round trip, in parallel with the read itself.
//
// Why the overlay needs it: agents read what a checkout would write, except for the
// encoding. The file tools speak UTF-8 text; a checkout of a UTF-16 or Latin-1 file is
// bytes they would refuse as binary or, worse, read as mojibake and write back corrupted.
// git stores such files in UTF-8, so for them agents read and write the stored UTF-8.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { ObjectReader } from './catFileBatch';
import { gitEnv, type GitRepo } from './repo';

/** An idle process ends after this long (and starts again on the next question). */
const IDLE_MS = 5000;

class EncodingAttributeProcess {
  private child: ChildProcessWithoutNullStreams | undefined;
  private idle: NodeJS.Timeout | undefined;
  private queue: Array<(value: string | undefined) => void> = [];
  private fields: string[] = [];
  private rest = '';

  constructor(private readonly repo: GitRepo) {}

  /** The attribute's value for `path`, or undefined when it is not set. */
  encodingOf(path: string): Promise<string | undefined> {
    if (path.includes('\0')) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const child = this.ensure();
      if (this.idle) clearTimeout(this.idle);
      this.queue.push(resolve);
      child.stdin.write(path + '\0');
    });
  }

  private ensure(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', ['check-attr', '--stdin', '-z', 'working-tree-encoding'], { cwd: this.repo.root, env: gitEnv(), windowsHide: true });
    this.child = child;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const parts = (this.rest + chunk).split('\0');
      this.rest = parts.pop() ?? '';
      this.fields.push(...parts);
      // `<path> NUL working-tree-encoding NUL <value> NUL` per path, in order
      while (this.fields.length >= 3) {
        const value = this.fields[2] as string;
        this.fields.splice(0, 3);
        this.queue.shift()?.(value === 'unspecified' || value === 'unset' || value === 'set' ? undefined : value);
      }
      if (!this.queue.length) {
        if (this.idle) clearTimeout(this.idle);
        this.idle = setTimeout(() => this.end(), IDLE_MS);
        this.idle.unref();
      }
    });
    child.stderr.on('data', () => undefined);
    child.stdin.on('error', () => undefined);
    const gone = () => {
      if (this.child !== child) return;
      this.child = undefined;
      this.fields = [];
      this.rest = '';
      // Without an answer, the file is read as a checkout writes it.
      for (const resolve of this.queue.splice(0)) resolve(undefined);
    };
    child.on('error', gone);
    child.on('close', gone);
    // Never what keeps a process alive (the CLI, mocha): pipes and child are unreferenced.
    child.unref();
    for (const s of [child.stdout, child.stdin, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
    return child;
  }

  private end(): void {
    if (this.queue.length) return;
    const child = this.child;
    this.child = undefined;
    child?.stdin.end();
  }
}

// One per ObjectReader (a run's readers): it ends itself when idle, so nothing has to
// dispose of it.
const processes = new WeakMap<ObjectReader, EncodingAttributeProcess>();

/** The `working-tree-encoding` of a repository-relative path, or undefined. */
export function workingTreeEncoding(reader: ObjectReader, path: string): Promise<string | undefined> {
  let p = processes.get(reader);
  if (!p) {
    p = new EncodingAttributeProcess(reader.repo);
    processes.set(reader, p);
  }
  return p.encodingOf(path);
}
