// Result commits: each finished task becomes a commit whose parent is its base, at
// `refs/parallel-agents/<runId>/tasks/<taskId>`. A dependent task's base is its run base
// merged with its dependencies' results (`git merge-tree --write-tree`, no worktree).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { GitError } from './errors';
import { taskRef } from './ids';
import { commitTree, QUIET_WRITE_CONFIG, treeWithUpdates, updateRef, writeBlobs, type IndexUpdate } from './objects';
import type { OverlayWorkspace } from './overlayWorkspace';
import type { GitRepo } from './repo';
import type { WorktreeWorkspace } from './worktreeWorkspace';

export interface CommitTaskOptions {
  readonly runId: string;
  readonly taskId: string;
  readonly baseCommit: string;
  readonly message: string;
  /** Stores the commit at `refs/parallel-agents/<runId>/extra/<taskId>/<refName>` instead (e.g. `attempts/2`). */
  readonly refName?: string;
}

const WRITABLE_MODES = new Set(['100644', '100755', '120000']);

/** Commits an overlay's writes and deletes on top of its base. Returns the commit sha. */
export async function commitOverlay(
  repo: GitRepo,
  opts: CommitTaskOptions & { readonly workspace: OverlayWorkspace },
): Promise<string> {
  const entries = [...opts.workspace.entries()];
  const written = entries.filter(([, c]) => c !== null) as Array<[string, Buffer]>;
  const reader = opts.workspace.reader;
  // Modes of the files being overwritten (an executable stays executable), read through
  // the run's cat-file process, folder by folder, in parallel with writing the blobs.
  const folders = [...new Set(written.map(([p]) => p.slice(0, Math.max(0, p.lastIndexOf('/')))))];
  const [listings, shas] = await Promise.all([
    Promise.all(folders.map((f) => reader.readFolder(opts.baseCommit, f))),
    writeBlobs(repo, written.map(([, c]) => c)),
  ]);
  const modes = new Map<string, string>();
  folders.forEach((f, i) => {
    for (const e of listings[i] ?? []) modes.set(f ? `${f}/${e.path}` : e.path, e.mode);
  });
  const updates: IndexUpdate[] = [];
  written.forEach(([p], i) => {
    const m = modes.get(p);
    updates.push({ path: p, mode: m && WRITABLE_MODES.has(m) ? m : '100644', sha: shas[i] as string });
  });
  for (const [p, c] of entries) if (c === null) updates.push({ path: p });
  const tree = await treeWithUpdates(repo, opts.baseCommit, updates, (treeish, dir) => reader.readFolder(treeish, dir));
  return storeResult(repo, opts, tree);
}

/** What commitWorktree committed, and what the command wrote that the commit leaves out. */
export interface WorktreeCommit {
  readonly commit: string;
  /** Files git ignores (not part of the result): how many, and the first ≤5 repository-relative paths. */
  readonly ignored: { readonly count: number; readonly sample: string[] };
  /**
   * Paths written outside the task's workspace folder, not kept: repository paths outside
   * `workspacePrefix`, and files next to the worktree (`../x` from its top level), which
   * are removed. (Worktrees of one run share that folder: a file there is reported by the
   * first command task of the run to commit after it appeared.)
   */
  readonly outside: string[];
}

const IGNORED_SAMPLE = 5;
/** The names of worktree folders (task ids, `<task>-attempt-2`, …). */
const TASK_FOLDER = /^[A-Za-z0-9_-]+$/;

/** Commits everything a command did in its worktree (inside its workspace folder, not ignored files) on top of its base. */
export async function commitWorktree(
  repo: GitRepo,
  opts: CommitTaskOptions & {
    readonly worktree: WorktreeWorkspace;
    /** Repository-relative workspace folder with a trailing slash ('' or absent: the whole repository). */
    readonly workspacePrefix?: string;
  },
): Promise<WorktreeCommit> {
  const cwd = opts.worktree.path;
  const prefix = opts.workspacePrefix ?? '';
  const [ignoredOut, statusOut] = await Promise.all([
    repo.exec(['ls-files', '-z', '--others', '--ignored', '--exclude-standard'], { cwd }),
    prefix ? repo.exec(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], { cwd }) : undefined,
  ]);
  const ignored = ignoredOut.stdout.toString('utf8').split('\0').filter(Boolean).sort();
  const outside = statusOut ? porcelainPaths(statusOut.stdout.toString('utf8')).filter((p) => !p.startsWith(prefix)) : [];
  await repo.exec([...QUIET_WRITE_CONFIG, 'add', '-A', '--', prefix ? `:(top)${prefix}` : '.'], { cwd });
  const tree = (await repo.git(['write-tree'], { cwd })).trim();
  outside.push(...(await removeStrays(cwd)));
  const commit = await storeResult(repo, opts, tree);
  return { commit, ignored: { count: ignored.length, sample: ignored.slice(0, IGNORED_SAMPLE) }, outside };
}

/** Paths of `git status --porcelain=v1 -z --no-renames` records. */
function porcelainPaths(out: string): string[] {
  return out
    .split('\0')
    .filter((r) => r.length > 3)
    .map((r) => r.slice(3));
}

/**
 * Files next to the worktree (a command's `../x`): everything in its parent folder that is
 * not a worktree. Listed as `../name` (files below a folder one by one) and removed.
 */
async function removeStrays(worktreePath: string): Promise<string[]> {
  const parent = path.dirname(worktreePath);
  const found: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const e of await fsp.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full, `${rel}${e.name}/`);
      else found.push(`../${rel}${e.name}`);
    }
  };
  for (const e of await fsp.readdir(parent, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(parent, e.name);
    if (e.isDirectory()) {
      // Another task's worktree, or one being created (no .git file yet): its folder is named
      // like a task id. Such a folder written by a command is not recognised.
      if (TASK_FOLDER.test(e.name) || (await fsp.stat(path.join(full, '.git')).then(() => true, () => false))) continue;
      await walk(full, `${e.name}/`);
    }
    else found.push(`../${e.name}`);
    await fsp.rm(full, { recursive: true, force: true });
  }
  return found.sort();
}

async function storeResult(repo: GitRepo, opts: CommitTaskOptions, tree: string): Promise<string> {
  const ref = taskRef(opts.runId, opts.taskId, opts.refName);
  const commit = await commitTree(repo, tree, [opts.baseCommit], opts.message);
  await updateRef(repo, ref, commit, `result of task ${opts.taskId} in run ${opts.runId}`);
  return commit;
}

export interface MergedBase {
  readonly commit: string;
  /** Paths where the dependencies' results conflicted (the tree holds conflict markers there). */
  readonly conflicts: string[];
}

/**
 * The base for a dependent task: the run base merged with its dependencies' result
 * commits. Result commits descend from the run base, so merging the results is enough.
 */
export async function mergeBase(repo: GitRepo, runBase: string, dependencyResultCommits: readonly string[]): Promise<MergedBase> {
  const deps = [...new Set(dependencyResultCommits)];
  if (deps.length === 0) return { commit: runBase, conflicts: [] };
  let cur = deps[0] as string;
  const conflicts = new Set<string>();
  for (const next of deps.slice(1)) {
    const r = await repo.exec(['merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', cur, next], {
      okExitCodes: [1],
    });
    const fields = r.stdout.toString('utf8').split('\0');
    const tree = fields[0];
    if (!tree || !/^[0-9a-f]{40,64}$/.test(tree)) {
      throw new GitError(`Could not merge the results ${cur} and ${next}: ${r.stderr.trim() || 'unexpected output from git merge-tree'}`);
    }
    if (r.exitCode === 1) {
      for (const f of fields.slice(1)) {
        if (f === '') break;
        conflicts.add(f);
      }
    }
    cur = await commitTree(repo, tree, [cur, next], 'parallel-agents: merged dependencies');
  }
  return { commit: cur, conflicts: [...conflicts].sort() };
}
