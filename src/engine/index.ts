// The run engine's public API, shared by the CLI and the VS Code extension.
export { Run } from './run';
export { analysisInputs, applyInputs, dependencyOrder, type ApplicableTask, type ApplySource } from './runInputs';
export { RECORD_VERSION, repoRelativeStrategy, taskOf, workspacePath, type RunRecord, type RunStatus, type TaskRecord } from './runRecord';
export { listRunRecords, parseRunRecord, readRunRecord, recoverInterruptedRuns, tryReadRunRecord, writeRunRecord } from './runJournal';
export { taskDurationHistory } from './runPriority';
export { migrateV1, type JournalTaskV1, type JournalV1 } from './runJournalV1';
export { RunSetupError, prepareRun, startRun, runTokens, type PreparedRun } from './startRun';
export { PrefixedWorkspace, prefixGlobs } from './prefixedWorkspace';
export type { RunOptions, RunSummary } from './types';
export type { SandboxChoice, SandboxFactory, SandboxViewRequest, RunCommandsConfig } from './commandViews';
export { chooseAttempt, chooseAttemptOf, leftOutLines, strategyJson, strategyLines, type ChooseAttemptResult } from './strategies';
// The git engine too, as one namespace: the extension loads this module lazily as one
// chunk, so that both share one copy of the git layer (and its classes).
export * as git from '../git/index';
export { proposeTasks, currentTaskFile, ProposeSetupError, DEFAULT_MAX_ROUNDS, DEFAULT_MAX_TASKS, PROPOSAL_PATH, type ProposeOptions, type ProposeResult, type ProposalRound } from './propose';
export { checkProposal, proposalYaml, type CheckedProposal, type CheckProposalOptions, type ProposalFinding } from './proposeAnalysis';
export { writeProposal, backupStamp, ProposalNotValidError, type WrittenProposal } from './proposeWrite';
export { listWorkspaceFiles } from './workspaceFiles';
// What a front end needs to bring its own model provider (src/vscode/lmProvider.ts), from this
// chunk so that the extension loads one copy of the agent layer.
export { ModelError, runTurnLoop } from '../agents';
