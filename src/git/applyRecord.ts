// What an apply did, kept so undo can be exact: `<stateDir>/applies/<runId>.json`.
// Written (atomically) before the first file of the working tree is touched.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { assertSafeId } from './ids';
import { pidAlive, writeFileAtomic } from './fsutil';
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
  /**
   * `writing`: files are being written (a process killed then leaves this). `undoing`: an
   * undo was found killed mid-way and is being finished (set by recovery, interruptedApply.ts).
   */
  status: 'writing' | 'applied' | 'failed' | 'undoing' | 'undone';
  error?: string;
  undoneAt?: string;
  /** What recovery did after the apply or its undo was killed mid-way. */
  recovered?: string;
}

export function applyRecordPath(repo: GitRepo, runId: string): string {
  assertSafeId('run', runId);
  return path.join(appliesDir(repo), `${runId}.json`);
}

export function appliesDir(repo: GitRepo): string {
  return path.join(repo.stateDir, 'applies');
}

/**
 * Every apply record (one small file per applied run), in no particular order. Also
 * removes temp files left by record writes of processes that died (`<runId>.json.tmp-<pid>-…`).
 */
export async function listApplyRecords(repo: GitRepo): Promise<ApplyRecord[]> {
  let names: string[];
  try {
    names = await fsp.readdir(appliesDir(repo));
  } catch {
    return [];
  }
  const out: ApplyRecord[] = [];
  for (const name of names) {
    const tmp = /\.json\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
    if (tmp) {
      if (!pidAlive(Number(tmp[1]))) await fsp.rm(path.join(appliesDir(repo), name), { force: true });
      continue;
    }
    const m = /^([A-Za-z0-9_-]+)\.json$/.exec(name);
    const runId = m?.[1];
    if (!runId) continue;
    const rec = await readApplyRecord(repo, runId).catch(() => undefined); // a damaged record is skipped
    if (rec) out.push(rec);
  }
  return out;
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
