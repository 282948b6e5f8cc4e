// Picking another attempt of a competitive task after the run, before applying: the
// task's ref (refs/parallel-agents/<run>/tasks/<task>) moves to the chosen attempt's
// commit and the run record says so, so `show`, `apply` and the analysis use it. A live
// run changes its own record (Run.chooseAttempt); a past one its journal (chooseAttempt).
import { GitError, taskRef, type GitRepo, updateRef } from '../../git';
import { settledRunStatus } from '../../core';
import type { AttemptRecord } from '../../core';
import { readRunRecord, writeRunRecord } from '../runJournal';
import type { RunRecord, TaskRecord } from '../runRecord';
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

/** Moves the task's ref and returns the record with the chosen attempt as the task's result. */
export async function chooseAttemptOf(
  repo: GitRepo,
  record: RunRecord,
  taskId: string,
  attempt: number,
): Promise<{ record: RunRecord; result: ChooseAttemptResult }> {
  const runId = record.runId;
  const t = record.tasks.find((x) => x.id === taskId);
  if (!t) throw new GitError(`Run ${runId} has no task "${taskId}"; its tasks: ${record.tasks.map((x) => x.id).join(', ') || 'none'}.`);
  const c = t.strategy?.competitive;
  if (!c) throw new GitError(`Task "${taskId}" of run ${runId} is not competitive: it has no attempts to choose from.`);
  if (record.status === 'running') throw new GitError(`Run ${runId} is still running; choose an attempt once it has finished.`);
  if (record.applied && !record.applied.undoneAt && !record.applied.error) {
    throw new GitError(`Run ${runId} has been applied; undo it first (parallel-agents undo ${runId}), then choose another attempt and apply again.`);
  }
  const a = c.attempts.find((x) => x.attempt === attempt);
  if (!a) throw new GitError(`Task "${taskId}" has attempts ${c.attempts.map((x) => x.attempt).join(', ')}; there is no attempt ${attempt}.`);
  if (a.status !== 'succeeded' || !a.resultCommit) {
    throw new GitError(`Attempt ${attempt} of task "${taskId}" ${a.status === 'cancelled' ? 'was cancelled' : `failed${a.error ? ` (${a.error})` : ''}`}; only a finished attempt can become the result.`);
  }
  const previous = c.winner;
  await updateRef(repo, taskRef(runId, taskId), a.resultCommit, `attempt ${attempt} of task ${taskId} chosen by the user`);
  const decidedBy = `chosen by the user${previous !== null && previous !== attempt ? ` (instead of attempt ${previous})` : ''}`;
  const attempts = c.attempts.map((x): AttemptRecord => ({ ...x, winner: x.attempt === attempt }));
  const base = t.baseCommit ?? (await repo.git(['rev-parse', `${a.resultCommit}^`])).trim();
  const changed = await repo.git(['diff-tree', '-r', '--no-commit-id', '--name-only', '-z', base, a.resultCommit]);
  const chosen: TaskRecord = {
    ...t,
    strategy: { ...t.strategy, competitive: { ...c, attempts, winner: attempt, chosenByUser: true, decidedBy } },
    resultCommit: a.resultCommit,
    changed: changed.split('\0').filter(Boolean),
    output: winnerOutput(a, c.attempts.length, decidedBy),
  };
  // A task that failed only because no winner was chosen (e.g. the judge gave no ranking) succeeds now.
  const task: TaskRecord = t.status === 'failed' ? (({ error: _error, ...rest }) => ({ ...rest, status: 'succeeded' as const }))(chosen) : chosen;
  const tasks = record.tasks.map((x) => (x.id === taskId ? task : x));
  const status = t.status === 'failed' && settledRunStatus(tasks) === 'succeeded' ? 'succeeded' : record.status;
  const staleDependents = tasks.filter((x) => x.dependsOn.includes(taskId) && x.status !== 'skipped' && x.status !== 'queued').map((x) => x.id);
  return { record: { ...record, status, tasks }, result: { taskId, previous, chosen: attempt, resultCommit: a.resultCommit, staleDependents } };
}

/** Chooses an attempt in a past run: its journal is read, changed and written back. */
export async function chooseAttempt(repo: GitRepo, runId: string, taskId: string, attempt: number): Promise<ChooseAttemptResult> {
  const { record, result } = await chooseAttemptOf(repo, await readRunRecord(repo, runId), taskId, attempt);
  await writeRunRecord(repo, record);
  return result;
}
