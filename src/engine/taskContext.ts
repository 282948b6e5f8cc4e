// What a task executor is given (the run's context) and what it returns (the task's
// result): the types every executor and strategy shares, kept apart from the dispatch
// (strategies/registry.ts) so that the strategies do not import their dispatcher.
import type Anthropic from '@anthropic-ai/sdk';
import type {
  StopReason,
  TaskOutput,
  TaskProgress,
  TokenUsage,
  TranscriptEntry,
  Plan,
  StrategyOutcome,
  Task,
} from '../core';
import { DEFAULT_MODEL, type ApiGate, type ModelProvider, type PriceTable } from '../agents';
import type { GitRepo, ObjectReader } from '../git';
import type { TaskCommandViews } from './commandViews';

export interface TaskRunContext {
  readonly repo: GitRepo;
  readonly reader: ObjectReader;
  readonly runId: string;
  /** Repository-relative workspace folder with a trailing slash, or ''. */
  readonly prefix: string;
  readonly workspaceRoot: string;
  /** Workspace-relative task file path (agents may write it only when they own it by name). */
  readonly taskFilePath: string;
  /** The run's plan (waves order an aggregate's sections; concurrency caps attempts and voters). */
  readonly plan?: Plan;
  readonly client: () => Anthropic;
  /** The run's model provider when it is not Anthropic through `client` (RunOptions.modelProvider). */
  readonly provider?: ModelProvider;
  readonly gate: ApiGate;
  /** The model an agent of `task` runs on (see modelResolver). */
  readonly resolveModel: (task: Task, instanceModel?: string) => string;
  readonly prices?: PriceTable;
  readonly signal: AbortSignal;
  readonly onProgress: (p: TaskProgress) => void;
  readonly onTranscript: (e: TranscriptEntry) => void;
  /** Views for agents' run_command (tasks with `commands: true`); absent: no agent gets the tool. */
  readonly commandViews?: TaskCommandViews;
}

/**
 * The one model rule: an instance's own model (a competitive attempt's entry in `models`,
 * a voter's weighted model), then the task's `model`, then the run's model, then
 * DEFAULT_MODEL. The run's model is the task file's top-level `model`, else the
 * caller's (the `parallelAgents.model` setting) (startRun.ts).
 */
export function modelResolver(runModel: string | undefined): TaskRunContext['resolveModel'] {
  return (task, instanceModel) => instanceModel ?? task.model ?? runModel ?? DEFAULT_MODEL;
}

/** What a command wrote that is not in its result commit (contract C3 of commitWorktree). */
export interface LeftOutWrites {
  /** Files git ignores: not part of results (the first few repository-relative paths). */
  readonly ignoredOutputs?: { readonly count: number; readonly sample: string[] };
  /** Paths written outside the task's workspace folder (e.g. `../x`): not kept, an ownership violation. */
  readonly outsideWrites?: string[];
}

export interface TaskRunResult extends LeftOutWrites {
  /** `undecided`: a consensus that did not decide (see strategies/consensus.ts). */
  readonly status: 'succeeded' | 'failed' | 'cancelled' | 'undecided';
  readonly output: string;
  /** Workspace-relative. */
  readonly changed: string[];
  readonly baseCommit: string;
  readonly resultCommit: string;
  readonly tokens: TokenUsage;
  readonly costUsd: number;
  readonly stopReason?: StopReason;
  readonly error?: string;
  /** Competitive attempts, consensus votes, aggregate details. */
  readonly strategy?: StrategyOutcome;
}

/** Runs one task in its own workspace on `baseCommit` and commits what it did. */
export type TaskExecutor = (task: Task, baseCommit: string, dependencies: readonly TaskOutput[], ctx: TaskRunContext) => Promise<TaskRunResult>;

/**
 * A strategy's executor and the task kinds it applies to (strategies/registry.ts maps
 * each `strategy.type` of the task schema to one; other kinds run as without a strategy).
 */
export interface StrategyExecutor {
  readonly kinds: readonly Task['kind'][];
  readonly run: TaskExecutor;
}
