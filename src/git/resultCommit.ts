// Result commits: each finished task becomes a commit whose parent is its base, at
// `refs/parallel-agents/<runId>/tasks/<taskId>`. A dependent task's base is its run base
// merged with its dependencies' results (`git merge-tree --write-tree`, no worktree).
import { GitError } from './errors';
import { taskRef } from './ids';
import type { ObjectReader } from './catFileBatch';
import { changesAttributes, isAttributesPath, noAttributesApply } from './attributeSources';
import { writeCleanBlobs } from './cleanBlobs';
import { disjointMergeTree } from './disjointMerge';
import { withTreeAttributes } from './treeAttributes';
import { commitTree, QUIET_WRITE_CONFIG, treeWithUpdates, updateRef, writeBlobs, type IndexUpdate } from './objects';
import { baseFolderEntries, type OverlayFile, type OverlayWorkspace } from './overlayWorkspace';
import type { GitRepo } from './repo';
import { ignoredOutputs, takeOutsideWrites, type IgnoredOutputs } from './worktreeOutputs';
import type { WorktreeWorkspace } from './worktreeWorkspace';

export interface CommitTaskOptions {
  readonly runId: string;
  readonly taskId: string;
  readonly baseCommit: string;
  readonly message: string;
  /** Stores the commit at `refs/parallel-agents/<runId>/extra/<taskId>/<refName>` instead (e.g. `attempts/2`). */
  readonly refName?: string;
}

/** Commits an overlay's writes and deletes on top of its base. Returns the commit sha. */
export async function commitOverlay(
  repo: GitRepo,
  opts: CommitTaskOptions & { readonly workspace: OverlayWorkspace },
): Promise<string> {
  const entries = [...opts.workspace.entries()];
  const written = entries.filter((e): e is [string, OverlayFile] => e[1] !== null && !e[1].symlink);
  // A link's blob is its target as given: never through clean filters.
  const links = entries.filter((e): e is [string, OverlayFile] => e[1]?.symlink === true);
  const reader = opts.workspace.reader;
  // Folders through the overlay's cache: the task's tools listed most of them already.
  const readFolder = (treeish: string, dir: string) => baseFolderEntries(reader, treeish, dir);
  // Modes of the files being overwritten (an executable stays executable unless the task
  // said otherwise), read through the run's cat-file process, folder by folder, in
  // parallel with writing the blobs.
  const folders = [...new Set(written.filter(([, f]) => f.executable === undefined).map(([p]) => p.slice(0, Math.max(0, p.lastIndexOf('/')))))];
  // Without any attributes file in reach, check-attr would answer "unspecified" for all.
  const files = written.map(([path, f]) => ({ path, content: f.content }));
  // A task that changed an attributes file is cleaned by its own .gitattributes, as `git add` in its result would.
  const cleaned = changesAttributes(opts.workspace.entries().keys()) ?
      withTreeAttributes(repo, { paths: files.map((f) => f.path), changed: attributeChanges(entries), baseAttributes: (dir) => baseAttributesFile(reader, opts.baseCommit, dir) }, (source) => writeCleanBlobs(repo, files, source))
    : noAttributesApply(repo, files.map((f) => f.path), [], (dir) => readFolder(opts.baseCommit, dir)).then((u) => writeCleanBlobs(repo, files, u ? 'none' : 'workingTree'));
  const [listings, shas, linkShas] = await Promise.all([
    Promise.all(folders.map((f) => readFolder(opts.baseCommit, f))),
    cleaned,
    writeBlobs(repo, links.map(([, f]) => f.content)),
  ]);
  const baseModes = new Map<string, string>();
  folders.forEach((f, i) => {
    for (const e of listings[i] ?? []) baseModes.set(f ? `${f}/${e.path}` : e.path, e.mode);
  });
  const updates: IndexUpdate[] = [];
  written.forEach(([p, f], i) => {
    // A write is always a regular file: the overlay never writes on a symbolic link (which
    // would re-point it) nor on a submodule.
    const executable = f.executable ?? baseModes.get(p) === '100755';
    updates.push({ path: p, mode: executable ? '100755' : '100644', sha: shas[i] as string });
  });
  links.forEach(([p], i) => updates.push({ path: p, mode: '120000', sha: linkShas[i] as string }));
  for (const [p, c] of entries) if (c === null) updates.push({ path: p });
  const tree = await treeWithUpdates(repo, opts.baseCommit, updates, readFolder);
  return storeResult(repo, opts, tree);
}

/** The task's written and deleted attributes files (content, or null for a delete). */
function attributeChanges(entries: readonly [string, OverlayFile | null][]): Map<string, Buffer | null> {
  return new Map(entries.filter(([p]) => isAttributesPath(p)).map(([p, f]) => [p, f && !f.symlink ? f.content : null]));
}

/** The base tree's .gitattributes file in `folder`, through the run's cat-file process. */
async function baseAttributesFile(reader: ObjectReader, commit: string, folder: string): Promise<Buffer | undefined> {
  const entry = (await baseFolderEntries(reader, commit, folder))?.find((e) => e.path === '.gitattributes' && e.type === 'blob' && e.mode !== '120000');
  return entry ? ((await reader.read(entry.sha))?.content ?? undefined) : undefined;
}

/** A command task's result commit and what the command wrote that is not in it. */
export interface WorktreeCommit {
  readonly commit: string;
  /** Files the command wrote that git ignores (not in the result). */
  readonly ignored: IgnoredOutputs;
  /**
   * Repository-relative paths the command wrote outside the task's workspace: beside the
   * repository (`../x`), outside the workspace folder, in or over a submodule. Not kept.
   */
  readonly outside: string[];
}

/**
 * Commits what a command did in its worktree on top of its base: every change inside the
 * workspace folder (repository-relative, with a trailing slash; '' for the whole
 * repository) except to submodules. Ignored files and writes outside are reported.
 */
export async function commitWorktree(
  repo: GitRepo,
  opts: CommitTaskOptions & { readonly worktree: WorktreeWorkspace; readonly workspacePrefix?: string },
): Promise<WorktreeCommit> {
  const cwd = opts.worktree.path;
  await repo.exec([...QUIET_WRITE_CONFIG, 'add', '-A', '--', '.'], { cwd });
  // Ignored files first: taking writes outside back out of the index makes them untracked.
  const ignored = await ignoredOutputs(repo, opts.worktree);
  const outside = await takeOutsideWrites(repo, opts.worktree, opts.workspacePrefix ?? '');
  const tree = (await repo.git(['write-tree'], { cwd })).trim();
  return { commit: await storeResult(repo, opts, tree), ignored, outside };
}

async function storeResult(repo: GitRepo, opts: CommitTaskOptions, tree: string): Promise<string> {
  const ref = taskRef(opts.runId, opts.taskId, opts.refName);
  const commit = await commitTree(repo, tree, [opts.baseCommit], opts.message);
  await updateRef(repo, ref, commit, `result of task ${opts.taskId} in run ${opts.runId}`);
  return commit;
}

const MERGE_MESSAGE = 'parallel-agents: merged dependencies';

export interface MergedBase {
  readonly commit: string;
  /** Paths where the dependencies' results conflicted (the tree holds conflict markers there). */
  readonly conflicts: string[];
}

/**
 * The base for a dependent task: the run base merged with its dependencies' result
 * commits. Result commits descend from the run base, so merging the results is enough.
 * With the run's `reader`, results that change disjoint files are merged without a git
 * process (disjointMerge.ts: the same tree git writes); every other merge is git's.
 */
export async function mergeBase(
  repo: GitRepo,
  runBase: string,
  dependencyResultCommits: readonly string[],
  reader?: ObjectReader,
): Promise<MergedBase> {
  const deps = [...new Set(dependencyResultCommits)];
  if (deps.length === 0) return { commit: runBase, conflicts: [] };
  let cur = deps[0] as string;
  const conflicts = new Set<string>();
  for (const next of deps.slice(1)) {
    const inProcess = reader && (await disjointMergeTree(repo, reader, runBase, cur, next));
    if (inProcess) {
      cur = await commitTree(repo, inProcess, [cur, next], MERGE_MESSAGE);
      continue;
    }
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
    cur = await commitTree(repo, tree, [cur, next], MERGE_MESSAGE);
  }
  return { commit: cur, conflicts: [...conflicts].sort() };
}
