// The run's vocabulary, shared by the scheduler, the agents, the git journal, the CLI
// and the views.

/**
 * `undecided`: the task finished without reaching its decision (a consensus that tied, or
 * whose lead the failed voters' missing votes could overturn). Terminal; its dependents run
 * only when its strategy says `allowUndecided: true`, else they are skipped.
 */
export type TaskStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped' | 'undecided';

export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(['succeeded', 'failed', 'cancelled', 'skipped', 'undecided']);

/** How a finished run ended, from its tasks' statuses. */
export type SettledRunStatus = 'succeeded' | 'failed' | 'cancelled' | 'undecided';

/**
 * A run succeeded when every task succeeded, or ended undecided with its strategy's
 * `allowUndecided`. Otherwise a failure outweighs a cancel, which outweighs an undecided
 * task (whose dependents were skipped).
 */
export function settledRunStatus(
  tasks: Iterable<{ readonly status: TaskStatus; readonly strategy?: { readonly votes?: { readonly allowUndecided?: boolean } } }>,
): SettledRunStatus {
  let failed = false;
  let cancelled = false;
  let undecided = false;
  let skipped = false;
  for (const t of tasks) {
    if (t.status === 'succeeded' || (t.status === 'undecided' && t.strategy?.votes?.allowUndecided === true)) continue;
    if (t.status === 'failed') failed = true;
    else if (t.status === 'undecided') undecided = true;
    else if (t.status === 'skipped') skipped = true;
    else cancelled = true;
  }
  return failed ? 'failed' : cancelled ? 'cancelled' : undecided ? 'undecided' : skipped ? 'cancelled' : 'succeeded';
}

export interface TokenUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export function emptyUsage(): TokenUsage {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
}

export function addUsage(a: TokenUsage, b: Partial<TokenUsage>): TokenUsage {
  return {
    input: a.input + (b.input ?? 0),
    output: a.output + (b.output ?? 0),
    cacheRead: a.cacheRead + (b.cacheRead ?? 0),
    cacheWrite: a.cacheWrite + (b.cacheWrite ?? 0),
  };
}

/** Live progress of a running task (agents stream these; command tasks send fewer). */
export interface TaskProgress {
  readonly taskId: string;
  /** Name of the tool the agent is running now, if any. */
  readonly currentTool?: string;
  /** Text streamed since the last progress event. */
  readonly textDelta?: string;
  readonly tokens: TokenUsage;
  readonly costUsd: number;
  readonly turns: number;
  readonly elapsedMs: number;
}

/** Why an agent stopped when it did not simply finish. */
export type StopReason = 'done' | 'maxTurns' | 'tokenBudget' | 'usdBudget' | 'cancelled' | 'error';

/** What a finished task hands to its dependents and to the journal. */
export interface TaskOutput {
  readonly taskId: string;
  /** The agent's final text, or a command task's tail of output. */
  readonly output: string;
  /** Workspace-relative paths the task changed. */
  readonly changed: readonly string[];
}

/** One line of a task's transcript (stored as JSONL beside the journal). */
export interface TranscriptEntry {
  readonly at: number;
  readonly type: 'system' | 'user' | 'assistant' | 'tool_use' | 'tool_result' | 'stdout' | 'stderr' | 'event';
  readonly data: unknown;
}
