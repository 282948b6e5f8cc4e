// The engine's own refs (refs/parallel-agents/…) written as loose ref files, the way git's
// files backend writes `git update-ref <ref> <sha>`: `<ref>.lock` taken exclusively, the id
// and a newline written into it, the lock renamed over the ref. The lock is one of the
// repository's spare files (spareFiles.ts) linked to the lock's name, which fails when the
// name exists just as git's O_EXCL create does, and creates no inode on the event loop.
//
// Why: the pipe round trip to `git update-ref --stdin` was the last step of every result
// commit, ~1–3 ms of the task's critical path on a busy machine, and the write that wakes git
// blocked the loop ~0.6 ms.
//
// Only where that is provably all git would do (writeConfig.plainRefFiles: the files
// backend, no core.fsync; no reflog, which the caller checks; not on Windows, whose renames
// differ): a name of plain segments, a new id that is a loose object here, no packed ref in
// the way of the name (a ref cannot also be a folder), and no step failing. Anything else
// answers false and the caller goes through git, which then says what is wrong.
import { closeSync, existsSync, linkSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { GitRepo } from './repo';
import { spareFiles } from './spareFiles';

const PLAIN_REF = /^refs\/parallel-agents(\/[A-Za-z0-9_-]+)+$/;

/** Points `ref` at `sha` by writing its loose file; false when git has to (see above). */
export function writeLooseRef(repo: GitRepo, ref: string, sha: string): boolean {
  if (process.platform === 'win32' || !PLAIN_REF.test(ref) || !/^[0-9a-f]{40}$/.test(sha)) return false;
  const file = path.join(repo.commonDir, ...ref.split('/'));
  try {
    if (!existsSync(path.join(repo.commonDir, 'objects', sha.slice(0, 2), sha.slice(2)))) return false;
    // A symbolic ref: git would update the ref it names.
    if (existsSync(file) && readFileSync(file, 'utf8').startsWith('ref:')) return false;
    if (packedInTheWay(repo, ref)) return false;
  } catch {
    return false;
  }
  const spare = spareFiles(repo).takeFile();
  if (spare === undefined) return false;
  const lock = `${file}.lock`;
  let locked = false;
  try {
    try {
      linkSync(spare, lock);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      mkdirSync(path.dirname(file), { recursive: true });
      linkSync(spare, lock);
    }
    locked = true;
    const fd = openSync(spare, 'r+');
    try {
      writeFileSync(fd, `${sha}\n`);
    } finally {
      closeSync(fd);
    }
    renameSync(lock, file);
    locked = false;
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EXDEV') spareFiles(repo).stopAcrossDevices();
    return false;
  } finally {
    for (const p of locked ? [lock, spare] : [spare]) {
      try {
        unlinkSync(p);
      } catch {
        // gone already
      }
    }
  }
}

/** The packed-refs file's refs under refs/parallel-agents, read again only when the file changed. */
const packed = new WeakMap<GitRepo, { key: string; refs: ReadonlySet<string> }>();

/**
 * Whether a packed ref is `ref`'s folder or inside it (git refuses both). A loose one in the
 * way makes a step above fail instead (a file where a folder must be, or the other way).
 */
function packedInTheWay(repo: GitRepo, ref: string): boolean {
  const file = path.join(repo.commonDir, 'packed-refs');
  const s = statSync(file, { throwIfNoEntry: false });
  if (!s) return false;
  const key = `${s.mtimeMs}:${s.size}:${s.ino}`;
  let hit = packed.get(repo);
  if (hit?.key !== key) {
    const refs = new Set<string>();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const name = line.slice(41);
      if (line[40] === ' ' && name.startsWith('refs/parallel-agents')) refs.add(name);
    }
    hit = { key, refs };
    packed.set(repo, hit);
  }
  for (const p of hit.refs) if (p.startsWith(`${ref}/`) || ref.startsWith(`${p}/`)) return true;
  return false;
}
