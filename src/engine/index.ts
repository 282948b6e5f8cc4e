// The run engine's public API, shared by the CLI and the VS Code extension.
export { Run, orderForApply, toJournal } from './run';
export { RunSetupError, prepareRun, startRun, runTokens, type PreparedRun } from './startRun';
export { PrefixedWorkspace, prefixGlobs } from './prefixedWorkspace';
export type { RunOptions, RunTaskView, RunView, RunStatus, RunSummary } from './types';
export { chooseAttempt, strategyJson, strategyLines, type ChooseAttemptResult } from './strategies';
