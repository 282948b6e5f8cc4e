// One process at a time changes the shared base (several runs, CLI and VS Code at once): a
// lock folder (mkdir is atomic) with the owner's pid inside. A lock whose owner is gone (a
// crash, a kill -9) is taken over; a live owner is waited for.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(lockDir: string): number | undefined {
  try {
    return Number(readFileSync(path.join(lockDir, 'owner'), 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** Takes the lock at `lockDir`, runs `fn`, releases it. Waits at most `waitMs` for a live owner. */
export async function withBaseLock<T>(lockDir: string, fn: () => Promise<T>, waitMs = 10 * 60_000): Promise<T> {
  const deadline = Date.now() + waitMs;
  let emptySince: number | undefined;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, 'owner'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = ownerOf(lockDir);
    // No owner file yet: the owner is between mkdir and write; only a long silence means it died there.
    if (owner === undefined) emptySince ??= Date.now();
    else emptySince = undefined;
    const stale = owner !== undefined ? !pidAlive(owner) : Date.now() - (emptySince ?? Date.now()) > 5000;
    if (stale) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `The shared sandbox base at ${path.dirname(lockDir)} is being updated by process ${owner ?? '(starting)'} for too long. ` +
          `If no Parallel Agents run is active, remove ${lockDir} and try again.`,
      );
    }
    await sleep(50);
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
