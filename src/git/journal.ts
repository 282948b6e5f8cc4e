// The run journal: `<common git dir>/parallel-agents/runs/<runId>.json`, written
// atomically (temp file + fsync + rename), so a crash between writes leaves the previous
// complete version. Transcripts are JSONL files beside it: `runs/<runId>/<taskId>.jsonl`.
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TaskKind, TaskStatus, TokenUsage, TranscriptEntry, StrategyOutcome } from '../core';
import { GitError } from './errors';
import { assertSafeId } from './ids';
import { pidAlive, writeFileAtomic } from './fsutil';
import type { GitRepo } from './repo';

/** `undecided`: a task ended undecided without `allowUndecided` (and nothing failed or was cancelled). */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted' | 'undecided';

export interface JournalOwner {
  readonly pid: number;
  readonly hostname: string;
}

export interface JournalTask {
  status: TaskStatus;
  kind: TaskKind;
  title?: string;
  /** The task's ownership globs (so `show`/`apply` can judge violations later). */
  owns?: string[];
  dependsOn?: string[];
  /** ISO timestamps. */
  startedAt?: string;
  finishedAt?: string;
  ms?: number;
  baseCommit?: string;
  resultCommit?: string;
  tokens?: TokenUsage;
  costUsd?: number;
  output?: string;
  changed?: string[];
  error?: string;
  /** Competitive attempts, consensus votes, aggregate details (strategy tasks only). */
  strategy?: StrategyOutcome;
  /** Command tasks: files it wrote that git ignores, not part of the result (count, first ≤5 repository-relative paths). */
  ignoredOutputs?: { count: number; sample: string[] };
  /** Command tasks: paths it wrote outside its workspace folder (e.g. `../x`), not kept; ownership violations. */
  outsideWrites?: string[];
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

export interface RunJournal {
  version: 1;
  runId: string;
  /** ISO timestamps. */
  startedAt: string;
  finishedAt?: string;
  status: RunStatus;
  owner: JournalOwner;
  /** Top level of the working tree the run is about. */
  root?: string;
  baseCommit: string;
  concurrency: number;
  /** The task file's path (workspace-relative or absolute). */
  taskFile: string;
  /** Task id → state, in the plan's order. */
  tasks: Record<string, JournalTask>;
  applied?: JournalApply;
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
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const list = Array.isArray(entries) ? entries : [entries as TranscriptEntry];
  await fsp.appendFile(file, list.map((e) => JSON.stringify(e) + '\n').join(''));
}

/** The owner record for journals written by this process. */
export function currentOwner(): JournalOwner {
  return { pid: process.pid, hostname: os.hostname() };
}

// Writes to one journal are serialised within the process, so the last call wins.
const pending = new Map<string, Promise<void>>();

/** Writes the journal atomically (temp file + rename). */
export function writeJournal(repo: GitRepo, journal: RunJournal): Promise<void> {
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

function validate(j: unknown, file: string): RunJournal {
  const o = j as Partial<RunJournal> | null;
  if (!o || typeof o !== 'object' || typeof o.runId !== 'string' || typeof o.status !== 'string' || typeof o.tasks !== 'object') {
    throw new GitError(`The run journal ${file} is not a run journal (unexpected content).`);
  }
  return o as RunJournal;
}

/** Reads a run's journal; throws GitError (naming `runs`) when there is none. */
export async function readJournal(repo: GitRepo, runId: string): Promise<RunJournal> {
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
export async function tryReadJournal(repo: GitRepo, runId: string): Promise<RunJournal | undefined> {
  try {
    return await readJournal(repo, runId);
  } catch (e) {
    if (e instanceof GitError && /There is no run/.test(e.message)) return undefined;
    throw e;
  }
}

/** Every readable run journal, newest first (damaged ones are left out). */
export async function listRuns(repo: GitRepo): Promise<RunJournal[]> {
  let names: string[];
  try {
    names = await fsp.readdir(runsDir(repo));
  } catch {
    return [];
  }
  const out: RunJournal[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    try {
      const text = await fsp.readFile(path.join(runsDir(repo), name), 'utf8');
      out.push(validate(JSON.parse(text), name));
    } catch {
      // damaged or foreign: skipped
    }
  }
  out.sort((a, b) => (a.startedAt === b.startedAt ? (a.runId < b.runId ? 1 : -1) : a.startedAt < b.startedAt ? 1 : -1));
  return out;
}

/** Whether the process that owns a running journal is still alive. */
export function ownerAlive(owner: JournalOwner | undefined): boolean {
  if (!owner) return false;
  if (owner.hostname !== os.hostname()) return true; // cannot tell: assume alive
  return pidAlive(owner.pid);
}

/**
 * Marks runs found `running` with no live owner as `interrupted`; their finished tasks
 * are kept, tasks that were queued or running become `cancelled` with an error saying
 * why. Also removes temp files left by interrupted journal writes. Returns what changed.
 */
export async function recoverInterruptedRuns(repo: GitRepo): Promise<RunJournal[]> {
  const recovered: RunJournal[] = [];
  let names: string[] = [];
  try {
    names = await fsp.readdir(runsDir(repo));
  } catch {
    return [];
  }
  for (const name of names) {
    const m = /\.json\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
    if (m && !pidAlive(Number(m[1]))) await fsp.rm(path.join(runsDir(repo), name), { force: true });
  }
  for (const j of await listRuns(repo)) {
    if (j.status !== 'running' || ownerAlive(j.owner)) continue;
    const now = new Date().toISOString();
    j.status = 'interrupted';
    j.finishedAt ??= now;
    for (const t of Object.values(j.tasks)) {
      if (t.status === 'running' || t.status === 'queued') {
        t.error ??= t.status === 'running' ? 'interrupted: the process running it stopped' : 'interrupted before it started';
        t.status = 'cancelled';
        t.finishedAt ??= now;
      }
    }
    await writeJournal(repo, j);
    recovered.push(j);
  }
  return recovered;
}
