// The run engine's public API, shared by the CLI and the VS Code extension.
export { Run, toJournal } from './run';
export { analysisInputs, applyInputs, dependencyOrder, type ApplicableTask, type ApplySource } from './runInputs';
export { RunSetupError, prepareRun, startRun, runTokens, type PreparedRun } from './startRun';
export { PrefixedWorkspace, prefixGlobs } from './prefixedWorkspace';
export type { RunOptions, RunTaskView, RunView, RunStatus, RunSummary } from './types';
export type { SandboxChoice, SandboxFactory, SandboxViewRequest, RunCommandsConfig } from './commandViews';
export { chooseAttempt, leftOutLines, strategyJson, strategyLines, type ChooseAttemptResult } from './strategies';
// The git engine too, as one namespace: the extension loads this module lazily as one
// chunk, so that both share one copy of the git layer (and its classes).
export * as git from '../git/index';
export { listWorkspaceFiles } from './workspaceFiles';
