// `parallel-agents runs [DIR] [--json]`: the runs of a repository, newest first.
// Also home of the argument helpers shared by show/apply/undo.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { listRunRecords, readRunRecord, recoverInterruptedRuns, type RunRecord } from '../../engine';
import { GitError, isRunId, openRepo, type GitRepo } from '../../git';
import { parseArgs } from '../args';
import { commandSpec } from '../commandSpecs';
import { resolveDir } from '../dirArg';
import { usageLine } from '../help';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIO } from '../io';

const SPEC = commandSpec('runs');

/** Opens the repository in DIR (checked first: missing, or a file), turning git errors into CLI errors. */
export async function openRepoForCli(io: CliIO, dir: string | undefined): Promise<GitRepo> {
  const full = resolveDir(io, dir);
  try {
    return await openRepo(full);
  } catch (e) {
    throw toCliError(e);
  }
}

export function toCliError(e: unknown): unknown {
  if (e instanceof GitError) return new CliError(e.message, EXIT_FAILURE);
  return e;
}

const namesRun = (s: string | undefined) => s !== undefined && (isRunId(s) || s === 'last' || s === 'latest');

/**
 * Splits `[DIR] RUN [TASK]` positionals. The first one is DIR when all of them are given,
 * or when more follow and it is an existing path (a folder, or a file the caller then
 * refuses) or the next one names a run, and it does not look like a run id itself.
 */
export function splitDirRun(
  io: CliIO,
  positionals: readonly string[],
  usage: string,
  allowTask: boolean,
): { dir: string | undefined; run: string; task: string | undefined } {
  const p = [...positionals];
  const max = allowTask ? 3 : 2;
  if (p.length === 0) throw new CliError(`missing RUN (\`parallel-agents runs\` lists them)\n${usage}`, EXIT_USAGE);
  if (p.length > max) throw new CliError(`too many arguments\n${usage}`, EXIT_USAGE);
  let dir: string | undefined;
  const first = p[0] as string;
  const firstIsDir = !namesRun(first) && (exists(path.resolve(io.cwd, first)) || namesRun(p[1]));
  if (p.length === max || (p.length > 1 && firstIsDir)) dir = p.shift();
  const run = p.shift() as string;
  const task = p.shift();
  return { dir, run, task };
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Reads a run's record from its journal; `last` names the newest run. */
export async function loadRun(repo: GitRepo, run: string): Promise<RunRecord> {
  try {
    if (run === 'last' || run === 'latest') {
      const runs = await listRunRecords(repo);
      if (!runs[0]) throw new GitError(`There are no runs in ${repo.root} yet.`);
      return runs[0];
    }
    return await readRunRecord(repo, run);
  } catch (e) {
    throw toCliError(e);
  }
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

export function runDurationMs(j: RunRecord): number | undefined {
  if (j.finishedAt === undefined) return undefined;
  return j.finishedAt - j.startedAt;
}

/** `2026-01-01T10:00:00.000Z`, as journals of version 1 wrote times. */
export const isoTime = (ms: number): string => new Date(ms).toISOString();

export const runsCommand: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, SPEC);
  if (args.positionals.length > 1) throw new CliError(`too many arguments\n${usageLine(SPEC)}`, EXIT_USAGE);
  const repo = await openRepoForCli(io, args.positionals[0]);
  let runs: RunRecord[];
  try {
    await recoverInterruptedRuns(repo);
    runs = await listRunRecords(repo);
  } catch (e) {
    throw toCliError(e);
  }
  if (args.flags.json === true) {
    io.stdout(
      JSON.stringify(
        runs.map((j) => ({
          runId: j.runId,
          status: j.status,
          startedAt: isoTime(j.startedAt),
          finishedAt: j.finishedAt !== undefined ? isoTime(j.finishedAt) : null,
          baseCommit: j.baseCommit,
          tasks: Object.fromEntries(j.tasks.map((t) => [t.id, t.status])),
          applied: j.applied ?? null,
        })),
        null,
        2,
      ) + '\n',
    );
    return EXIT_OK;
  }
  if (runs.length === 0) {
    io.stdout(`No runs yet in ${repo.root}.\n`);
    return EXIT_OK;
  }
  const rows = runs.map((j) => {
    const tasks = j.tasks;
    const ok = tasks.filter((t) => t.status === 'succeeded').length;
    const failed = tasks.filter((t) => t.status === 'failed').length;
    const undecided = tasks.filter((t) => t.status === 'undecided').length;
    const applied = j.applied ? (j.applied.undoneAt ? 'undone' : j.applied.error ? 'apply failed' : 'applied') : '';
    return [
      j.runId,
      j.status,
      isoTime(j.startedAt).replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      formatDuration(runDurationMs(j)),
      `${ok}/${tasks.length} ok${failed ? `, ${failed} failed` : ''}${undecided ? `, ${undecided} undecided` : ''}`,
      applied,
    ];
  });
  const header = ['RUN', 'STATUS', 'STARTED', 'TIME', 'TASKS', 'APPLY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  for (const r of [header, ...rows]) io.stdout(r.map((c, i) => pad(c, widths[i] as number)).join('  ').trimEnd() + '\n');
  return EXIT_OK;
};
