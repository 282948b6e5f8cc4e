// Runs the built CLI (dist/cli.js, as a user does) in a real process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** PARALLEL_AGENTS_TEST_CLI points the tests at another build (e.g. the one before a fix). */
export const CLI = process.env.PARALLEL_AGENTS_TEST_CLI ?? path.resolve(__dirname, '../../../dist/cli.js');

/** Skips the suite when dist/cli.js is missing (`npm test` builds it first). */
export function requireBuiltCli(ctx: Mocha.Context): void {
  if (!existsSync(CLI)) ctx.skip();
}

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/** The environment of a user without an API key (and without the test run's debug flags). */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!('ANTHROPIC_API_KEY' in extra)) delete env.ANTHROPIC_API_KEY;
  if (!('ANTHROPIC_BASE_URL' in extra)) delete env.ANTHROPIC_BASE_URL;
  delete env.PARALLEL_AGENTS_DEBUG;
  return env;
}

/** `closeStdout`: the reader goes away before the CLI writes anything (`… | head -0`). */
export function runCli(args: string[], cwd: string, opts: { env?: NodeJS.ProcessEnv; closeStdout?: boolean } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: opts.env ?? userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    if (opts.closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** No line of a Node stack trace (`    at fn (file:1:2)`) and no raw error dump. */
export const STACK_TRACE = /^\s+at .+[:(]\d+|Unhandled 'error' event|node:internal/m;
