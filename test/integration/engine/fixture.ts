// A temporary git repository holding a copy of an example, committed, for end-to-end runs.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Run } from '../../../src/engine';

export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test User',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test User',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
}

export function exampleRepo(example = 'four-step'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `pa-${example}-`));
  cpSync(path.resolve(__dirname, '../../../examples', example), dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'example');
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Resolves once the task is running. */
export function whenRunning(run: Run, id: string): Promise<void> {
  return new Promise((resolve) => {
    const d = run.onDidChangeTask((t) => {
      if (t.id === id && t.status === 'running') {
        d.dispose();
        resolve();
      }
    });
  });
}
