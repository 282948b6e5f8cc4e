// What the run engine promises its front ends (the CLI and the VS Code views).
import type { Plan, StopReason, TaskProgress, TaskStatus, TokenUsage, TaskKind, StrategyOutcome } from '../core';
import type { PriceTable } from '../agents';
import type { ApplyResult, RunAnalysis } from '../git';
import type { SandboxChoice, SandboxFactory } from './commandViews';

export interface RunOptions {
  /** The workspace folder (holding `.agents/`), or any folder when `taskFile` is given. */
  readonly workspace: string;
  /** Task file path, absolute or relative to the workspace. */
  readonly taskFile?: string;
  /** Run only these tasks (their dependencies are added). */
  readonly only?: readonly string[];
  readonly concurrency?: number;
  /** The cap on concurrency (default 8); a setting lets users raise it. */
  readonly maxConcurrency?: number;
  /** Apply the results to the working tree when every task succeeded. */
  readonly apply?: boolean;
  readonly apiKey?: string;
  readonly baseURL?: string;
  readonly model?: string;
  readonly prices?: PriceTable;
  /** Cancel the run when its total cost passes this many USD. */
  readonly maxCostUsd?: number;
  /** Paths (repository-relative) never written by apply: the editor's unsaved files. */
  readonly skipPaths?: readonly string[];
  readonly signal?: AbortSignal;
  /** SDK retries per request (tests lower it). */
  readonly maxRetries?: number;
  /** Engine log lines (the CLI's stderr in debug mode, the extension's LogOutputChannel). */
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Where agents' commands run: 'auto' (the sandbox when it works, default) or 'worktree' (the fallback, forced). */
  readonly sandbox?: SandboxChoice;
  /** The namespaces sandbox (engine/commandViews.ts); without one, commands use the worktree fallback. */
  readonly sandboxFactory?: SandboxFactory;
}

export interface RunTaskView {
  readonly id: string;
  readonly kind: TaskKind;
  readonly title?: string;
  readonly dependsOn: readonly string[];
  readonly owns: readonly string[];
  status: TaskStatus;
  attempt: number;
  startedAt?: number;
  finishedAt?: number;
  ms?: number;
  /** Live: current tool, tokens, cost, turns. */
  progress?: TaskProgress;
  tokens: TokenUsage;
  costUsd: number;
  stopReason?: StopReason;
  output?: string;
  /** Workspace-relative paths the task changed. */
  changed?: string[];
  baseCommit?: string;
  resultCommit?: string;
  error?: string;
  reason?: string;
  /** Competitive attempts, consensus votes, aggregate details (strategy tasks only). */
  strategy?: StrategyOutcome;
  /** Command tasks: files it wrote that git ignores, not part of the result (count, first ≤5 repository-relative paths). */
  ignoredOutputs?: { count: number; sample: string[] };
  /** Command tasks: paths it wrote outside its workspace folder (e.g. `../x`), not kept; ownership violations. */
  outsideWrites?: string[];
}

/** `undecided`: a task ended undecided without `allowUndecided` (and nothing failed or was cancelled). */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted' | 'undecided';

export interface RunView {
  readonly runId: string;
  readonly workspace: string;
  /** The repository's top level (apply/undo work there). */
  readonly repoRoot: string;
  /** Repository-relative folder of the workspace with a trailing slash ('' at the top). */
  readonly prefix: string;
  readonly taskFile: string;
  readonly baseCommit: string;
  readonly concurrency: number;
  readonly plan: Plan;
  status: RunStatus;
  startedAt: number;
  finishedAt?: number;
  readonly tasks: RunTaskView[];
  analysis?: RunAnalysis;
  applied?: ApplyResult;
  /** Why the run stopped early (401, spend limit, cost limit, Ctrl-C…). */
  stopReason?: string;
  /** Where agents' commands run, once the first agent with `commands: true` started (reason: why the fallback). */
  commandSandbox?: { mode: 'namespaces' | 'worktree'; reason?: string };
}

export interface RunSummary {
  readonly runId: string;
  readonly wallMs: number;
  readonly sumTaskMs: number;
  readonly speedup: number;
  readonly predictedSpeedup: number;
}
