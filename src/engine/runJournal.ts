// The run record on disk: the journal (`<git-common-dir>/parallel-agents/runs/<runId>.json`,
// written atomically by the git layer). Written as version 2 (the record itself, without
// its live-only fields); version 1 journals are read through migrateV1. Reading validates
// the fields the front ends rely on, so a damaged or foreign file is refused saying where.
import { TERMINAL_STATUSES, type TaskStatus, type TranscriptEntry } from '../core';
import {
  appendTranscript,
  GitError,
  journalPath,
  ownerAlive,
  readAllJournals,
  readJournal,
  removeStaleJournalTemps,
  tryReadJournal,
  writeJournal,
  type GitRepo,
  type StoredJournal,
} from '../git';
import { LIVE_ONLY, RECORD_VERSION, type RunRecord, type RunStatus, type TaskRecord } from './runRecord';
import { migrateV1, type JournalV1 } from './runJournalV1';

const RUN_STATUSES: ReadonlySet<string> = new Set<RunStatus>(['running', 'succeeded', 'failed', 'cancelled', 'interrupted', 'undecided']);
const TASK_STATUSES: ReadonlySet<string> = new Set<TaskStatus>(['queued', 'running', ...TERMINAL_STATUSES]);

const isStrings = (x: unknown): boolean => Array.isArray(x) && x.every((s) => typeof s === 'string');

/** What is wrong with a version 2 record, or undefined when nothing the readers rely on is. */
function problemOf(o: Record<string, unknown>): string | undefined {
  if (typeof o['runId'] !== 'string') return 'no runId';
  if (!RUN_STATUSES.has(o['status'] as string)) return `unknown status ${JSON.stringify(o['status'])}`;
  if (typeof o['startedAt'] !== 'number') return 'startedAt is not a time';
  if (typeof o['repoRoot'] !== 'string' || typeof o['prefix'] !== 'string' || typeof o['baseCommit'] !== 'string') return 'repoRoot, prefix or baseCommit missing';
  if (!Array.isArray(o['tasks'])) return 'tasks is not a list';
  for (const t of o['tasks'] as unknown[]) {
    const x = (t ?? {}) as Record<string, unknown>;
    if (typeof x['id'] !== 'string') return 'a task has no id';
    if (!TASK_STATUSES.has(x['status'] as string)) return `task ${x['id']} has an unknown status ${JSON.stringify(x['status'])}`;
    if (!isStrings(x['owns']) || !isStrings(x['dependsOn'])) return `task ${x['id']} has no owns or dependsOn list`;
    if (x['changed'] !== undefined && !isStrings(x['changed'])) return `task ${x['id']}'s changed is not a list of paths`;
  }
  return undefined;
}

/**
 * The run record in a journal's content, version 1 migrated. `repoRoot`: the repository
 * the journal belongs to (version 1 journals may not say). Throws GitError naming `file`.
 */
export function parseRunRecord(content: unknown, file: string, repoRoot: string): RunRecord {
  const o = (content ?? {}) as Record<string, unknown>;
  if (o['version'] === 1) return migrateV1(o as unknown as JournalV1, repoRoot);
  if (o['version'] !== RECORD_VERSION) {
    throw new GitError(`The run journal ${file} has version ${JSON.stringify(o['version'])}, which this version of Parallel Agents cannot read; update the extension or CLI.`);
  }
  const problem = problemOf(o);
  if (problem) throw new GitError(`The run journal ${file} is damaged (${problem}); \`parallel-agents prune --force\` removes it.`);
  return o as unknown as RunRecord;
}

/** The record as it is written: without what only a live run has. */
export function journalOf(record: RunRecord): StoredJournal {
  const run: Record<string, unknown> = { ...record };
  for (const k of LIVE_ONLY.run) delete run[k];
  run['tasks'] = record.tasks.map((t) => {
    const task: Record<string, unknown> = { ...t };
    for (const k of LIVE_ONLY.task) delete task[k];
    return task;
  });
  return run as unknown as StoredJournal;
}

export function writeRunRecord(repo: GitRepo, record: RunRecord): Promise<void> {
  return writeJournal(repo, journalOf(record));
}

/** Reads a run's record; throws GitError (naming `runs`) when there is none, or it is damaged. */
export async function readRunRecord(repo: GitRepo, runId: string): Promise<RunRecord> {
  return parseRunRecord(await readJournal(repo, runId), journalPath(repo, runId), repo.root);
}

/** A run's record, or undefined when it has no journal. */
export async function tryReadRunRecord(repo: GitRepo, runId: string): Promise<RunRecord | undefined> {
  const j = await tryReadJournal(repo, runId);
  return j && parseRunRecord(j, journalPath(repo, runId), repo.root);
}

/** Every readable run, newest first (damaged journals are left out). */
export async function listRunRecords(repo: GitRepo): Promise<RunRecord[]> {
  const out: RunRecord[] = [];
  for (const j of await readAllJournals(repo)) {
    try {
      out.push(parseRunRecord(j, j.runId, repo.root));
    } catch {
      // damaged or from a newer version: skipped
    }
  }
  return out.sort((a, b) => (a.startedAt === b.startedAt ? (a.runId < b.runId ? 1 : -1) : b.startedAt - a.startedAt));
}

/**
 * `records`: the runs as listRunRecords read them just before (read again when not given).
 * Marks runs found `running` with no live owner as `interrupted`; their finished tasks
 * are kept, tasks that were queued or running become `cancelled` with an error saying
 * why. Also removes temp files left by interrupted journal writes. Returns what changed.
 */
export async function recoverInterruptedRuns(repo: GitRepo, records?: readonly RunRecord[]): Promise<RunRecord[]> {
  await removeStaleJournalTemps(repo);
  const recovered: RunRecord[] = [];
  for (const r of records ?? (await listRunRecords(repo))) {
    if (r.status !== 'running' || ownerAlive(r.owner)) continue;
    const now = Date.now();
    const tasks = r.tasks.map((t): TaskRecord => {
      if (t.status !== 'running' && t.status !== 'queued') return t;
      const error = t.error ?? (t.status === 'running' ? 'interrupted: the process running it stopped' : 'interrupted before it started');
      return { ...t, status: 'cancelled', error, finishedAt: t.finishedAt ?? now };
    });
    const next: RunRecord = { ...r, status: 'interrupted', finishedAt: r.finishedAt ?? now, tasks };
    await writeRunRecord(repo, next);
    recovered.push(next);
  }
  return recovered;
}

// A live run's journal: writing it serialises the whole record, which grows with its tasks
// (at 1,000 tasks, a write every 50 ms took 4 s of a run's event loop). So at most one write
// is in flight, the state at the time it starts is what it writes, and the next one waits
// a multiple of what serialising cost: the journal takes a bounded share of the event loop.
const JOURNAL_MIN_DELAY_MS = 50;
const JOURNAL_MAX_DELAY_MS = 1000;
const JOURNAL_COST_FACTOR = 50;

export class RunJournalWriter {
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** The write waiting for the one in flight; it has not read the record yet. */
  private queued: Promise<void> | undefined;
  private costMs = 0;

  constructor(
    private readonly repo: GitRepo,
    private readonly record: () => RunRecord,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** The record changed: it is written within a bounded delay. */
  schedule(): void {
    if (this.timer || this.queued) return;
    const delay = Math.min(JOURNAL_MAX_DELAY_MS, Math.max(JOURNAL_MIN_DELAY_MS, JOURNAL_COST_FACTOR * this.costMs));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
  }

  /** Writes the record as it is now (after the write in flight); resolves once it is on disk. */
  flush(): Promise<void> {
    this.cancelTimer();
    if (this.queued) return this.queued;
    const q = this.chain.then(() => {
      this.queued = undefined;
      return this.writeNow();
    });
    this.queued = q;
    this.chain = q;
    return q;
  }

  /** Forgets a scheduled write (the writes already asked for still happen). */
  cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async writeNow(): Promise<void> {
    const t0 = performance.now();
    // writeRunRecord serialises before its first await: the cost the event loop pays
    const written = writeRunRecord(this.repo, this.record());
    this.costMs = performance.now() - t0;
    await written.catch(this.onError);
  }
}

// Transcript entries of a task are appended in batches: one append per task at a time, the
// entries that came meanwhile in the next one, after a short delay that gathers a turn's.
const TRANSCRIPT_DELAY_MS = 100;

interface TranscriptQueue {
  readonly entries: TranscriptEntry[];
  wake: () => void;
  drained: Promise<void>;
}

export class TranscriptWriter {
  private readonly queues = new Map<string, TranscriptQueue>();

  constructor(
    private readonly repo: GitRepo,
    private readonly runId: string,
    private readonly onError: (taskId: string, err: unknown) => void,
  ) {}

  append(taskId: string, entry: TranscriptEntry): void {
    const q = this.queues.get(taskId);
    if (q) {
      q.entries.push(entry);
      return;
    }
    const fresh: TranscriptQueue = { entries: [entry], wake: () => undefined, drained: Promise.resolve() };
    this.queues.set(taskId, fresh);
    fresh.drained = this.drain(taskId, fresh);
  }

  /** Resolves once every entry appended so far is on disk (or its failure reported). */
  async flush(): Promise<void> {
    const pending = [...this.queues.values()];
    for (const q of pending) q.wake();
    await Promise.all(pending.map((q) => q.drained));
  }

  private async drain(taskId: string, q: TranscriptQueue): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, TRANSCRIPT_DELAY_MS);
      q.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    // No await between the last check and the delete: an entry either is in a batch or starts a new queue.
    while (q.entries.length > 0) {
      const batch = q.entries.splice(0);
      await appendTranscript(this.repo, this.runId, taskId, batch).catch((err: unknown) => this.onError(taskId, err));
    }
    this.queues.delete(taskId);
  }
}
