// Where run journals live: `<common git dir>/parallel-agents/runs/<runId>.json`, written
// atomically (temp file + fsync + rename), so a crash between writes leaves the previous
// complete version. Transcripts are JSONL files beside it: `runs/<runId>/<taskId>.jsonl`.
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TranscriptEntry } from '../core';
import { GitError } from './errors';
import { assertSafeId } from './ids';
import { inFolder, pidAlive, writeFileAtomic } from './fsutil';
import type { GitRepo } from './repo';

export interface JournalOwner {
  readonly pid: number;
  readonly hostname: string;
}

export interface JournalApply {
  /** ISO timestamp. */
  at: string;
  beforeApplyCommit: string;
  afterApplyCommit?: string;
  tasks: string[];
  /** Set when the apply failed half way (undo restores the before-apply state). */
  error?: string;
  undoneAt?: string;
}

/**
 * A journal as this layer stores it: the engine's run record (engine/runRecord.ts, which
 * also reads version 1) seen through the few fields the git layer itself reads (whose run,
 * whether its process lives, its results, the apply it mirrors in). Written back whole.
 */
export interface StoredJournal {
  readonly version: number;
  readonly runId: string;
  readonly status: string;
  readonly owner: JournalOwner;
  /** ISO (version 1) or epoch milliseconds (version 2). */
  readonly startedAt: string | number;
  /** The repository's top level: `root` in version 1, `repoRoot` in version 2. */
  readonly root?: string;
  readonly repoRoot?: string;
  /** Task id → task (version 1), or the tasks in order (version 2). */
  readonly tasks: Readonly<Record<string, StoredTask>> | readonly StoredTask[];
  applied?: JournalApply;
}

export interface StoredTask {
  readonly status: string;
  readonly resultCommit?: string;
  readonly changed?: readonly string[];
}

export function journalRoot(j: StoredJournal): string | undefined {
  return j.repoRoot ?? j.root;
}

export function journalStartedMs(j: StoredJournal): number {
  return typeof j.startedAt === 'number' ? j.startedAt : Date.parse(j.startedAt);
}

export function runsDir(repo: GitRepo): string {
  return path.join(repo.stateDir, 'runs');
}

export function journalPath(repo: GitRepo, runId: string): string {
  assertSafeId('run', runId);
  return path.join(runsDir(repo), `${runId}.json`);
}

/** The JSONL transcript of one task: `runs/<runId>/<taskId>.jsonl`. */
export function transcriptPath(repo: GitRepo, runId: string, taskId: string): string {
  assertSafeId('run', runId);
  assertSafeId('task', taskId);
  return path.join(runsDir(repo), runId, `${taskId}.jsonl`);
}

export async function appendTranscript(
  repo: GitRepo,
  runId: string,
  taskId: string,
  entries: TranscriptEntry | readonly TranscriptEntry[],
): Promise<void> {
  const file = transcriptPath(repo, runId, taskId);
  const list = Array.isArray(entries) ? entries : [entries as TranscriptEntry];
  const text = list.map((e) => JSON.stringify(e) + '\n').join('');
  await inFolder(file, () => fsp.appendFile(file, text));
}

/** The owner record for journals written by this process. */
export function currentOwner(): JournalOwner {
  return { pid: process.pid, hostname: os.hostname() };
}

// Writes to one journal are serialised within the process, so the last call wins.
const pending = new Map<string, Promise<void>>();

/** Writes the journal atomically (temp file + rename). */
export function writeJournal<J extends StoredJournal>(repo: GitRepo, journal: J): Promise<void> {
  const file = journalPath(repo, journal.runId);
  const text = JSON.stringify(journal, null, 2) + '\n';
  const prev = pending.get(file) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(() => writeFileAtomic(file, text));
  pending.set(file, next);
  void next.finally(() => {
    if (pending.get(file) === next) pending.delete(file);
  }).catch(() => undefined);
  return next;
}

function validate(j: unknown, file: string): StoredJournal {
  const o = j as Partial<StoredJournal> | null;
  if (!o || typeof o !== 'object' || typeof o.runId !== 'string' || typeof o.status !== 'string' || typeof o.tasks !== 'object' || o.tasks === null) {
    throw new GitError(`The run journal ${file} is not a run journal (unexpected content).`);
  }
  return o as StoredJournal;
}

/** Reads a run's journal; throws GitError (naming `runs`) when there is none. */
export async function readJournal(repo: GitRepo, runId: string): Promise<StoredJournal> {
  const file = journalPath(repo, runId);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new GitError(`There is no run ${runId} in ${repo.root}. \`parallel-agents runs\` lists the runs.`);
    }
    throw e;
  }
  try {
    return validate(JSON.parse(text), file);
  } catch (e) {
    if (e instanceof GitError) throw e;
    throw new GitError(`The run journal ${file} is damaged (${(e as Error).message}).`);
  }
}

/** Reads a journal, or undefined when there is none. */
export async function tryReadJournal(repo: GitRepo, runId: string): Promise<StoredJournal | undefined> {
  try {
    return await readJournal(repo, runId);
  } catch (e) {
    if (e instanceof GitError && /There is no run/.test(e.message)) return undefined;
    throw e;
  }
}

/** Every readable run journal (damaged or foreign files are left out), in no particular order. */
export async function readAllJournals(repo: GitRepo): Promise<StoredJournal[]> {
  let names: string[];
  try {
    names = await fsp.readdir(runsDir(repo));
  } catch {
    return [];
  }
  const out: StoredJournal[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    try {
      const text = await fsp.readFile(path.join(runsDir(repo), name), 'utf8');
      out.push(validate(JSON.parse(text), name));
    } catch {
      // damaged or foreign: skipped
    }
  }
  return out;
}

/** Whether the process that owns a running journal is still alive. */
export function ownerAlive(owner: JournalOwner | undefined): boolean {
  if (!owner) return false;
  if (owner.hostname !== os.hostname()) return true; // cannot tell: assume alive
  return pidAlive(owner.pid);
}

/** Removes temp files left by journal writes whose process died. */
export async function removeStaleJournalTemps(repo: GitRepo): Promise<void> {
  let names: string[] = [];
  try {
    names = await fsp.readdir(runsDir(repo));
  } catch {
    return;
  }
  for (const name of names) {
    const m = /\.json\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
    if (m && !pidAlive(Number(m[1]))) await fsp.rm(path.join(runsDir(repo), name), { force: true });
  }
}
