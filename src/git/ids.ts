// Run ids and the refs the engine keeps under refs/parallel-agents/<runId>/.
import { randomBytes } from 'node:crypto';
import { GitError } from './errors';

const RUN_ID = /^[0-9]{8}-[0-9]{6}-[0-9a-z]{4,}$/;
const SAFE_ID = /^[A-Za-z0-9_-]+$/;

/** Sortable run id in local time, e.g. `20261127-181500-ab12`. */
export function createRunId(now: Date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}`;
  const time = `${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${date}-${time}-${randomBytes(2).toString('hex')}`;
}

export function isRunId(s: string): boolean {
  return RUN_ID.test(s);
}

/** Run and task ids become ref and file names: only [A-Za-z0-9_-]. */
export function assertSafeId(kind: 'run' | 'task', id: string): void {
  if (!SAFE_ID.test(id)) {
    throw new GitError(`Invalid ${kind} id “${id}”: use only letters, digits, '-' and '_'.`);
  }
}

export const REF_PREFIX = 'refs/parallel-agents';

export function runRefPrefix(runId: string): string {
  assertSafeId('run', runId);
  return `${REF_PREFIX}/${runId}`;
}
export const baseRef = (runId: string) => `${runRefPrefix(runId)}/base`;
export const beforeApplyRef = (runId: string) => `${runRefPrefix(runId)}/before-apply`;
export const afterApplyRef = (runId: string) => `${runRefPrefix(runId)}/after-apply`;
/** The exact bytes of files the apply changed where `git add` would not give them back (see worktreeBytes.ts). */
export const beforeApplyBytesRef = (runId: string) => `${runRefPrefix(runId)}/before-apply-bytes`;

/**
 * `refs/parallel-agents/<runId>/tasks/<taskId>`; with a suffix (e.g. `attempts/2`, for
 * competitive attempts) `refs/parallel-agents/<runId>/extra/<taskId>/<suffix>` (a ref
 * cannot also be a folder, so alternatives live beside `tasks/`, not below it).
 */
export function taskRef(runId: string, taskId: string, suffix?: string): string {
  assertSafeId('task', taskId);
  if (suffix !== undefined && !/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(suffix)) {
    throw new GitError(`Invalid ref suffix “${suffix}”: use segments of letters, digits, '-' and '_'.`);
  }
  return suffix ? `${runRefPrefix(runId)}/extra/${taskId}/${suffix}` : `${runRefPrefix(runId)}/tasks/${taskId}`;
}
