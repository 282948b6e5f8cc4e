// `parallel-agents runs [DIR] [--json]`: the runs of a repository, newest first.
// Also home of the argument helpers shared by show/apply/undo.
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { GitError } from '../../git/errors';
import { isRunId } from '../../git/ids';
import { listRuns, readJournal, recoverInterruptedRuns, type RunJournal } from '../../git/journal';
import { openRepo, type GitRepo } from '../../git/repo';
import { parseArgs } from '../args';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIO } from '../io';

export const RUNS_USAGE = 'usage: parallel-agents runs [DIR] [--json]';

/** Opens the repository, turning git errors into CLI errors. */
export async function openRepoForCli(io: CliIO, dir: string | undefined): Promise<GitRepo> {
  try {
    return await openRepo(path.resolve(io.cwd, dir ?? '.'));
  } catch (e) {
    throw toCliError(e);
  }
}

export function toCliError(e: unknown): unknown {
  if (e instanceof GitError) return new CliError(e.message, EXIT_FAILURE);
  return e;
}

/**
 * Splits `[DIR] RUN [TASK]` positionals. The first one is DIR when there are more than
 * `minRest` left and it is an existing folder that does not look like a run id.
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
  const firstIsDir = !isRunId(first) && first !== 'last' && isDir(path.resolve(io.cwd, first));
  if (p.length === max || (p.length > 1 && firstIsDir)) dir = p.shift();
  const run = p.shift() as string;
  const task = p.shift();
  return { dir, run, task };
}

function isDir(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Reads a run's journal; `last` names the newest run. */
export async function loadRun(repo: GitRepo, run: string): Promise<RunJournal> {
  try {
    if (run === 'last' || run === 'latest') {
      const runs = await listRuns(repo);
      if (!runs[0]) throw new GitError(`There are no runs in ${repo.root} yet.`);
      return runs[0];
    }
    return await readJournal(repo, run);
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

export function runDurationMs(j: RunJournal): number | undefined {
  if (!j.finishedAt) return undefined;
  return Date.parse(j.finishedAt) - Date.parse(j.startedAt);
}

export const runsCommand: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, { json: 'boolean' }, RUNS_USAGE);
  if (args.positionals.length > 1) throw new CliError(`too many arguments\n${RUNS_USAGE}`, EXIT_USAGE);
  const repo = await openRepoForCli(io, args.positionals[0]);
  let runs: RunJournal[];
  try {
    await recoverInterruptedRuns(repo);
    runs = await listRuns(repo);
  } catch (e) {
    throw toCliError(e);
  }
  if (args.flags.json === true) {
    io.stdout(
      JSON.stringify(
        runs.map((j) => ({
          runId: j.runId,
          status: j.status,
          startedAt: j.startedAt,
          finishedAt: j.finishedAt ?? null,
          baseCommit: j.baseCommit,
          tasks: Object.fromEntries(Object.entries(j.tasks).map(([id, t]) => [id, t.status])),
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
    const tasks = Object.values(j.tasks);
    const ok = tasks.filter((t) => t.status === 'succeeded').length;
    const failed = tasks.filter((t) => t.status === 'failed').length;
    const applied = j.applied ? (j.applied.undoneAt ? 'undone' : j.applied.error ? 'apply failed' : 'applied') : '';
    return [
      j.runId,
      j.status,
      j.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      formatDuration(runDurationMs(j)),
      `${ok}/${tasks.length} ok${failed ? `, ${failed} failed` : ''}`,
      applied,
    ];
  });
  const header = ['RUN', 'STATUS', 'STARTED', 'TIME', 'TASKS', 'APPLY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  for (const r of [header, ...rows]) io.stdout(r.map((c, i) => pad(c, widths[i] as number)).join('  ').trimEnd() + '\n');
  return EXIT_OK;
};
