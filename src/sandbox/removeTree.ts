import { chmodSync, promises as fsp, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

/** overlayfs leaves work/work with mode 000, which only root can list: these are opened up before a second try. */
function workFolders(p: string): string[] {
  return [path.join(p, 'work', 'work'), path.join(p, 'sandbox', 'work', 'work')];
}

/** rm -rf of a folder holding overlayfs work folders. */
export function removeTree(p: string): void {
  try {
    rmSync(p, { recursive: true, force: true });
  } catch {
    for (const w of workFolders(p)) {
      try {
        chmodSync(w, 0o700);
      } catch {
        /* not there */
      }
    }
    rmSync(p, { recursive: true, force: true });
  }
}

const removing = new Set<Promise<void>>();

/**
 * removeTree without the wait: `p` is renamed aside at once (one system call), so that its
 * name is free and nothing reads what is left, and removed on libuv's pool. A command view's
 * folder (upper, work and some 60 mount points) took 6–10 ms to remove synchronously, on the
 * task's path to its result commit and blocking every other agent's turn meanwhile. What a
 * crash leaves is a `<name>.removing-…` folder beside the original, inside the task's state
 * folder, which goes with the run's state.
 */
export function removeTreeSoon(p: string): void {
  const aside = `${p}.removing-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(p, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    removeTree(p); // a rename refused (a mount point, another file system): as before
    return;
  }
  const done = removeAside(aside).finally(() => removing.delete(done));
  removing.add(done);
}

async function removeAside(p: string): Promise<void> {
  try {
    await fsp.rm(p, { recursive: true, force: true });
  } catch {
    for (const w of workFolders(p)) await fsp.chmod(w, 0o700).catch(() => undefined);
    await fsp.rm(p, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Resolves once every removal removeTreeSoon started has ended (a run waits for them before it ends). */
export async function treeRemovalsSettled(): Promise<void> {
  while (removing.size > 0) await Promise.all([...removing]);
}
