// HEAD's commit read from the files git keeps it in (`<git dir>/HEAD`, then the branch's
// loose ref in the common git dir or its line in `packed-refs`) instead of a `git rev-parse`:
// a run's start needs it once, and each spawn() blocks the event loop for milliseconds at
// an extension host's size. Wherever the layout is not that plain one (reftable, a symbolic
// ref pointing at another, a ref that is not a branch, anything unreadable), git answers.
// git itself refuses to point HEAD or a branch at anything but a commit, so a sha found
// there is a commit.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { GitRepo } from './repo';

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** A branch name as git writes it in HEAD; `.`-components (reftable's `refs/heads/.invalid`) and odd characters go to git. */
const PLAIN_BRANCH = /^refs\/heads\/(?:[A-Za-z0-9_\-+@,=%]+(?:\.[A-Za-z0-9_\-+@,=%]+)*\/)*[A-Za-z0-9_\-+@,=%]+(?:\.[A-Za-z0-9_\-+@,=%]+)*$/;

const ASK_GIT = Symbol('ask git');

async function readOrMissing(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function fromFiles(repo: GitRepo): Promise<string | undefined | typeof ASK_GIT> {
  const head = (await fsp.readFile(path.join(repo.gitDir, 'HEAD'), 'utf8')).trim();
  if (SHA.test(head)) return head; // detached
  const name = /^ref: (.+)$/.exec(head)?.[1];
  if (!name || !PLAIN_BRANCH.test(name) || name.endsWith('.lock')) return ASK_GIT;
  const loose = await readOrMissing(path.join(repo.commonDir, ...name.split('/')));
  if (loose !== undefined) return SHA.test(loose.trim()) ? loose.trim() : ASK_GIT;
  const packed = await readOrMissing(path.join(repo.commonDir, 'packed-refs'));
  if (packed === undefined) return undefined; // unborn: no commit yet
  const suffix = ` ${name}`;
  for (const line of packed.split('\n')) {
    const l = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (!l.endsWith(suffix)) continue;
    const sha = l.slice(0, -suffix.length);
    return SHA.test(sha) ? sha : ASK_GIT;
  }
  return undefined; // unborn
}

/** The commit HEAD names, or undefined when there is none yet (as `repo.resolveCommit('HEAD')`). */
export async function headCommit(repo: GitRepo): Promise<string | undefined> {
  const found = await fromFiles(repo).catch((): typeof ASK_GIT => ASK_GIT);
  return found === ASK_GIT ? repo.resolveCommit('HEAD') : found;
}
