// Plumbing helpers shared by the engine: temp indexes, blobs, trees, commits, refs.
// Everything here batches: one git process per operation, never one per file.
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeTempDir, randomSuffix } from './fsutil';
import { canWriteCommits, canWriteObjects, commitContent, treeContent, writeLooseObject } from './looseObjects';
import { updateRefBatched } from './refUpdates';
import { planTreeEdits, rebuildFolders } from './treeEditPlan';
import { ENGINE_IDENTITY_ENV, type GitRepo } from './repo';

/** `-c` options for commands that write: no hooks, no embedded-repo advice. */
export const QUIET_WRITE_CONFIG: readonly string[] = [
  '-c',
  `core.hooksPath=${os.devNull}`,
  '-c',
  'advice.addEmbeddedRepo=false',
  '-c',
  'advice.detachedHead=false',
];

export const NULL_SHA = '0000000000000000000000000000000000000000';

export interface TreeEntry {
  readonly mode: string;
  readonly type: 'blob' | 'tree' | 'commit';
  readonly sha: string;
  readonly path: string;
}

/** Parses `git ls-tree -z` output. */
export function parseLsTree(out: Buffer | string): TreeEntry[] {
  const s = typeof out === 'string' ? out : out.toString('utf8');
  const entries: TreeEntry[] = [];
  for (const rec of s.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [mode, type, sha] = rec.slice(0, tab).split(' ');
    entries.push({ mode: mode as string, type: type as TreeEntry['type'], sha: sha as string, path: rec.slice(tab + 1) });
  }
  return entries;
}

/** Parses a raw tree object (`<mode> <name>\0<20-byte id>`…), as `cat-file --batch` returns it. */
export function parseTreeObject(content: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let i = 0;
  while (i < content.length) {
    const space = content.indexOf(0x20, i);
    const nul = content.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > content.length) break;
    const rawMode = content.toString('latin1', i, space);
    const mode = rawMode.padStart(6, '0'); // trees are stored as "40000"
    const type: TreeEntry['type'] = mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
    entries.push({ mode, type, sha: content.toString('hex', nul + 1, nul + 21), path: content.toString('utf8', space + 1, nul) });
    i = nul + 21;
  }
  return entries;
}

/** Reads one folder's entries (non-recursive); undefined when the folder does not exist. */
export type FolderReader = (treeish: string, folder: string) => Promise<readonly TreeEntry[] | undefined>;

/** Every entry of a commit's tree, recursively (`ls-tree -r -z --full-tree`). */
export async function listTree(repo: GitRepo, treeish: string, paths?: readonly string[]): Promise<TreeEntry[]> {
  if (paths && paths.length === 0) return [];
  if (!paths) {
    return parseLsTree((await repo.exec(['ls-tree', '-r', '-z', '--full-tree', treeish])).stdout);
  }
  const out: TreeEntry[] = [];
  for (let i = 0; i < paths.length; i += 500) {
    const chunk = paths.slice(i, i + 500);
    const r = await repo.exec(['ls-tree', '-r', '-z', '--full-tree', treeish, '--', ...chunk], {
      env: { GIT_LITERAL_PATHSPECS: '1' },
    });
    out.push(...parseLsTree(r.stdout));
  }
  return out;
}

/** A temp index file path (absolute) and its removal. */
export async function withTempIndex<T>(repo: GitRepo, fn: (indexFile: string) => Promise<T>): Promise<T> {
  const dir = await makeTempDir(repo.stateDir, 'index');
  const indexFile = path.join(dir, `index-${randomSuffix()}`);
  try {
    return await fn(indexFile);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Stores blobs for in-memory contents (one `hash-object -w --stdin-paths` process). */
export async function writeBlobs(repo: GitRepo, contents: readonly Uint8Array[]): Promise<string[]> {
  if (contents.length === 0) return [];
  if (await canWriteObjects(repo)) return Promise.all(contents.map((c) => writeLooseObject(repo, 'blob', c)));
  const dir = await makeTempDir(repo.stateDir, 'blobs');
  try {
    const files: string[] = [];
    for (let i = 0; i < contents.length; i++) {
      const f = path.join(dir, String(i));
      await fsp.writeFile(f, contents[i] as Uint8Array);
      files.push(f);
    }
    const out = await repo.git(['hash-object', '-w', '--no-filters', '--stdin-paths'], { input: files.join('\n') + '\n' });
    const shas = out.split('\n').filter(Boolean);
    if (shas.length !== contents.length) throw new Error(`hash-object returned ${shas.length} ids for ${contents.length} files`);
    return shas;
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

export interface IndexUpdate {
  readonly path: string;
  /** undefined removes the path. */
  readonly mode?: string;
  readonly sha?: string;
}

/** `git update-index -z --index-info` on a given index file. */
export async function updateIndex(repo: GitRepo, indexFile: string, updates: readonly IndexUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const parts: string[] = [];
  for (const u of updates) {
    if (u.sha && u.mode) parts.push(`${u.mode} ${u.sha}\t${u.path}\0`);
    else parts.push(`0 ${NULL_SHA}\t${u.path}\0`);
  }
  await repo.exec(['update-index', '-z', '--index-info'], {
    input: parts.join(''),
    env: { GIT_INDEX_FILE: indexFile },
  });
}

/**
 * A tree built from `baseTreeish` with `updates` applied, without a worktree. Few updates
 * on a big tree rebuild only the folders they touch (cost ∝ changed folders, not
 * repository size); many updates go through a temp index.
 */
export async function treeWithUpdates(
  repo: GitRepo,
  baseTreeish: string | undefined,
  updates: readonly IndexUpdate[],
  readFolder?: FolderReader,
): Promise<string> {
  if (baseTreeish && readFolder && (await canWriteObjects(repo))) return treeWithUpdatesIncremental(repo, baseTreeish, updates, readFolder);
  if (baseTreeish && foldersTouched(updates) <= INCREMENTAL_FOLDER_LIMIT) return treeWithUpdatesIncremental(repo, baseTreeish, updates, readFolder);
  return treeWithUpdatesViaIndex(repo, baseTreeish, updates);
}

/**
 * Through git, the incremental route costs two short git processes per touched folder;
 * above this many folders a temp index (one read-tree, one write-tree of the whole tree) is
 * cheaper. With folders read through a cat-file process and trees written here
 * (looseObjects.ts), a folder costs a pipe round trip and no process: always incremental.
 */
const INCREMENTAL_FOLDER_LIMIT = 64;

function foldersTouched(updates: readonly IndexUpdate[]): number {
  const folders = new Set<string>(['']);
  for (const u of updates) {
    const parts = u.path.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  return folders.size;
}

/**
 * Rebuilds only the folders on the updates' paths (planTreeEdits): each read through
 * `readFolder` (ls-tree by default; in parallel), then written deepest first. A folder left
 * empty disappears from its parent, as in git.
 */
export async function treeWithUpdatesIncremental(
  repo: GitRepo,
  baseTreeish: string,
  updates: readonly IndexUpdate[],
  readFolder: FolderReader = (treeish, dir) => lsTreeFolder(repo, treeish, dir),
): Promise<string> {
  if (updates.length === 0) return treeOf(repo, baseTreeish);
  const plan = planTreeEdits(updates);
  const dirs = [...plan.changes.keys()];
  // A folder that does not exist yet (or a file becoming one) starts empty.
  const listed = await Promise.all(dirs.map(async (dir) => (await readFolder(baseTreeish, dir)) ?? []));
  const entriesOf = new Map(dirs.map((d, i) => [d, new Map((listed[i] as readonly TreeEntry[]).map((e) => [e.path, e]))]));
  const writeTree = (await canWriteObjects(repo))
    ? (entries: TreeEntry[]) => writeLooseObject(repo, 'tree', treeContent(entries.map((e) => ({ mode: e.mode, name: e.path, sha: e.sha }))))
    : async (entries: TreeEntry[]) =>
        (await repo.git(['mktree', '-z', '--missing'], { input: entries.map((e) => `${e.mode} ${e.type} ${e.sha}\t${e.path}\0`).join('') })).trim();
  return rebuildFolders(plan, (dir) => {
    const base = entriesOf.get(dir) as Map<string, TreeEntry>;
    return {
      size: base.size,
      get: (name) => base.get(name),
      write: (edits) => {
        const entries = new Map(base);
        for (const [name, edit] of edits) {
          if (edit === null) entries.delete(name);
          else entries.set(name, { mode: edit.mode, type: entryType(edit.mode), sha: edit.sha, path: name });
        }
        return writeTree([...entries.values()]);
      },
    };
  });
}

const entryType = (mode: string): TreeEntry['type'] => (mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob');

/** One folder of a tree through `git ls-tree` (a process per folder). */
async function lsTreeFolder(repo: GitRepo, treeish: string, dir: string): Promise<TreeEntry[] | undefined> {
  const r = await repo.exec(['ls-tree', '-z', dir ? `${treeish}:${dir}` : `${treeish}^{tree}`], { anyExitCode: true });
  return r.exitCode === 0 ? parseLsTree(r.stdout) : undefined;
}

export async function treeWithUpdatesViaIndex(
  repo: GitRepo,
  baseTreeish: string | undefined,
  updates: readonly IndexUpdate[],
): Promise<string> {
  return withTempIndex(repo, async (indexFile) => {
    const env = { GIT_INDEX_FILE: indexFile };
    if (baseTreeish) await repo.exec(['read-tree', baseTreeish], { env });
    else await repo.exec(['read-tree', '--empty'], { env });
    await updateIndex(repo, indexFile, updates);
    return (await repo.git(['write-tree'], { env })).trim();
  });
}

export async function commitTree(repo: GitRepo, tree: string, parents: readonly string[], message: string): Promise<string> {
  if (await canWriteCommits(repo)) {
    const who = { name: ENGINE_IDENTITY_ENV['GIT_COMMITTER_NAME'] as string, email: ENGINE_IDENTITY_ENV['GIT_COMMITTER_EMAIL'] as string };
    return writeLooseObject(repo, 'commit', commitContent(tree, parents, who, message));
  }
  const args = ['commit-tree', '--no-gpg-sign', tree];
  for (const p of parents) args.push('-p', p);
  const out = await repo.git(args, { input: message.endsWith('\n') ? message : `${message}\n`, env: ENGINE_IDENTITY_ENV });
  return out.trim();
}

export async function updateRef(repo: GitRepo, ref: string, sha: string, reason: string): Promise<void> {
  await updateRefBatched(repo, ref, sha, reason);
}

export async function deleteRef(repo: GitRepo, ref: string): Promise<void> {
  await repo.exec(['update-ref', '-d', ref], { anyExitCode: true });
}

/** The tree id of a commit. */
export async function treeOf(repo: GitRepo, commit: string): Promise<string> {
  return (await repo.git(['rev-parse', '--verify', `${commit}^{tree}`])).trim();
}

/** Refs under a prefix → sha (`for-each-ref`). */
export async function listRefs(repo: GitRepo, prefix: string): Promise<Map<string, string>> {
  const out = await repo.git(['for-each-ref', '--format=%(refname)%00%(objectname)', prefix]);
  const m = new Map<string, string>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [ref, sha] = line.split('\0');
    if (ref && sha) m.set(ref, sha);
  }
  return m;
}
