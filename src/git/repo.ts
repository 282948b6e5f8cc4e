// Repository access: where the repository is, and one way to run git.
//
// `exec` spawns git directly (binary-safe stdout, stdin input, exit codes as data);
// `simple` is a simple-git instance for ordinary commands. Every process gets a cleaned
// environment: no inherited GIT_DIR / GIT_INDEX_FILE / GIT_WORK_TREE (the engine chooses
// those itself), GIT_OPTIONAL_LOCKS=0 so read-only commands never refresh (and lock) the
// user's index, and no terminal prompts.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { GitError } from './errors';

export interface GitRunOptions {
  /** Bytes written to git's stdin (then closed). */
  readonly input?: string | Uint8Array;
  /** Extra environment variables (undefined removes one). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Working directory; defaults to the repository's top level. */
  readonly cwd?: string;
  /** Exit codes that are not failures (0 always is). */
  readonly okExitCodes?: readonly number[];
  /** Every exit code is accepted (the caller looks at `exitCode`). */
  readonly anyExitCode?: boolean;
  readonly signal?: AbortSignal;
}

export interface GitResult {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Identity for the engine's own commits (the machine may have none configured). */
export const ENGINE_IDENTITY_ENV: Readonly<Record<string, string>> = {
  GIT_AUTHOR_NAME: 'Parallel Agents',
  GIT_AUTHOR_EMAIL: 'parallel-agents@localhost',
  GIT_COMMITTER_NAME: 'Parallel Agents',
  GIT_COMMITTER_EMAIL: 'parallel-agents@localhost',
};

const STRIPPED_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_PREFIX',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_EXTERNAL_DIFF',
  'GIT_DIFF_OPTS',
];

export function gitEnv(extra?: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of STRIPPED_ENV) delete env[k];
  env.GIT_OPTIONAL_LOCKS = '0';
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_PAGER = 'cat';
  if (extra) {
    for (const [k, v] of Object.entries(extra)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
  }
  return env;
}

/** simple-git refuses environments that carry editors, pagers, askpass…: give it a plain one. */
function simpleGitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  const keep = /^(PATH|Path|HOME|USERPROFILE|USER|LOGNAME|LANG|LANGUAGE|LC_[A-Z]+|TMPDIR|TEMP|TMP|SystemRoot|XDG_CONFIG_HOME|GIT_OPTIONAL_LOCKS|GIT_TERMINAL_PROMPT)$/;
  for (const [k, v] of Object.entries(gitEnv())) if (v !== undefined && keep.test(k)) env[k] = v;
  return env;
}

const GIT_MISSING =
  'git was not found on this machine (PATH). Install git (https://git-scm.com/downloads) and try again.';

/** Runs git once. Rejects with GitError on a failing exit code (unless accepted). */
export function runGit(args: readonly string[], cwd: string, opts: GitRunOptions = {}): Promise<GitResult> {
  return runProcess('git', args, describeCommand(args), args, cwd, opts);
}

const describeCommand = (args: readonly string[]) => `git ${args.filter((a) => !a.startsWith('-c') && !a.includes('=')).slice(0, 3).join(' ')}`;
const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs git commands one after the other, stopping at the first that fails: the result is
 * that one's exit code and stderr, else the last one's stdout (the others' is dropped).
 * Through one `sh` where there is one: each process Node spawns blocks its event loop for
 * milliseconds at an extension host's size (it grows with the heap), where sh starts git
 * for a fraction of that. On Windows, one runGit each.
 */
export async function runGitChain(commands: readonly (readonly string[])[], cwd: string, opts: Omit<GitRunOptions, 'input'> = {}): Promise<GitResult> {
  if (process.platform === 'win32' || commands.length < 2) {
    let last: GitResult = { stdout: Buffer.alloc(0), stderr: '', exitCode: 0 };
    for (const args of commands) {
      last = await runGit(args, cwd, opts);
      if (last.exitCode !== 0) break;
    }
    return last;
  }
  const script = commands.map((args, i) => `git ${args.map(shQuote).join(' ')}${i < commands.length - 1 ? ' >/dev/null' : ''}`).join(' && ');
  return runProcess('/bin/sh', ['-c', script], commands.map(describeCommand).join(' && '), commands.flat(), cwd, opts);
}

function runProcess(program: string, argv: readonly string[], what: string, args: readonly string[], cwd: string, opts: GitRunOptions): Promise<GitResult> {
  return new Promise<GitResult>((resolve, reject) => {
    const child = spawn(program, argv as string[], {
      cwd: opts.cwd ?? cwd,
      env: gitEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let spawnError: Error | undefined;
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });
    child.stdin.on('error', () => undefined); // git may exit before reading all input
    child.on('close', (code) => {
      if (spawnError) {
        const e = spawnError as NodeJS.ErrnoException;
        if (e.code === 'ENOENT' && !existsSync(opts.cwd ?? cwd)) {
          reject(new GitError(`The folder ${opts.cwd ?? cwd} does not exist.`, args));
        } else if (e.code === 'ENOENT') reject(new GitError(GIT_MISSING, args));
        else if (e.name === 'AbortError') reject(e);
        else reject(new GitError(`Could not run git ${args[0] ?? ''}: ${e.message}`, args));
        return;
      }
      const exitCode = code ?? -1;
      const stderr = Buffer.concat(err).toString('utf8');
      const result: GitResult = { stdout: Buffer.concat(out), stderr, exitCode };
      if (exitCode === 0 || opts.anyExitCode || opts.okExitCodes?.includes(exitCode)) resolve(result);
      else {
        const first = stderr.trim().split('\n').slice(-3).join(' ').trim();
        reject(
          new GitError(
            `${what} failed in ${opts.cwd ?? cwd}` +
              (first ? `: ${first}` : ` (exit code ${exitCode})`),
            args,
            stderr,
            exitCode,
          ),
        );
      }
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

export class GitRepo {
  /** simple-git, for ordinary commands. */
  readonly simple: SimpleGit;

  constructor(
    /** Absolute top level of the working tree. */
    readonly root: string,
    /** Absolute git directory of this working tree (`.git`, or `.git/worktrees/x`). */
    readonly gitDir: string,
    /** Absolute common git directory (shared by all worktrees: refs, objects, our state). */
    readonly commonDir: string,
  ) {
    this.simple = simpleGit({ baseDir: root, trimmed: false }).env(simpleGitEnv());
  }

  /** Where the engine keeps its state: `<common git dir>/parallel-agents`. */
  get stateDir(): string {
    return path.join(this.commonDir, 'parallel-agents');
  }

  /** Runs git in the repository; stdout as UTF-8 text. */
  async git(args: readonly string[], opts: GitRunOptions = {}): Promise<string> {
    return (await runGit(args, this.root, opts)).stdout.toString('utf8');
  }

  /** Runs git in the repository; raw result (binary stdout, exit code). */
  exec(args: readonly string[], opts: GitRunOptions = {}): Promise<GitResult> {
    return runGit(args, this.root, opts);
  }

  /** The commit sha a revision names, or undefined (e.g. HEAD of an empty repository). */
  async resolveCommit(rev: string): Promise<string | undefined> {
    const r = await this.exec(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], {
      anyExitCode: true,
    });
    return r.exitCode === 0 ? r.stdout.toString('utf8').trim() : undefined;
  }
}

/**
 * Opens the repository containing `dir`. Throws GitError when git is missing, `dir` does
 * not exist, is not inside a repository, or is inside a bare one.
 */
export async function openRepo(dir: string): Promise<GitRepo> {
  const abs = path.resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new GitError(`The folder ${abs} does not exist. Check the path and try again.`);
  }
  const r = await runGit(
    ['rev-parse', '--path-format=absolute', '--show-toplevel', '--absolute-git-dir', '--git-common-dir'],
    abs,
    { anyExitCode: true, env: { LC_ALL: 'C', LANGUAGE: 'C' } },
  );
  if (r.exitCode !== 0) {
    if (/not a git repository/i.test(r.stderr)) {
      throw new GitError(
        `${abs} is not inside a git repository: Parallel Agents keeps each task's result as a git commit. Run \`git init\` there (no commit is needed: uncommitted files are snapshotted too), or open a folder that is a git repository, then try again.`,
        ['rev-parse'],
        r.stderr,
        r.exitCode,
      );
    }
    if (/must be run in a work tree|bare/i.test(r.stderr)) {
      throw new GitError(
        `${abs} is inside a bare git repository, which has no working tree. Open a clone with a working tree instead.`,
        ['rev-parse'],
        r.stderr,
        r.exitCode,
      );
    }
    if (/dubious ownership/i.test(r.stderr)) {
      throw new GitError(
        `git refuses to use ${abs} because it is owned by another user (“dubious ownership”). Run \`git config --global --add safe.directory ${abs}\` if you trust it.`,
        ['rev-parse'],
        r.stderr,
        r.exitCode,
      );
    }
    throw new GitError(`Could not open the git repository at ${abs}: ${r.stderr.trim()}`, ['rev-parse'], r.stderr, r.exitCode);
  }
  const lines = r.stdout.toString('utf8').split('\n');
  const [root, gitDir, commonDir] = lines;
  if (!root || !gitDir || !commonDir) {
    throw new GitError(`${abs} is inside a git repository without a working tree. Open a folder with a working tree.`);
  }
  return new GitRepo(path.resolve(root), path.resolve(gitDir), path.resolve(abs, commonDir));
}
