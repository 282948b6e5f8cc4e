// What a command wrote in its worktree that is not part of its result, so that nothing it
// did vanishes without a word (issue 11 §4, §6; issue 10 §3):
// - files git ignores (a generated header listed in .gitignore): counted, a few named;
// - writes outside the task's workspace folder: beside the repository (`> ../x`, into the
//   worktree's own task folder), in the repository outside a workspace folder, under a
//   submodule (git add skips those silently) or replacing a submodule. They are reported
//   and left out of the result (the index entries are put back as they were in the base).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { NULL_SHA, type IndexUpdate } from './objects';
import type { GitRepo } from './repo';
import type { WorktreeWorkspace } from './worktreeWorkspace';

/** Paths listed at most per kind (the counts stay exact). */
const MAX_LISTED = 200;
const SAMPLE = 5;

export interface IgnoredOutputs {
  readonly count: number;
  /** The first few, repository-relative. */
  readonly sample: string[];
}

interface RawChange {
  readonly oldMode: string;
  readonly oldSha: string;
  readonly path: string;
}

/**
 * Takes out of the worktree's index (after `git add -A`) every change outside
 * `workspaceFolder` and every change to a submodule, and returns what was taken out plus
 * what was written where git does not look (beside the repository, inside submodules).
 * Paths are repository-relative; `../x` is beside the repository.
 */
export async function takeOutsideWrites(repo: GitRepo, wt: WorktreeWorkspace, workspaceFolder: string): Promise<string[]> {
  const cwd = wt.path;
  const outside = new Set<string>();
  const raw = (await repo.exec(['diff-index', '--cached', '--no-renames', '-z', '--raw', wt.baseCommit], { cwd })).stdout.toString('utf8');
  const fields = raw.split('\0');
  const changes: RawChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = (fields[i] as string).replace(/^:/, '').split(' ');
    changes.push({ oldMode: meta[0] as string, oldSha: meta[2] as string, path: fields[i + 1] as string });
  }
  const gitlinks = await baseGitlinks(repo, wt);
  const underGitlink = (p: string) => gitlinks.some((g) => p === g || p.startsWith(g + '/'));
  const putBack: IndexUpdate[] = [];
  for (const c of changes) {
    const outsideFolder = workspaceFolder !== '' && !c.path.startsWith(workspaceFolder);
    if (!outsideFolder && !underGitlink(c.path)) continue;
    outside.add(c.path);
    putBack.push(c.oldMode === '000000' ? { path: c.path } : { path: c.path, mode: c.oldMode, sha: c.oldSha });
  }
  // Removals first: a path put back may be a folder's name that the command's files used.
  putBack.sort((a, b) => Number(a.sha !== undefined) - Number(b.sha !== undefined));
  if (putBack.length) {
    const input = putBack.map((u) => (u.sha && u.mode ? `${u.mode} ${u.sha}\t${u.path}\0` : `0 ${NULL_SHA}\t${u.path}\0`)).join('');
    await repo.exec(['update-index', '-z', '--index-info'], { cwd, input });
  }
  for (const g of gitlinks) for (const f of await filesBelow(path.join(cwd, g))) outside.add(`${g}/${f}`);
  for (const f of await filesBelow(wt.taskDir, new Set([path.basename(cwd)]))) outside.add(`../${f}`);
  return [...outside].sort().slice(0, MAX_LISTED);
}

/** Files the command wrote that git ignores (after `git add -A`, every untracked file left is ignored). */
export async function ignoredOutputs(repo: GitRepo, wt: WorktreeWorkspace): Promise<IgnoredOutputs> {
  const out = (await repo.exec(['ls-files', '-z', '--others', '--ignored', '--exclude-standard'], { cwd: wt.path })).stdout.toString('utf8');
  const files = out.split('\0').filter(Boolean);
  return { count: files.length, sample: files.sort().slice(0, SAMPLE) };
}

/** Submodule paths of the base (from the worktree's index, which was checked out from it). */
async function baseGitlinks(repo: GitRepo, wt: WorktreeWorkspace): Promise<string[]> {
  const out = (await repo.exec(['ls-tree', '-r', '-z', '--full-tree', wt.baseCommit])).stdout;
  const links: string[] = [];
  // records are "<mode> <type> <sha>\t<path>\0"; gitlinks are the rare "160000" ones
  for (let i = out.indexOf('160000 commit '); i >= 0; i = out.indexOf('160000 commit ', i + 1)) {
    if (i > 0 && out[i - 1] !== 0) continue;
    const tab = out.indexOf(0x09, i);
    const end = out.indexOf(0, tab);
    links.push(out.subarray(tab + 1, end < 0 ? out.length : end).toString('utf8'));
  }
  return links;
}

/** Files (and links) below `dir`, relative to it; bounded. `skip` names entries of `dir` itself to leave out. */
async function filesBelow(dir: string, skip: ReadonlySet<string> = new Set()): Promise<string[]> {
  const out: string[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fsp.readdir(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (out.length >= MAX_LISTED) return;
      if (!rel && skip.has(e.name)) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(abs, e.name), r);
      else out.push(r);
    }
  };
  await walk(dir, '');
  return out;
}

