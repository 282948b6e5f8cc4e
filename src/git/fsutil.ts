// Small file-system helpers: atomic writes, process liveness, temp folders under our state dir.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** Writes via a temp file in the same folder + rename, so readers see old or new, never half. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode?: number): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fh = await inFolder(file, () => fsp.open(tmp, 'w', mode ?? 0o666));
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Runs `create` (which makes a file beside `file`), making the folder first only when the
 * file system says it is missing: a journal or transcript is written many times a run into
 * a folder that exists after the first, and each `mkdir -p` is a file-system call of its own.
 */
export async function inFolder<T>(file: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await fsp.mkdir(path.dirname(file), { recursive: true });
    return create();
  }
}

/** Whether a process with this pid exists on this machine. */
export function pidAlive(pid: number | undefined): boolean {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A fresh temp folder under `<stateDir>/tmp` (same file system as the repository). */
export async function makeTempDir(stateDir: string, prefix: string): Promise<string> {
  const base = path.join(stateDir, 'tmp');
  await fsp.mkdir(base, { recursive: true });
  return fsp.mkdtemp(path.join(base, `${prefix}-`));
}

export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}
