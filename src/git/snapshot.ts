// The base snapshot of a run: the working tree as it is when the run starts, stored at
// `refs/parallel-agents/<runId>/base`. An apply or undo killed mid-way is finished or rolled
// back first, so that a base never holds half an apply or our temp files.
import { assertNotApplying } from './applyLock';
import { baseRef } from './ids';
import { updateRef } from './objects';
import { recoverInterruptedApply } from './recovery';
import type { GitRepo } from './repo';
import { captureWorkingTree } from './workingTreeCapture';

export { captureWorkingTree, type WorkingTreeCapture } from './workingTreeCapture';

/**
 * Snapshots the working tree at the start of run `runId` and stores it at
 * `refs/parallel-agents/<runId>/base`. Refused while another run is being applied.
 */
export async function snapshotWorkingTree(repo: GitRepo, runId: string): Promise<string> {
  const ref = baseRef(runId);
  await recoverInterruptedApply(repo);
  await assertNotApplying(repo);
  const { commit } = await captureWorkingTree(repo, `parallel-agents: base of run ${runId}`);
  await assertNotApplying(repo); // an apply that started meanwhile could have changed files
  await updateRef(repo, ref, commit, `base of run ${runId}`);
  return commit;
}
