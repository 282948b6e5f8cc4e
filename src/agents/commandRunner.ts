// Command tasks (`run:`): `sh -c <run>` in a directory the caller provides (a worktree of the
// task's base). stdout and stderr go to the transcript as they arrive; exit code 0 succeeds,
// anything else fails. The command runs in its own process group (spawned detached), so a
// timeout or a cancel ends the command *and everything it started*: SIGTERM to the group,
// SIGKILL 2 s later if any member is left. The promise resolves only once the group is gone.
// Members left running after the shell itself exits (e.g. `server &`) are ended the same way.
import { spawn } from 'node:child_process';
import type { Task } from '../core';
import { emptyUsage, killProcessGroup, type TaskProgress, type TranscriptEntry } from '../core';

export { killProcessGroup, processGroupAlive } from '../core';

export interface CommandTaskRequest {
  task: Task;
  /** Absolute directory the command runs in. */
  cwd: string;
  signal: AbortSignal;
  /** Default: the task's timeoutSeconds; none when neither is set. */
  timeoutMs?: number;
  onTranscript?: (entry: TranscriptEntry) => void;
  onProgress?: (progress: TaskProgress) => void;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Characters of output kept for `output` (default 16 000). */
  maxOutputChars?: number;
  /** Grace between SIGTERM and SIGKILL (default 2000 ms). */
  killGraceMs?: number;
}

export interface CommandTaskResult {
  status: 'succeeded' | 'failed' | 'cancelled';
  /** null when the command was ended by a signal. */
  exitCode: number | null;
  /** The tail of stdout and stderr, interleaved as they arrived. */
  output: string;
  error?: string;
  durationMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runCommandTask(req: CommandTaskRequest): Promise<CommandTaskResult> {
  const started = Date.now();
  const { task } = req;
  const maxChars = req.maxOutputChars ?? 16_000;
  const timeoutMs = req.timeoutMs ?? (task.timeoutSeconds !== undefined ? task.timeoutSeconds * 1000 : undefined);
  let tail = '';

  const transcript = (type: TranscriptEntry['type'], data: unknown) => {
    try {
      req.onTranscript?.({ at: Date.now(), type, data });
    } catch {
      /* ignore */
    }
  };
  const progress = (textDelta?: string) => {
    try {
      req.onProgress?.({
        taskId: task.id,
        ...(textDelta ? { textDelta } : {}),
        tokens: emptyUsage(),
        costUsd: 0,
        turns: 0,
        elapsedMs: Date.now() - started,
      });
    } catch {
      /* ignore */
    }
  };
  const done = (status: CommandTaskResult['status'], exitCode: number | null, error?: string): CommandTaskResult => {
    transcript('event', { kind: 'end', status, exitCode, ...(error ? { error } : {}) });
    return { status, exitCode, output: tail, durationMs: Date.now() - started, ...(error ? { error } : {}) };
  };

  if (!task.run) return done('failed', null, `Task "${task.id}" has no run command.`);
  if (req.signal.aborted) return done('cancelled', null, 'Cancelled before it started.');

  transcript('event', { kind: 'start', command: task.run, cwd: req.cwd });
  const child = spawn('sh', ['-c', task.run], {
    cwd: req.cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...req.env },
  });

  const onData = (type: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-maxChars);
    transcript(type, text);
    progress(text);
  };
  child.stdout?.on('data', onData('stdout'));
  child.stderr?.on('data', onData('stderr'));

  let ending: 'timeout' | 'cancel' | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }>((resolve) => {
    child.once('error', (err) => resolve({ code: null, signal: null, spawnError: err }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const streamsClosed = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const pgid = child.pid;
  let killing: Promise<void> | undefined;
  const endGroup = (why: 'timeout' | 'cancel') => {
    ending ??= why;
    if (pgid !== undefined) killing ??= killProcessGroup(pgid, req.killGraceMs ?? 2000);
  };
  const onAbort = () => endGroup('cancel');
  req.signal.addEventListener('abort', onAbort, { once: true });
  const timer = timeoutMs !== undefined ? setTimeout(() => endGroup('timeout'), timeoutMs) : undefined;

  try {
    const exit = await exited;
    if (exit.spawnError) return done('failed', null, `Could not start the command: ${exit.spawnError.message}`);
    // The shell is gone; end whatever it left behind in its group, and wait until it is gone.
    if (pgid !== undefined) killing ??= killProcessGroup(pgid, req.killGraceMs ?? 2000);
    await killing;
    // Output still buffered in the pipes arrives before 'close'; don't wait on an escaped holder.
    await Promise.race([streamsClosed, sleep(500)]);
    child.stdout?.destroy();
    child.stderr?.destroy();

    if (ending === 'cancel') return done('cancelled', exit.code, 'Cancelled; the command and its child processes were ended.');
    if (ending === 'timeout') {
      return done('failed', exit.code, `Timed out after ${Math.round((timeoutMs ?? 0) / 100) / 10} s; the command and its child processes were ended.`);
    }
    if (exit.code === 0) return done('succeeded', 0);
    if (exit.code === null) return done('failed', null, `The command was ended by ${exit.signal ?? 'a signal'}.`);
    const lastLines = tail.trimEnd().split('\n').slice(-5).join('\n');
    return done('failed', exit.code, `Exit code ${exit.code}${lastLines ? `:\n${lastLines}` : ''}`);
  } finally {
    if (timer) clearTimeout(timer);
    req.signal.removeEventListener('abort', onAbort);
  }
}
