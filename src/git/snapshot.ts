// The base snapshot of a run: the working tree as it is when the run starts, stored at
// `refs/parallel-agents/<runId>/base`. An apply or undo killed mid-way is finished or rolled
// back first, so that a base never holds half an apply or our temp files.
import { assertNotApplying } from './applyLock';
import { baseRef } from './ids';
import { updateRef } from './objects';
import { applyRecoveryPending, recoverInterruptedApply } from './recovery';
import { warmRefUpdates } from './refUpdates';
import type { GitRepo } from './repo';
import { captureWorkingTree, type WorkingTreeCapture } from './workingTreeCapture';

export { captureWorkingTree, type WorkingTreeCapture } from './workingTreeCapture';

const baseMessage = (runId: string) => `parallel-agents: base of run ${runId}`;

/**
 * Snapshots the working tree at the start of run `runId` and stores it at
 * `refs/parallel-agents/<runId>/base`. Refused while another run is being applied.
 */
export async function snapshotWorkingTree(repo: GitRepo, runId: string): Promise<string> {
  const ref = baseRef(runId);
  await recoverInterruptedApply(repo);
  await assertNotApplying(repo);
  const { commit } = await captureWorkingTree(repo, baseMessage(runId));
  await assertNotApplying(repo); // an apply that started meanwhile could have changed files
  await updateRef(repo, ref, commit, `base of run ${runId}`);
  return commit;
}

/** A base snapshot captured before it is known whether the run starts. */
export interface PendingSnapshot {
  /** Stores the capture at the run's base ref (snapshotWorkingTree's result and errors). */
  keep(): Promise<string>;
}

/**
 * Starts capturing the working tree for run `runId` now, while the caller still checks
 * whether the run may start (its task file is read and planned meanwhile); only `keep()`
 * names the capture by a ref. A run that never starts leaves at most unreferenced objects,
 * which `git gc` prunes. Whatever would make snapshotWorkingTree do more than capture (an
 * interrupted apply to recover: that writes the user's files) or refuse (an apply in
 * progress), and any failure of the capture, is left to `keep()`, which then runs
 * snapshotWorkingTree itself: the same result and the same errors, only not ahead of time.
 */
export function beginSnapshot(repo: GitRepo, runId: string): PendingSnapshot {
  const early = (async (): Promise<WorkingTreeCapture | undefined> => {
    if (await applyRecoveryPending(repo)) return undefined;
    await assertNotApplying(repo);
    // The ref update that ends the snapshot goes through a process of its own (refUpdates.ts): started while git adds.
    return captureWorkingTree(repo, baseMessage(runId), () => void warmRefUpdates(repo).catch(() => undefined));
  })().catch(() => undefined);
  return {
    async keep() {
      const captured = await early;
      // An apply that started, or died, meanwhile could have changed files: captured again after it.
      if (!captured || (await applyRecoveryPending(repo))) return snapshotWorkingTree(repo, runId);
      await assertNotApplying(repo);
      await updateRef(repo, baseRef(runId), captured.commit, `base of run ${runId}`);
      return captured.commit;
    },
  };
}
