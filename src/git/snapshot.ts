// The base snapshot of a run: the working tree as it is when the run starts, stored at
// `refs/parallel-agents/<runId>/base`. An apply or undo killed mid-way is finished or rolled
// back first, so that a base never holds half an apply or our temp files.
import { assertNotApplying } from './applyLock';
import { baseRef } from './ids';
import { updateRef } from './objects';
import { applyInTheWay, applyLockInTheWay, recoverInterruptedApply } from './recovery';
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
 * progress), found as the capture starts or once git has read the files, and any failure of
 * the capture, is left to `keep()`, which then runs snapshotWorkingTree itself: the same
 * result and the same errors, only not ahead of time.
 */
export function beginSnapshot(repo: GitRepo, runId: string): PendingSnapshot {
  let clearOnceAdded: Promise<boolean> = Promise.resolve(false);
  // Looked for while the capture starts (git only reads the files): a capture it finds in the way is not kept.
  const inTheWay = applyInTheWay(repo).catch(() => true);
  const early = (async (): Promise<WorkingTreeCapture | undefined> => {
    const captured = await captureWorkingTree(repo, baseMessage(runId), (added) => {
      // The commit and the ref update that end the snapshot need the config and what the ref
      // is written through (refUpdates.ts: spare files, or an update-ref process): got ready
      // while git adds, not one after the other behind it.
      warmRefUpdates(repo).catch(() => undefined);
      // An apply that started (or died) while git read the files could have changed them.
      clearOnceAdded = added.then(
        async () => !(await applyLockInTheWay(repo)),
        () => false,
      );
    });
    return (await inTheWay) ? undefined : captured;
  })().catch(() => undefined);
  return {
    async keep() {
      const captured = await early;
      if (!captured || !(await clearOnceAdded.catch(() => false))) return snapshotWorkingTree(repo, runId);
      await updateRef(repo, baseRef(runId), captured.commit, `base of run ${runId}`);
      return captured.commit;
    },
  };
}
