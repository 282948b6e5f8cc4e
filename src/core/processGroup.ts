// Process groups: a command is spawned detached (its own process group), so a timeout or
// a cancel ends the command *and everything it started*: SIGTERM to the group, SIGKILL
// 2 s later if any member is left; waiting ends only once the group is gone. Shared by
// command tasks (agents/commandRunner.ts) and the command views of agents' run_command
// (git/worktreeCommandView.ts, the sandbox), which run `runInGroup`.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { timerDelay, type CommandRunResult } from './commandView';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether any live (non-zombie) process is in process group `pgid`. */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  // kill(…, 0) also succeeds for zombies, which nothing may reap in a container: ask /proc.
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue;
      }
      // pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    }
    return false;
  } catch {
    return true;
  }
}

/** SIGTERM the group, SIGKILL it after `graceMs` if a member is left; resolves when it is gone. */
export async function killProcessGroup(pgid: number, graceMs = 2000): Promise<void> {
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pgid, sig);
    } catch {
      /* gone already */
    }
  };
  if (!processGroupAlive(pgid)) return;
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!processGroupAlive(pgid)) return;
    await sleep(25);
  }
  signalGroup('SIGKILL');
  // SIGKILL cannot be ignored; wait (bounded) for the kernel to finish the members off.
  const hardDeadline = Date.now() + 5000;
  while (processGroupAlive(pgid) && Date.now() < hardDeadline) await sleep(25);
}

export interface GroupRunOptions {
  /** Program and arguments (e.g. ['bash', '-c', command]). */
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Bytes of combined output kept (the tail). */
  readonly maxOutputBytes: number;
  readonly onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Grace between SIGTERM and SIGKILL (default 2000 ms). */
  readonly killGraceMs?: number;
}

/** A command view's result without its changes (core/commandView.ts), or why nothing ran. */
export interface GroupRunResult extends Omit<CommandRunResult, 'changes'> {
  /** Set when the program could not be started at all. */
  readonly spawnError?: string;
}

/**
 * Runs argv in its own process group with a timeout and a cancel signal; resolves (never
 * rejects) once the whole group is gone, members left behind by the shell included.
 */
export async function runInGroup(opts: GroupRunOptions): Promise<GroupRunResult> {
  const started = Date.now();
  const chunks: Buffer[] = [];
  let kept = 0;
  let total = 0;
  const base = { wallMs: 0, output: '', outputBytes: 0, timedOut: false, cancelled: false };
  if (opts.signal?.aborted) return { ...base, exitCode: null, cancelled: true };
  const [program, ...args] = opts.argv;
  const child = spawn(program as string, args, { cwd: opts.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: opts.env });
  const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    total += chunk.length;
    chunks.push(chunk);
    kept += chunk.length;
    // keep at most twice the budget in memory; cut to the tail when over
    if (kept > 2 * opts.maxOutputBytes) {
      const tail = Buffer.concat(chunks).subarray(-opts.maxOutputBytes);
      chunks.length = 0;
      chunks.push(tail);
      kept = tail.length;
    }
    try {
      opts.onOutput?.(chunk.toString('utf8'), stream);
    } catch {
      /* a listener never stops the command */
    }
  };
  child.stdout?.on('data', onData('stdout'));
  child.stderr?.on('data', onData('stderr'));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }>((resolve) => {
    child.once('error', (err) => resolve({ code: null, signal: null, spawnError: err }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const streamsClosed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const pgid = child.pid;
  let ending: 'timeout' | 'cancel' | undefined;
  let killing: Promise<void> | undefined;
  const endGroup = (why: 'timeout' | 'cancel') => {
    ending ??= why;
    if (pgid !== undefined) killing ??= killProcessGroup(pgid, opts.killGraceMs ?? 2000);
  };
  const onAbort = () => endGroup('cancel');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const delay = timerDelay(opts.timeoutMs);
  const timer = delay === undefined ? undefined : setTimeout(() => endGroup('timeout'), delay);
  try {
    const exit = await exited;
    if (pgid !== undefined) killing ??= killProcessGroup(pgid, opts.killGraceMs ?? 2000);
    await killing;
    // Output still buffered in the pipes arrives before 'close'; don't wait on an escaped holder.
    await Promise.race([streamsClosed, sleep(500)]);
    child.stdout?.destroy();
    child.stderr?.destroy();
    const all = Buffer.concat(chunks);
    // Cut at a character boundary: drop continuation bytes at the start of the tail.
    let tail = all.subarray(Math.max(0, all.length - opts.maxOutputBytes));
    let skip = 0;
    while (skip < tail.length && skip < 4 && ((tail[skip] as number) & 0xc0) === 0x80 && tail.length < all.length) skip++;
    tail = tail.subarray(skip);
    return {
      exitCode: exit.code,
      ...(exit.signal ? { signal: exit.signal } : {}),
      timedOut: ending === 'timeout',
      cancelled: ending === 'cancel',
      wallMs: Date.now() - started,
      output: tail.toString('utf8'),
      outputBytes: total,
      ...(exit.spawnError ? { spawnError: exit.spawnError.message } : {}),
    };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
