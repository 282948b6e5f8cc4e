// The reference every git-side metric is compared to: `git status --porcelain`, as a user
// (or VS Code's git extension) runs it, on the same tree.
import { execFile } from 'node:child_process';
import { now } from './stats';

export function gitAsync(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: 512 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/** Milliseconds taken by one `git status --porcelain` in `dir`. */
export async function timeGitStatus(dir: string): Promise<number> {
  const t0 = now();
  await gitAsync(dir, ['status', '--porcelain']);
  return now() - t0;
}
