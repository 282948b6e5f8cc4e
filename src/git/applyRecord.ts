// What an apply did, kept so undo can be exact: `<stateDir>/applies/<runId>.json`.
// Written (atomically) before the first file of the working tree is touched.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { assertSafeId } from './ids';
import { writeFileAtomic } from './fsutil';
import { tryReadJournal, writeJournal } from './journal';
import type { GitRepo } from './repo';

export interface ApplyRecord {
  version: 1;
  runId: string;
  /** ISO timestamp. */
  at: string;
  tasks: string[];
  /** The working tree as it was just before the apply (also at refs/parallel-agents/<runId>/before-apply). */
  beforeApplyCommit: string;
  /** The working tree the apply meant to leave (refs/parallel-agents/<runId>/after-apply). */
  afterApplyCommit: string;
  /** Every path the apply writes or deletes. */
  paths: string[];
  status: 'writing' | 'applied' | 'failed' | 'undone';
  error?: string;
  undoneAt?: string;
}

export function applyRecordPath(repo: GitRepo, runId: string): string {
  assertSafeId('run', runId);
  return path.join(repo.stateDir, 'applies', `${runId}.json`);
}

export async function readApplyRecord(repo: GitRepo, runId: string): Promise<ApplyRecord | undefined> {
  try {
    return JSON.parse(await fsp.readFile(applyRecordPath(repo, runId), 'utf8')) as ApplyRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Writes the record, and mirrors it into the run's journal (`applied`) when there is one. */
export async function writeApplyRecord(repo: GitRepo, rec: ApplyRecord): Promise<void> {
  await writeFileAtomic(applyRecordPath(repo, rec.runId), JSON.stringify(rec, null, 2) + '\n');
  const j = await tryReadJournal(repo, rec.runId).catch(() => undefined);
  if (j) {
    j.applied = {
      at: rec.at,
      beforeApplyCommit: rec.beforeApplyCommit,
      afterApplyCommit: rec.afterApplyCommit,
      tasks: rec.tasks,
      ...(rec.error !== undefined ? { error: rec.error } : {}),
      ...(rec.undoneAt !== undefined ? { undoneAt: rec.undoneAt } : {}),
    };
    await writeJournal(repo, j);
  }
}
