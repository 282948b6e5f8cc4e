// Picking another attempt of a competitive task after the run, before applying: the
// task's ref (refs/parallel-agents/<run>/tasks/<task>) moves to the chosen attempt's
// commit and the journal says so, so `show`, `apply` and the analysis use it.
import { GitError, readJournal, taskRef, writeJournal, type GitRepo, updateRef } from '../../git';
import { settledRunStatus } from '../../core';
import { winnerOutput } from './competitive';

export interface ChooseAttemptResult {
  readonly taskId: string;
  /** The attempt that was the result before (null when there was none). */
  readonly previous: number | null;
  readonly chosen: number;
  readonly resultCommit: string;
  /** Tasks that already ran on top of the previous result (they do not see the new one). */
  readonly staleDependents: string[];
}

export async function chooseAttempt(repo: GitRepo, runId: string, taskId: string, attempt: number): Promise<ChooseAttemptResult> {
  const j = await readJournal(repo, runId);
  const t = j.tasks[taskId];
  if (!t) throw new GitError(`Run ${runId} has no task "${taskId}"; its tasks: ${Object.keys(j.tasks).join(', ') || 'none'}.`);
  const c = t.strategy?.competitive;
  if (!c) throw new GitError(`Task "${taskId}" of run ${runId} is not competitive: it has no attempts to choose from.`);
  if (j.status === 'running') throw new GitError(`Run ${runId} is still running; choose an attempt once it has finished.`);
  if (j.applied && !j.applied.undoneAt && !j.applied.error) {
    throw new GitError(`Run ${runId} has been applied; undo it first (parallel-agents undo ${runId}), then choose another attempt and apply again.`);
  }
  const a = c.attempts.find((x) => x.attempt === attempt);
  if (!a) throw new GitError(`Task "${taskId}" has attempts ${c.attempts.map((x) => x.attempt).join(', ')}; there is no attempt ${attempt}.`);
  if (a.status !== 'succeeded' || !a.resultCommit) {
    throw new GitError(`Attempt ${attempt} of task "${taskId}" ${a.status === 'cancelled' ? 'was cancelled' : `failed${a.error ? ` (${a.error})` : ''}`}; only a finished attempt can become the result.`);
  }
  const previous = c.winner;
  await updateRef(repo, taskRef(runId, taskId), a.resultCommit, `attempt ${attempt} of task ${taskId} chosen by the user`);
  for (const x of c.attempts) x.winner = x.attempt === attempt;
  c.winner = attempt;
  c.chosenByUser = true;
  c.decidedBy = `chosen by the user${previous !== null && previous !== attempt ? ` (instead of attempt ${previous})` : ''}`;
  t.resultCommit = a.resultCommit;
  const base = t.baseCommit ?? (await repo.git(['rev-parse', `${a.resultCommit}^`])).trim();
  const changed = await repo.git(['diff-tree', '-r', '--no-commit-id', '--name-only', '-z', base, a.resultCommit]);
  t.changed = changed.split('\0').filter(Boolean);
  t.output = winnerOutput(a, c.attempts.length, c.decidedBy);
  if (t.status === 'failed') {
    // The task failed only because no winner was chosen (e.g. the judge gave no ranking).
    t.status = 'succeeded';
    delete t.error;
    if (settledRunStatus(Object.values(j.tasks)) === 'succeeded') j.status = 'succeeded';
  }
  await writeJournal(repo, j);
  const staleDependents = Object.entries(j.tasks)
    .filter(([, x]) => (x.dependsOn ?? []).includes(taskId) && x.status !== 'skipped' && x.status !== 'queued')
    .map(([id]) => id);
  return { taskId, previous, chosen: attempt, resultCommit: a.resultCommit, staleDependents };
}
