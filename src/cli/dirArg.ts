// The DIR argument: said plainly when it does not exist or is a file, before anything
// looks for a task file or a repository in it.
import { realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CliError, EXIT_USAGE, type CliIO } from './io';

/**
 * The absolute folder DIR names (the current directory when it is absent). `taskFileHint`:
 * a file given as DIR is probably the task file, so say how to pass it.
 */
export function resolveDir(io: CliIO, dir: string | undefined, taskFileHint = false): string {
  const full = path.resolve(io.cwd, dir ?? '.');
  if (dir === undefined) return full;
  let isDir: boolean;
  try {
    isDir = statSync(full).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CliError(`the directory ${quoteArg(dir)} does not exist (${full})`, EXIT_USAGE);
    throw new CliError(`cannot read the directory ${quoteArg(dir)}: ${(e as Error).message}`, EXIT_USAGE);
  }
  if (!isDir) {
    const hint = taskFileHint ? `; to use it as the task file, pass --file ${quoteArg(dir)}` : '; give the folder of a git repository';
    throw new CliError(`${quoteArg(dir)} is a file, not a directory${hint}`, EXIT_USAGE);
  }
  return full;
}

/** A path or word as a shell would need it: unchanged when safe, else in single quotes. */
export function quoteArg(s: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * How a follow-up command names the repository the user worked on: nothing when the
 * current directory is in it, a relative path when it is below the current directory,
 * else the absolute path; quoted for a shell.
 */
export function dirForCommand(io: CliIO, repoRoot: string): string {
  const inside = path.relative(real(repoRoot), real(io.cwd));
  if (inside === '' || (!inside.startsWith('..') && !path.isAbsolute(inside))) return '';
  const below = path.relative(io.cwd, repoRoot);
  return quoteArg(!below.startsWith('..') && !path.isAbsolute(below) ? below : repoRoot);
}

/** `parallel-agents undo 'my repo' RUN`: the folder included when the command is run elsewhere. */
export function followUp(io: CliIO, repoRoot: string, command: string, ...args: string[]): string {
  return ['parallel-agents', command, dirForCommand(io, repoRoot), ...args].filter(Boolean).join(' ');
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
