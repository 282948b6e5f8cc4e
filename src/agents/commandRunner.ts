// Command tasks (`run:`, and a competitive task's `score`): the user's command, with its
// transcript, progress and outcome. stdout and stderr go to the transcript as they arrive;
// exit code 0 succeeds, anything else fails. Two ways to run it, one report:
// - runCommandTaskInView: `bash -c <run>` in a CommandView (core/commandView.ts), as agents'
//   commands run: the sandbox's copy-on-write view, or the worktree fallback. The engine's
//   command tasks use this; the result carries the view's changes and ignored writes.
// - runCommandTask: `sh -c <run>` in a directory the caller provides.
// Either way the command runs in its own process group (or pid namespace), so a timeout or a
// cancel ends the command *and everything it started*, and the promise resolves only once
// they are gone; members left running after the shell exits (`server &`) are ended too.
//
// Transcript: an 'event' {kind: 'start', command, cwd}, the 'stdout'/'stderr' chunks, an
// 'event' {kind: 'end', status, exitCode, error?}. Progress: one event per chunk (textDelta).
import type { CommandRunResult, CommandView, IgnoredWrites, Task, ViewChange } from '../core';
import { emptyUsage, NO_TIMEOUT, runInGroup, type TaskProgress, type TranscriptEntry } from '../core';

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

export interface ViewCommandTaskRequest extends Omit<CommandTaskRequest, 'cwd' | 'killGraceMs'> {
  /** Where the command runs (cwd: its workspacePath). The caller disposes it. */
  view: CommandView;
  /** Network beyond the view's own loopback. */
  network: boolean;
  /** The task's error when the view throws instead of running the command (default: the error's message). */
  describeError?: (e: unknown) => string;
}

export interface ViewCommandTaskResult extends CommandTaskResult {
  /** What the command changed in the view (tracked paths, workspace-relative); none when it did not run. */
  changes: readonly ViewChange[];
  /** Git-ignored files it wrote. */
  ignored?: IgnoredWrites;
  /** Files it wrote outside the workspace that the view saw (`../` paths), never kept. */
  outside?: readonly string[];
}

/** How a command ended, whichever way it ran. */
interface Ending {
  readonly exitCode: number | null;
  readonly signal?: string;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** It could not be started, or the place it runs in could not be set up (the message says why). */
  readonly notStarted?: string;
}

type Chunk = (text: string, stream: 'stdout' | 'stderr') => void;

/** The transcript, progress and outcome of one command task, however it runs. */
async function reportCommand<E extends Ending>(
  req: Omit<CommandTaskRequest, 'cwd'>,
  cwd: string,
  start: (timeoutMs: number, onChunk: Chunk) => Promise<E>,
): Promise<{ result: CommandTaskResult; ending?: E }> {
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

  if (!task.run) return { result: done('failed', null, `Task "${task.id}" has no run command.`) };
  if (req.signal.aborted) return { result: done('cancelled', null, 'Cancelled before it started.') };

  transcript('event', { kind: 'start', command: task.run, cwd });
  const ending = await start(timeoutMs ?? NO_TIMEOUT, (text, stream) => {
    tail = (tail + text).slice(-maxChars);
    transcript(stream, text);
    progress(text);
  });
  const outcome = (): CommandTaskResult => {
    if (ending.notStarted !== undefined) return done('failed', null, ending.notStarted);
    if (ending.cancelled) return done('cancelled', ending.exitCode, 'Cancelled; the command and its child processes were ended.');
    if (ending.timedOut) {
      return done('failed', ending.exitCode, `Timed out after ${Math.round((timeoutMs ?? 0) / 100) / 10} s; the command and its child processes were ended.`);
    }
    if (ending.exitCode === 0) return done('succeeded', 0);
    if (ending.exitCode === null) return done('failed', null, `The command was ended by ${ending.signal ?? 'a signal'}.`);
    const lastLines = tail.trimEnd().split('\n').slice(-5).join('\n');
    return done('failed', ending.exitCode, `Exit code ${ending.exitCode}${lastLines ? `:\n${lastLines}` : ''}`);
  };
  return { result: outcome(), ending };
}

/** Runs the task's command with `sh -c` in `req.cwd`. */
export async function runCommandTask(req: CommandTaskRequest): Promise<CommandTaskResult> {
  const { result } = await reportCommand(req, req.cwd, async (timeoutMs, onChunk) => {
    const r = await runInGroup({
      argv: ['sh', '-c', req.task.run as string],
      cwd: req.cwd,
      env: { ...process.env, ...req.env },
      timeoutMs,
      signal: req.signal,
      // The report keeps its own tail (in characters) from the chunks.
      maxOutputBytes: 1024,
      onOutput: onChunk,
      ...(req.killGraceMs !== undefined && { killGraceMs: req.killGraceMs }),
    });
    return r.spawnError !== undefined ? { ...r, notStarted: `Could not start the command: ${r.spawnError}` } : r;
  });
  return result;
}

/** What of the user's environment a command task keeps in a view: all of it (the user wrote the command) but what the view sets itself. */
function userEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !VIEW_OWN_ENV.has(k)) env[k] = v;
  return env;
}
// HOME and TMPDIR are the view's private ones; the rest describe the engine's own shell.
const VIEW_OWN_ENV = new Set(['HOME', 'TMPDIR', 'PWD', 'OLDPWD', 'SHLVL', '_']);

/** Runs the task's command in a command view. A view that cannot be set up fails the task with the view's reason. */
export async function runCommandTaskInView(req: ViewCommandTaskRequest): Promise<ViewCommandTaskResult> {
  const { result, ending } = await reportCommand(req, req.view.workspacePath, async (timeoutMs, onChunk) => {
    try {
      return await req.view.run(req.task.run as string, {
        timeoutMs,
        network: req.network,
        signal: req.signal,
        maxOutputBytes: 64_000,
        env: { ...userEnvironment(), ...req.env },
        onOutput: onChunk,
      });
    } catch (e) {
      const notRun: Ending & CommandRunResult = {
        exitCode: null,
        timedOut: false,
        cancelled: false,
        wallMs: 0,
        output: '',
        outputBytes: 0,
        changes: [],
        notStarted: req.describeError?.(e) ?? (e instanceof Error ? e.message : String(e)),
      };
      return notRun;
    }
  });
  return { ...result, changes: ending?.changes ?? [], ...(ending?.ignored && { ignored: ending.ignored }), ...(ending?.outside && { outside: ending.outside }) };
}
