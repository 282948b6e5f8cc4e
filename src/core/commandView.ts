// Where an agent's commands run: a view of the task's workspace in which shell commands
// (tests, builds, linters) see the task's base plus everything the task wrote with its file
// tools, and whose own changes can be read back and either kept (into the task's overlay)
// or dropped. The sandbox layer implements it as a copy-on-write layer over one shared,
// read-only materialisation of the run's base, inside user, mount and network namespaces;
// where namespaces are unavailable, a per-task worktree implements it with the same contract
// (ownership is then checked after each command instead of by the mount).
//
// Paths are workspace-relative with forward slashes, as in core/workspace.ts.

/** One change a command (or the task's file tools) made to the view, relative to the view before it. */
export type ViewChange =
  | { readonly path: string; readonly kind: 'write'; readonly content: Buffer; readonly executable: boolean }
  | { readonly path: string; readonly kind: 'symlink'; readonly target: string }
  | { readonly path: string; readonly kind: 'delete' };

export interface CommandRunOptions {
  /**
   * The command's whole process tree ends after this long (the tool result says so).
   * NO_TIMEOUT (or anything a timer cannot hold, over ~24 days) means none: a command task without `timeoutSeconds`.
   */
  readonly timeoutMs: number;
  /** Cancel: the whole process tree ends; the promise resolves (never rejects) soon after. */
  readonly signal?: AbortSignal;
  /** Network beyond the view's own loopback (a task's `network: true`). */
  readonly network: boolean;
  /** Bytes of combined output kept (the tail); the rest is counted, not kept. */
  readonly maxOutputBytes: number;
  /** Extra environment (merged over the sandbox's own: private HOME and TMPDIR, the user's PATH). */
  readonly env?: Readonly<Record<string, string>>;
  /** Live output chunks, for the UI, and which stream each came from (a command task's transcript keeps them apart). */
  readonly onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

export interface CommandRunResult {
  /** null when the process was ended by a signal (timeout, cancel). */
  readonly exitCode: number | null;
  readonly signal?: string;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly wallMs: number;
  /** The tail of stdout and stderr interleaved, at most maxOutputBytes. */
  readonly output: string;
  /** Total bytes the command printed (output.length when nothing was cut). */
  readonly outputBytes: number;
  /** Tracked (not git-ignored) paths the command changed, in path order. Ignored paths stay in the view only. */
  readonly changes: readonly ViewChange[];
  /**
   * Files the command wrote outside the workspace folder that the view can see but never keeps,
   * as `../`-relative paths (the sandbox: beside the workspace in its private /tmp or HOME).
   * The worktree fallback reports such writes in `changes` instead.
   */
  readonly outside?: readonly string[];
  /** Git-ignored files the command wrote (new or changed): how many, and the first few, workspace-relative. */
  readonly ignored?: IgnoredWrites;
}

export interface IgnoredWrites {
  readonly count: number;
  /** The first few in path order. */
  readonly sample: readonly string[];
}

/** No timeout (a command task without `timeoutSeconds`). */
export const NO_TIMEOUT = Number.POSITIVE_INFINITY;

/** Timers hold at most 2^31-1 ms; a longer timeout is none (Node would otherwise fire it after 1 ms). */
export function timerDelay(timeoutMs: number): number | undefined {
  return timeoutMs >= 0 && timeoutMs < 2 ** 31 ? timeoutMs : undefined;
}

export interface CommandView {
  /** 'namespaces': the copy-on-write sandbox; 'worktree': the fallback (no isolation of the rest of the machine). */
  readonly mode: 'namespaces' | 'worktree';
  /** Why the fallback is used (shown once in the run log, the tool's description and the Agents view). */
  readonly fallbackReason?: string;
  /** Absolute path at which commands see the workspace (the real workspace's own path when the sandbox can mount there). */
  readonly workspacePath: string;
  /** Brings the view up to date with the task's file-tool writes before a command (only what changed since the last sync). */
  sync(changes: readonly ViewChange[]): Promise<void>;
  /** Runs `bash -c command` with cwd = workspacePath. */
  run(command: string, options: CommandRunOptions): Promise<CommandRunResult>;
  /** Undoes changes in the view that were not kept (a write outside `owns`), so later commands do not see them. */
  revert(paths: readonly string[]): Promise<void>;
  /** Removes the view's private state (its upper layer or worktree). Idempotent. */
  dispose(): Promise<void>;
}

/**
 * What an agent's run_command uses of a view: no workspacePath, so that the engine can hand an
 * agent its view while it is still being made (engine/commandViews.ts forAgent).
 */
export type AgentCommandView = Omit<CommandView, 'workspacePath'>;
