// The run engine's public API, shared by the CLI and the VS Code extension.
export { Run, RunSetupError, prepareRun, startRun, orderForApply, toJournal, runTokens, type PreparedRun } from './runEngine';
export { PrefixedWorkspace, prefixGlobs } from './prefixedWorkspace';
export type { RunOptions, RunTaskView, RunView, RunStatus, RunSummary } from './types';
export { chooseAttempt, strategyJson, strategyLines, type ChooseAttemptResult } from './strategies';
