// One sandboxed command as a process: perl (namespaceInit.ts) makes the namespaces and forks the
// namespace's pid 1 (perl setting up the mounts, then bash running the command). Ending it is clean
// because of the pid namespace: when pid 1 dies, the kernel kills everything else in it, even
// a daemon that left the process group (setsid), and the parent's wait returns only once the
// namespace is empty. A timeout or a cancel sends SIGKILL to pid 1 (and to the parent's process
// group, in case pid 1 does not exist yet); run() resolves after pid 1 is gone.
//
// Output: stdout and stderr as they arrive, interleaved; only the last maxOutputBytes are
// kept, every byte is counted.
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { timerDelay } from '../core';

export interface NamespaceRun {
  readonly exitCode: number | null;
  readonly signal?: string;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly wallMs: number;
  readonly output: Buffer;
  readonly outputBytes: number;
  /** The last lines of stderr (to tell a setup failure from the command's own). */
  readonly stderrTail: string;
}

export interface NamespaceRunOptions {
  readonly initArgs: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly maxOutputBytes: number;
  readonly onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

let perl: string | undefined;

/** perl's absolute path, found once (a PATH search per command costs a failed exec per entry). */
export function perlPath(): string {
  perl ??= (process.env.PATH ?? '').split(':').map((d) => (d ? path.join(d, 'perl') : '')).find((p) => p && isExecutable(p)) ?? 'perl';
  return perl;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Running (not a zombie, not gone). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

class TailBuffer {
  private chunks: Buffer[] = [];
  private kept = 0;
  total = 0;
  constructor(private readonly max: number) {}
  push(b: Buffer): void {
    this.total += b.length;
    this.chunks.push(b);
    this.kept += b.length;
    while (this.chunks.length > 1 && this.kept - (this.chunks[0] as Buffer).length >= this.max) this.kept -= (this.chunks.shift() as Buffer).length;
  }
  value(): Buffer {
    const all = Buffer.concat(this.chunks);
    return all.length > this.max ? all.subarray(all.length - this.max) : all;
  }
}

export function runInNamespaces(opts: NamespaceRunOptions): Promise<NamespaceRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(perlPath(), opts.initArgs, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: opts.env,
    });
    const out = new TailBuffer(Math.max(0, opts.maxOutputBytes));
    let stderrTail = '';
    const onData = (isErr: boolean) => (b: Buffer) => {
      out.push(b);
      if (isErr) stderrTail = (stderrTail + b.toString('utf8')).slice(-2000);
      try {
        opts.onOutput?.(b.toString('utf8'), isErr ? 'stderr' : 'stdout');
      } catch {
        /* the UI's problem */
      }
    };
    child.stdout.on('data', onData(false));
    child.stderr.on('data', onData(true));

    let ending: 'timeout' | 'cancel' | undefined;
    const pid1s = new Set<number>();
    const end = (why: 'timeout' | 'cancel') => {
      ending ??= why;
      if (child.pid === undefined) return;
      for (const c of childrenOf(child.pid)) pid1s.add(c);
      for (const c of pid1s) {
        try {
          process.kill(c, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    };
    const onAbort = () => end('cancel');
    if (opts.signal?.aborted) queueMicrotask(onAbort);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const delay = timerDelay(opts.timeoutMs);
    const timer = delay === undefined ? undefined : setTimeout(() => end('timeout'), delay);

    let spawnError: Error | undefined;
    child.once('error', (e) => {
      spawnError = e;
    });
    child.once('close', async (code, signal) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      // the parent was killed before its wait returned: wait until pid 1 (and so the namespace) is gone.
      const deadline = Date.now() + 10_000;
      while ([...pid1s].some(running) && Date.now() < deadline) await sleep(10);
      resolve({
        exitCode: spawnError ? null : code,
        ...(signal ? { signal } : {}),
        timedOut: ending === 'timeout',
        cancelled: ending === 'cancel',
        wallMs: Date.now() - started,
        output: spawnError ? Buffer.from(`Could not start perl (the sandbox needs it): ${spawnError.message}\n`) : out.value(),
        outputBytes: out.total,
        stderrTail,
      });
    });
  });
}
