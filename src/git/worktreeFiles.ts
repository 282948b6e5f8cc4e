// Writing into the user's working tree: atomic per file (temp + rename), modes kept,
// symlinks as symlinks, empty folders left by deletions removed.
//
// The temp file sits beside its target, named `.NAME.pa-XXXXXXXX.tmp` (NAME: the first 40
// characters of the target's name), so that a process killed between write and rename
// leaves debris that can be found from the target's path alone (removeTempFiles).
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/**
 * Runs `fn` over `items` with at most `limit` at once; stops starting new ones after a
 * failure. Lets the event loop run every few milliseconds (`fn` may be synchronous inside).
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { e: unknown } | undefined;
  const breathe = yielder();
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (e) {
        failed ??= { e };
      }
      await breathe();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed) throw failed.e;
}

export function absPath(root: string, rel: string): string {
  return path.join(root, ...rel.split('/'));
}

/** Whether something (file, folder, link) exists at the path, without following links. */
export async function lexists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** The first parent of `rel` that exists and is not a folder (something in the way), if any. */
export async function blockingParent(root: string, rel: string): Promise<string | undefined> {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const sub = parts.slice(0, i).join('/');
    try {
      const st = await fsp.lstat(absPath(root, sub));
      if (!st.isDirectory()) return sub;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const TEMP_SUFFIX = /^\.pa-[0-9a-f]{8}\.tmp$/;

/** `.NAME.` for a target name: what its temp files start with (by code points, never half a character). */
function tempPrefix(name: string): string {
  return `.${Array.from(name).slice(0, 40).join('')}`;
}

/** Contents up to this size are written with synchronous calls (see writeWorkingFile). */
const SYNC_WRITE_LIMIT = 256 * 1024;

/**
 * Writes a file (or symlink for mode 120000) at `rel` with git mode `mode`.
 *
 * The file-system calls are synchronous, except the rename and the content write of a
 * large file: the others take microseconds on a file in the page cache, where a round trip through libuv's
 * thread pool costs a context switch or two, milliseconds each on a loaded machine
 * (400 files took ~0.5 s that way). forEachLimited yields between files.
 */
export async function writeWorkingFile(root: string, rel: string, content: Uint8Array, mode: string): Promise<void> {
  const file = absPath(root, rel);
  const existing = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!existing) fs.mkdirSync(path.dirname(file), { recursive: true });
  else if (existing.isDirectory()) throw new Error(`a folder is in the way at ${rel}`);
  const tmp = path.join(path.dirname(file), `${tempPrefix(path.basename(file))}.pa-${randomBytes(4).toString('hex')}.tmp`);
  try {
    if (mode === '120000') {
      fs.symlinkSync(Buffer.from(content).toString('utf8'), tmp);
    } else {
      let perm = 0o644;
      if (existing && !existing.isSymbolicLink()) perm = existing.mode & 0o777;
      if (mode === '100755') perm |= (perm & 0o444) >> 2;
      else perm &= ~0o111;
      if (content.length > SYNC_WRITE_LIMIT) await fsp.writeFile(tmp, content, { mode: perm });
      else fs.writeFileSync(tmp, content, { mode: perm });
      if (existing || mode === '100755') fs.chmodSync(tmp, perm); // else the umask decides, as for any new file
    }
    await fsp.rename(tmp, file); // (a rename costs ~0.6 ms here: on the thread pool, in parallel)
  } catch (e) {
    fs.rmSync(tmp, { force: true }); // a full disk must not leave half a temp file either
    throw e;
  }
}

/**
 * Lets the event loop run when the caller has held it for a few milliseconds: for loops of
 * synchronous file-system calls (one per caller; call it between items).
 */
export function yielder(budgetMs = 4): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < budgetMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}

/**
 * Removes the temp files writeWorkingFile leaves when killed before its rename, for the
 * given targets: one listing per folder, only names made from a target's name. Returns
 * the repo-relative paths removed. Call it only while no write can be under way (apply lock).
 */
export async function removeTempFiles(root: string, rels: readonly string[]): Promise<string[]> {
  const byFolder = new Map<string, Set<string>>();
  for (const rel of rels) {
    const i = rel.lastIndexOf('/');
    const folder = i < 0 ? '' : rel.slice(0, i);
    const prefixes = byFolder.get(folder) ?? new Set<string>();
    prefixes.add(tempPrefix(rel.slice(i + 1)));
    byFolder.set(folder, prefixes);
  }
  const removed: string[] = [];
  for (const [folder, prefixes] of byFolder) {
    let names: string[];
    try {
      names = await fsp.readdir(folder ? absPath(root, folder) : root);
    } catch {
      continue; // the folder does not exist (any more)
    }
    for (const name of names) {
      const dot = name.lastIndexOf('.pa-');
      if (dot < 0 || !TEMP_SUFFIX.test(name.slice(dot)) || !prefixes.has(name.slice(0, dot))) continue;
      const rel = folder ? `${folder}/${name}` : name;
      await fsp.rm(absPath(root, rel), { force: true });
      removed.push(rel);
    }
  }
  return removed.sort();
}

/** Deletes the file at `rel` (missing is fine) and the folders this leaves empty. */
export async function deleteWorkingFile(root: string, rel: string): Promise<void> {
  await fsp.rm(absPath(root, rel), { force: true });
  await removeEmptyFolders(root, rel);
}

/**
 * Removes the folders above `rel` that are empty, deepest first, up to the root (excluded).
 * A folder already gone is passed over: a process killed half way up leaves its parents.
 */
export async function removeEmptyFolders(root: string, rel: string): Promise<void> {
  let dir = path.dirname(absPath(root, rel));
  while (dir.startsWith(root + path.sep)) {
    try {
      await fsp.rmdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') break;
    }
    dir = path.dirname(dir);
  }
}
