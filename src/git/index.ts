// The git engine's public API.
export { GitError } from './errors';
export { openRepo, GitRepo, runGit, ENGINE_IDENTITY_ENV, type GitRunOptions, type GitResult } from './repo';
export { createRunId, isRunId, baseRef, beforeApplyRef, afterApplyRef, taskRef, REF_PREFIX } from './ids';
export { snapshotWorkingTree, captureWorkingTree, type WorkingTreeCapture } from './snapshot';
export { ObjectReader, type GitObject } from './catFileBatch';
export { OverlayWorkspace, isBinary } from './overlayWorkspace';
export { WorktreeWorkspace, worktreesRoot } from './worktreeWorkspace';
export { createWorktreeCommandView, type WorktreeCommandViewOptions } from './worktreeCommandView';
export { viewChangesBetween } from './viewChanges';
export { commitOverlay, commitWorktree, mergeBase, type CommitTaskOptions, type MergedBase, type WorktreeCommit } from './resultCommit';
export {
  analyseRun,
  analyseTask,
  type AnalysedTaskInput,
  type ChangedFile,
  type Overlap,
  type OverlapRange,
  type RunAnalysis,
  type TaskAnalysis,
  type TaskHunk,
  type Violation,
} from './analysis';
export { applyRun, type ApplyConflict, type ApplyOptions, type ApplyPhase, type ApplyResult, type ApplyTaskInput } from './apply';
export { undoApply, type UndoOptions, type UndoResult } from './undo';
export { readApplyRecord, type ApplyRecord } from './applyRecord';
export { acquireApplyLock, assertNotApplying, readApplyLock, type ApplyLockInfo } from './applyLock';
export { recoverInterruptedApply, type RecoveredApply } from './recovery';
export { pruneRuns, type PruneOptions, type PruneResult } from './prune';
export {
  appendTranscript,
  currentOwner,
  journalPath,
  journalRoot,
  journalStartedMs,
  ownerAlive,
  readAllJournals,
  readJournal,
  removeStaleJournalTemps,
  transcriptPath,
  tryReadJournal,
  writeJournal,
  type JournalApply,
  type JournalOwner,
  type StoredJournal,
  type StoredTask,
} from './journal';
export type { ChangeStatus, Hunk } from './diffParse';
export { updateRef } from './objects';
export { warmRefUpdates } from './refUpdates';
export { warmAttributes } from './attributeProcess';
export { diffTask, warmTaskDiffs } from './taskDiffs';
export { treesOfCommits } from './commitTrees';
