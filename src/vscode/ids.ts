// Every id the extension shares with package.json (commands, views, context keys,
// settings, URI schemes) lives here, so a rename is one edit and a test can check
// the manifest against this list. No `vscode` import: unit tests read it too.

export const EXTENSION_ID = 'parallel-agents.parallel-agents';

export const Commands = {
  createTaskFile: 'parallelAgents.createTaskFile',
  showPlan: 'parallelAgents.showPlan',
  setApiKey: 'parallelAgents.setApiKey',
  clearApiKey: 'parallelAgents.clearApiKey',
  showLog: 'parallelAgents.showLog',
  runTasks: 'parallelAgents.runTasks',
  runSelectedTasks: 'parallelAgents.runSelectedTasks',
  runTask: 'parallelAgents.runTask',
  cancelTask: 'parallelAgents.cancelTask',
  cancelRun: 'parallelAgents.cancelRun',
  retryTask: 'parallelAgents.retryTask',
  openTaskChanges: 'parallelAgents.openTaskChanges',
  openTranscript: 'parallelAgents.openTranscript',
  openRawTranscript: 'parallelAgents.openRawTranscript',
  applyRun: 'parallelAgents.applyRun',
  applyTask: 'parallelAgents.applyTask',
  undoApply: 'parallelAgents.undoApply',
  chooseAttempt: 'parallelAgents.chooseAttempt',
  pruneRuns: 'parallelAgents.pruneRuns',
  acceptViolation: 'parallelAgents.acceptViolation',
  discardViolation: 'parallelAgents.discardViolation',
  openTaskFile: 'parallelAgents.openTaskFile',
  proposeTasks: 'parallelAgents.proposeTasks',
  chooseVscodeModel: 'parallelAgents.chooseVscodeModel',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

/**
 * Titles as package.json gives them (a unit test keeps the two equal). No title starts
 * another one: typing a whole title in the palette must pick that command.
 */
export const CommandTitles: Readonly<Record<CommandId, string>> = {
  [Commands.createTaskFile]: 'Create Task File',
  [Commands.showPlan]: 'Show Plan',
  [Commands.setApiKey]: 'Set API Key',
  [Commands.clearApiKey]: 'Clear API Key',
  [Commands.showLog]: 'Show Log',
  [Commands.openTaskFile]: 'Open Task File',
  [Commands.runTasks]: 'Run All Tasks',
  [Commands.runSelectedTasks]: 'Run Selected Tasks…',
  [Commands.runTask]: 'Run Task',
  [Commands.cancelTask]: 'Cancel Task',
  [Commands.cancelRun]: 'Cancel Run',
  [Commands.retryTask]: 'Retry Task',
  [Commands.openTaskChanges]: 'Open Task Changes',
  [Commands.openTranscript]: 'Open Transcript',
  [Commands.openRawTranscript]: 'Open Raw Transcript (JSONL)',
  [Commands.applyRun]: 'Apply Run',
  [Commands.applyTask]: 'Apply Task',
  [Commands.undoApply]: 'Undo Apply',
  [Commands.chooseAttempt]: 'Choose Attempt…',
  [Commands.pruneRuns]: 'Prune Old Runs…',
  [Commands.acceptViolation]: 'Accept Ownership Violation',
  [Commands.discardViolation]: 'Discard Ownership Violation',
  [Commands.proposeTasks]: 'Plan Tasks from a Goal…',
  [Commands.chooseVscodeModel]: 'Choose VS Code Model…',
};

/** Commands invoked by CodeLens, tree items and notifications only (not in package.json). */
export const InternalCommands = {
  acceptConflict: 'parallelAgents.conflict.accept',
  compareConflict: 'parallelAgents.conflict.compare',
  openConflict: 'parallelAgents.conflict.open',
  /** Every change of a run in one multi-diff editor (the end-of-run notification's "Review"). */
  reviewRun: 'parallelAgents.run.review',
} as const;

export const ViewContainers = {
  main: 'parallelAgents',
} as const;

export const Views = {
  agents: 'parallelAgents.agents',
  conflicts: 'parallelAgents.conflicts',
} as const;

/** VS Code generates `<viewId>.focus` for every view. */
export const focusViewCommand = (viewId: string): string => `${viewId}.focus`;

export const ContextKeys = {
  /** The workspace has a task file (at the configured path or a default one). */
  hasTaskFile: 'parallelAgents.hasTaskFile',
  /** An API key is stored or in ANTHROPIC_API_KEY. */
  hasApiKey: 'parallelAgents.hasApiKey',
  /** The run engine is bundled and loaded (phase 2). */
  engineAvailable: 'parallelAgents.engineAvailable',
  /** A run is in progress. */
  running: 'parallelAgents.running',
  /** The Agents view lists at least one run (live or past). */
  hasRuns: 'parallelAgents.hasRuns',
  /** Demo mode: agents are answered by the scripted demo server (see demoMode.ts). */
  demo: 'parallelAgents.demo',
} as const;

/** Tree item contextValues (drive the inline actions in package.json's menus). */
export const TreeItemContexts = {
  /** A finished run that can be applied (never applied, or its apply undone). */
  run: 'run',
  runActive: 'run-active',
  /** A run whose apply stands: it can be undone, not applied again. */
  runApplied: 'run-applied',
  taskRunning: 'task-running',
  taskQueued: 'task-queued',
  taskFailed: 'task-failed',
  taskDone: 'task-done',
  /** A consensus task that did not decide (C1): not a result to apply. */
  taskUndecided: 'task-undecided',
  /** A finished or failed competitive task: another attempt can be chosen. */
  taskDoneCompetitive: 'task-done-competitive',
  taskFailedCompetitive: 'task-failed-competitive',
  /** A finished attempt that is not the task's result (it can be chosen). */
  attempt: 'attempt',
  /** The attempt that is the task's result. */
  attemptChosen: 'attempt-chosen',
  /** A failed or cancelled attempt. */
  attemptFailed: 'attempt-failed',
  voter: 'voter',
  changedFile: 'changed-file',
  transcript: 'transcript',
  conflictFile: 'conflict-file',
  /** The Conflicts view's "Ownership violations" group of a run. */
  violations: 'violations',
  /** A change outside its task's owns, not accepted yet. */
  violation: 'violation',
  violationAccepted: 'violation-accepted',
  /** Written outside the workspace folder: never applicable, only dismissed. */
  violationOutside: 'violation-outside',
} as const;

export const Settings = {
  section: 'parallelAgents',
  concurrency: 'concurrency',
  maxConcurrency: 'maxConcurrency',
  model: 'model',
  taskFile: 'taskFile',
  prices: 'prices',
  maxCostPerRun: 'maxCostPerRun',
  ownershipViolations: 'ownershipViolations',
  keepRuns: 'keepRuns',
  modelSource: 'modelSource',
  vscodeModel: 'vscodeModel',
} as const;

export const SecretKeys = {
  anthropicApiKey: 'parallelAgents.anthropicApiKey',
} as const;

export const WebviewTypes = {
  plan: 'parallelAgents.plan',
} as const;

export const OUTPUT_CHANNEL_NAME = 'Parallel Agents';
export const DIAGNOSTIC_SOURCE = 'parallel-agents';
/** Read-only documents of git objects (phase 2's diffs). */
export const GIT_OBJECT_SCHEME = 'parallel-agents-git';
/** Read-only, readable transcripts (Markdown built from the JSONL). */
export const TRANSCRIPT_SCHEME = 'parallel-agents-transcript';
/** Read-only sides of a conflict region, for Compare. */
export const CONFLICT_SIDE_SCHEME = 'parallel-agents-conflict';
/** Read-only proposed task files (Plan Tasks from a Goal…), and the empty side of their diff. */
export const PROPOSAL_SCHEME = 'parallel-agents-proposal';
