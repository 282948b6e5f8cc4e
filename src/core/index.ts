// The core layer's public API: the task file and its plan, the run's vocabulary, the
// scheduler, globs, and the Event/Disposable shapes every layer above builds on. Every
// other layer imports core through here (files inside core import each other directly).
// The bundles treat core's modules as side-effect free (scripts/build.mjs), so importing
// Disposable from here does not load the task file parser at activation.

// Lifecycle: VS Code–shaped events and disposables for plain Node.
export { Emitter, Disposable, DisposableStore, type Event, type IDisposable } from './lifecycle';

// The task file: its schema, the parser, and the plan made from it.
export {
  DEFAULT_CONCURRENCY,
  MAX_CONCURRENCY,
  type Task,
  type Strategy,
  type TaskKind,
  type TaskFile,
} from './taskSchema';
export {
  findTaskFile,
  formatProblem,
  loadTaskFile,
  TaskFileNotFoundError,
  workspaceRootOf,
  parseTaskFileText,
  type Problem,
} from './taskFile';
export { planTasks, formatSpeedup, slotsOf, type Plan, type PlanDiagnostic } from './plan';
export { bottomLevels } from './plan';
export { readImportGraph, type ImportGraph } from './importGraph';
export { weightedVoters } from './voteWeights';

// A run's vocabulary, its scheduler, and what the strategies add to a task's result.
export {
  addUsage,
  emptyUsage,
  settledRunStatus,
  type StopReason,
  type TaskOutput,
  type TaskProgress,
  type TokenUsage,
  type TranscriptEntry,
  type TaskStatus,
} from './runModel';
export { Scheduler, TaskCancelledError, TaskUndecidedError, type TaskStateChange } from './scheduler';
export type {
  StrategyOutcome,
  AggregateOutcome,
  AttemptRecord,
  CompetitiveOutcome,
  Ballot,
  FailedVoter,
  VoteOutcome,
  ScoreSource,
} from './strategyModel';

// What an agent's tools see: the workspace, and the view its commands run in.
export type {
  TaskWorkspace,
  SearchHit,
  SearchOptions,
  WorkspaceChange,
  WorkspaceEntry,
  WriteOptions,
} from './workspace';
export type { AgentCommandView, CommandView, CommandRunOptions, CommandRunResult, ViewChange } from './commandView';
export { NO_TIMEOUT, timerDelay, type IgnoredWrites } from './commandView';
// Process groups: a command and everything it started end together (timeout, cancel).
export { killProcessGroup, processGroupAlive, runInGroup, type GroupRunOptions, type GroupRunResult } from './processGroup';

// Globs, and patterns a model writes (evaluated off the main thread, with a deadline).
export { compileGlobs, normalizeGlob, normalizeRelPath, type GlobSet } from './glob';
export {
  compileGlobSource,
  compileSearchRegex,
  evaluatePatterns,
  PatternCostError,
  type PatternItem,
  type GlobSource,
  type PatternBudget,
  type RegexSource,
} from './patternWorker';
export { TERMINAL_STATUSES } from './runModel';
export { taskFileSchema } from './taskSchema';
export { DEFAULT_TASK_FILES } from './taskFile';
