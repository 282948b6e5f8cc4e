// The run record: the one description of a run, for the engine, the journal on disk, the
// CLI and the VS Code views. The live Run hands out read-only copies of it; the journal
// (`version: 2`) is the same record without what only a live run has (see LIVE_ONLY).
//
// Paths are repository-relative, as git addresses them: every task's `owns`, `changed`
// and its attempts' `changed`. `prefix` says where the workspace folder is ('pkg/', or ''
// at the top), so a front end that wants workspace-relative paths strips it
// (`workspacePath`), and none has to guess it.
import type { StopReason, TaskProgress, TaskStatus, TokenUsage, StrategyOutcome, TaskKind } from '../core';
import type { ApplyResult, JournalApply, JournalOwner, RunAnalysis } from '../git';
import type { ModelSource } from '../agents';

export const RECORD_VERSION = 2;

/** `undecided`: a task ended undecided without `allowUndecided` (and nothing failed or was cancelled). */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted' | 'undecided';

export interface TaskRecord {
  readonly id: string;
  readonly kind: TaskKind;
  readonly title?: string;
  readonly dependsOn: readonly string[];
  /** Ownership globs, repository-relative. */
  readonly owns: readonly string[];
  readonly status: TaskStatus;
  /** How many times the task was started (a retry counts). */
  readonly attempt: number;
  /** Epoch milliseconds. */
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly ms?: number;
  /** Live only: current tool, tokens, cost, turns. */
  readonly progress?: TaskProgress;
  readonly tokens: TokenUsage;
  readonly costUsd: number;
  readonly stopReason?: StopReason;
  readonly output?: string;
  /** Repository-relative paths the task changed. */
  readonly changed?: readonly string[];
  readonly baseCommit?: string;
  readonly resultCommit?: string;
  readonly error?: string;
  /** Why the scheduler skipped or cancelled it, or why it did not decide. */
  readonly reason?: string;
  /** Competitive attempts (their `changed` repository-relative), consensus votes, aggregate details. */
  readonly strategy?: StrategyOutcome;
  /** Command tasks: files it wrote that git ignores, not part of the result (count, first ≤5 repository-relative paths). */
  readonly ignoredOutputs?: { readonly count: number; readonly sample: string[] };
  /** Command tasks: paths it wrote outside its workspace folder (e.g. `../x`), not kept; ownership violations. */
  readonly outsideWrites?: string[];
}

export interface RunRecord {
  readonly version: typeof RECORD_VERSION;
  readonly runId: string;
  /** The process that runs (or ran) it. */
  readonly owner: JournalOwner;
  /** The repository's top level (apply and undo work there). */
  readonly repoRoot: string;
  /** Repository-relative folder of the workspace with a trailing slash ('' at the top). */
  readonly prefix: string;
  /** The task file's path (absolute; journals of version 1 may hold a workspace-relative one). */
  readonly taskFile: string;
  readonly baseCommit: string;
  readonly concurrency: number;
  /** The plan's speedup under the concurrency cap (the headline), and with unlimited slots; absent in version 1 journals. */
  readonly expectedSpeedup?: number;
  readonly predictedSpeedup?: number;
  readonly status: RunStatus;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly finishedAt?: number;
  /** Why the run stopped early (401, spend limit, cost limit, Ctrl-C…). */
  readonly stopReason?: string;
  /** Where the agents' models came from ('vscode': VS Code's language models, cost unknown) and the model's name. */
  readonly modelSource?: ModelSource;
  readonly modelLabel?: string;
  /** Where agents' commands run, once the first agent with `commands: true` started (reason: why the fallback). */
  readonly commandSandbox?: { readonly mode: 'namespaces' | 'worktree'; readonly reason?: string };
  /** In the plan's order. */
  readonly tasks: readonly TaskRecord[];
  /** The apply's bookkeeping (the git layer mirrors its apply record here). */
  readonly applied?: JournalApply;
  /** Live only: the analysis of the results once the run settled. */
  readonly analysis?: RunAnalysis;
  /** Live only: what `run --apply` wrote. */
  readonly applyResult?: ApplyResult;
}

/** What a journal leaves out: state that means something only while the process runs. */
export const LIVE_ONLY = { run: ['analysis', 'applyResult'], task: ['progress'] } as const;

/** A task's repository-relative path as the workspace sees it (unchanged when outside it). */
export function workspacePath(record: Pick<RunRecord, 'prefix'>, repoPath: string): string {
  return repoPath.startsWith(record.prefix) ? repoPath.slice(record.prefix.length) : repoPath;
}

export function taskOf(record: Pick<RunRecord, 'tasks'>, id: string): TaskRecord | undefined {
  return record.tasks.find((t) => t.id === id);
}

/** The record's copy of a strategy outcome, attempts' paths made repository-relative (the engine works workspace-relative). */
export function repoRelativeStrategy(s: StrategyOutcome, prefix: string): StrategyOutcome {
  const c = s.competitive;
  if (!c || !prefix) return s;
  return { ...s, competitive: { ...c, attempts: c.attempts.map((a) => ({ ...a, changed: a.changed.map((p) => prefix + p) })) } };
}
