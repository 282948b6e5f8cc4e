// Writing into the user's working tree: atomic per file (temp + rename), modes kept,
// symlinks as symlinks, empty folders left by deletions removed.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** Runs `fn` over `items` with at most `limit` at once; stops starting new ones after a failure. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { e: unknown } | undefined;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (e) {
        failed ??= { e };
      }
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

/** Writes a file (or symlink for mode 120000) at `rel` with git mode `mode`. */
export async function writeWorkingFile(root: string, rel: string, content: Uint8Array, mode: string): Promise<void> {
  const file = absPath(root, rel);
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file).slice(0, 40)}.pa-${randomBytes(4).toString('hex')}.tmp`);
  let existing: import('node:fs').Stats | undefined;
  try {
    existing = await fsp.lstat(file);
  } catch {
    existing = undefined;
  }
  if (existing?.isDirectory()) throw new Error(`a folder is in the way at ${rel}`);
  if (mode === '120000') {
    await fsp.symlink(Buffer.from(content).toString('utf8'), tmp);
  } else {
    let perm = 0o644;
    if (existing && !existing.isSymbolicLink()) perm = existing.mode & 0o777;
    if (mode === '100755') perm |= (perm & 0o444) >> 2;
    else perm &= ~0o111;
    await fsp.writeFile(tmp, content, { mode: perm });
    if (existing || mode === '100755') await fsp.chmod(tmp, perm); // else the umask decides, as for any new file
  }
  try {
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

/** Deletes the file at `rel` (missing is fine) and the folders this leaves empty. */
export async function deleteWorkingFile(root: string, rel: string): Promise<void> {
  const file = absPath(root, rel);
  await fsp.rm(file, { force: true });
  let dir = path.dirname(file);
  while (dir.startsWith(root + path.sep)) {
    try {
      await fsp.rmdir(dir);
    } catch {
      break;
    }
    dir = path.dirname(dir);
  }
}
