// Blobs, trees and commits written by the engine itself, as loose objects, byte for byte
// what `git hash-object -w --no-filters`, `git mktree` and `git commit-tree` write: the id
// is the hash of `<type> <size>\0<content>`, the file its zlib deflate at
// objects/<2 hex>/<38 hex>, made read-only and put in place with link() like git does.
//
// Why: a result commit took 4–6 short git processes (hash-object, mktree per folder,
// commit-tree), and each spawn() blocks the event loop for milliseconds while other agents
// wait. Hashing and deflating here runs on libuv's thread pool.
//
// Only where that is provably what git would write: SHA-1 repositories, no
// core.sharedRepository (git's permissions), commits without a non-UTF-8 i18n.commitEncoding
// or a GIT_AUTHOR_DATE / GIT_COMMITTER_DATE override. Anything else goes through git.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, fstatSync, linkSync, mkdirSync, openSync, promises as fsp, renameSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { deflate, deflateSync } from 'node:zlib';
import type { GitRepo } from './repo';
import { spareFiles } from './spareFiles';
import { writeConfig } from './writeConfig';

const deflateAsync = promisify(deflate);

export type ObjectType = 'blob' | 'tree' | 'commit';

/** Whether this repository's objects may be written here rather than by git. */
export async function canWriteObjects(repo: GitRepo): Promise<boolean> {
  const c = await writeConfig(repo);
  return c.objectFormat === 'sha1' && !c.shared && c.plainObjectFiles;
}

/** The object id git gives `content` as a `type` object. */
export function objectId(type: ObjectType, content: Uint8Array): string {
  return createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');
}

/**
 * Objects up to this size are written with synchronous calls: deflating a few KB and the
 * five file-system calls take well under a millisecond on the event loop, while each of
 * those calls on libuv's pool is a round trip through the loop (a result commit writes 3–5
 * objects one after the other: blob, folders, commit), and on a busy machine every round
 * trip waits its turn. Bigger objects are deflated and written on the pool.
 */
const SYNC_WRITE_LIMIT = 64 * 1024;

/**
 * The trees and commits this process wrote (or read, rememberRead) lately, by id: a dependent task's merge walks
 * the commits and trees the run itself just wrote, and reads them here instead of one
 * cat-file round trip after the other. An id names its content in every repository, so
 * what is found here is what `git cat-file` would print. Bounded by bytes, oldest out first.
 */
const remembered = new Map<string, { readonly type: ObjectType; readonly content: Buffer }>();
let rememberedBytes = 0;
const REMEMBER_LIMIT = 8 * 1024 * 1024;

function remember(sha: string, type: ObjectType, content: Uint8Array): void {
  if (type === 'blob' || remembered.has(sha) || content.length > REMEMBER_LIMIT / 16) return;
  remembered.set(sha, { type, content: Buffer.from(content) });
  rememberedBytes += content.length;
  for (const [old, o] of remembered) {
    if (rememberedBytes <= REMEMBER_LIMIT) break;
    remembered.delete(old);
    rememberedBytes -= o.content.length;
  }
}

/**
 * Remembers a tree or commit read through cat-file (ObjectReader): a run's merges walk its
 * base's trees, which its tasks listed already. The id names the content, so it is the
 * same answer as another read.
 */
export function rememberRead(sha: string, type: string, content: Buffer): void {
  if ((type === 'tree' || type === 'commit') && /^[0-9a-f]{40}$/.test(sha)) remember(sha, type, content);
}

/** A tree or commit this process wrote or read lately (see `remembered`), or undefined. */
export function writtenObject(sha: string): { readonly type: ObjectType; readonly content: Buffer } | undefined {
  return remembered.get(sha);
}

/** Writes one loose object (unless it already exists) and returns its id. */
export async function writeLooseObject(repo: GitRepo, type: ObjectType, content: Uint8Array): Promise<string> {
  const sha = await writeObjectFile(repo, type, content);
  remember(sha, type, content);
  return sha;
}

async function writeObjectFile(repo: GitRepo, type: ObjectType, content: Uint8Array): Promise<string> {
  if (content.length <= SYNC_WRITE_LIMIT) return writeLooseObjectSync(repo, type, content);
  const sha = objectId(type, content);
  const dir = path.join(repo.commonDir, 'objects', sha.slice(0, 2));
  const file = path.join(dir, sha.slice(2));
  // Present already: refresh its time as git does, so that a concurrent prune keeps it.
  const now = new Date();
  if (await fsp.utimes(file, now, now).then(() => true, () => false)) return sha;
  const data = await deflateAsync(Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content]), { level: LOOSE_COMPRESSION });
  const tmp = path.join(dir, `tmp_obj_pa${randomBytes(6).toString('hex')}`);
  // The folder almost always exists (256 of them); make it only when the write says so.
  await fsp.writeFile(tmp, data, { mode: 0o444 }).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
    await fsp.mkdir(dir, { recursive: true });
    await fsp.writeFile(tmp, data, { mode: 0o444 });
  });
  try {
    await fsp.link(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      // file systems without hard links: rename, as git falls back to
      await fsp.rename(tmp, file);
      return sha;
    }
  }
  await fsp.rm(tmp, { force: true });
  return sha;
}

/** writeLooseObject's steps, each one synchronous (for small objects). */
function writeLooseObjectSync(repo: GitRepo, type: ObjectType, content: Uint8Array): string {
  const sha = objectId(type, content);
  const dir = path.join(repo.commonDir, 'objects', sha.slice(0, 2));
  const file = path.join(dir, sha.slice(2));
  // Present already: refresh its time as git does. Asked first, because a miss (the usual
  // case) through utimes alone costs a thrown Error.
  if (existsSync(file) && freshened(file)) return sha;
  const data = deflateSync(Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content]), { level: LOOSE_COMPRESSION });
  // 'present': written meanwhile by another writer, which the spare's link found.
  const spare = placedThroughSpare(repo, dir, file, data);
  if (spare === 'placed' || (spare === 'present' && freshened(file))) return sha;
  const tmp = path.join(dir, `tmp_obj_pa${randomBytes(6).toString('hex')}`);
  try {
    writeFileSync(tmp, data, { mode: 0o444 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    makeObjectFolder(repo, dir);
    writeFileSync(tmp, data, { mode: 0o444 });
  }
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      renameSync(tmp, file);
      return sha;
    }
  }
  rmSync(tmp, { force: true });
  return sha;
}

/** Refreshes an object's time as git does, so that a concurrent prune keeps it; false when it is gone. */
function freshened(file: string): boolean {
  try {
    const now = new Date();
    utimesSync(file, now, now);
    return true;
  } catch {
    return false;
  }
}

/**
 * git's compression of loose objects when core.looseCompression and core.compression are
 * unset (best speed). Any level reads back the same; the id is of the uncompressed bytes.
 */
const LOOSE_COMPRESSION = 1;

/**
 * Puts `data` at `file` through one of the repository's spare files (spareFiles.ts): filled
 * and closed, read-only as git makes objects, then linked into place, so the object is
 * complete before its name exists. 'present' when a file had that name already (the caller
 * refreshes its time); 'none' when no spare was ready or anything went wrong: then the
 * caller writes a file of its own, as before.
 */
function placedThroughSpare(repo: GitRepo, dir: string, file: string, data: Buffer): 'placed' | 'present' | 'none' {
  const spare = spareFiles(repo).takeFile();
  if (spare === undefined) return 'none';
  try {
    const fd = openSync(spare, 'r+');
    try {
      writeFileSync(fd, data);
      // What git's 0444 gives under this umask: the spare was made 0666 less the umask.
      fchmodSync(fd, fstatSync(fd).mode & 0o444);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(spare, file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return 'present';
      if (code !== 'ENOENT') throw e;
      makeObjectFolder(repo, dir);
      linkSync(spare, file);
    }
    return 'placed';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EXDEV') spareFiles(repo).stopAcrossDevices();
    return code === 'EEXIST' ? 'present' : 'none';
  } finally {
    try {
      unlinkSync(spare);
    } catch {
      // a sweep of another process took it (spareFiles.ts): nothing to undo
    }
  }
}

/**
 * Makes a missing `objects/<2 hex>` folder: a spare folder renamed into place when one is
 * ready (spareFiles.ts), else mkdir. The rename fails when the folder appeared meanwhile
 * (not empty) and then changes nothing; over an empty one it is the same empty folder.
 */
function makeObjectFolder(repo: GitRepo, dir: string): void {
  const spare = spareFiles(repo).takeFolder();
  if (spare !== undefined) {
    try {
      renameSync(spare, dir);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EXDEV') spareFiles(repo).stopAcrossDevices();
      rmSync(spare, { recursive: true, force: true });
    }
  }
  mkdirSync(dir, { recursive: true });
}

export interface TreeItem {
  /** `100644`, `100755`, `120000`, `160000` or `040000`/`40000`. */
  readonly mode: string;
  readonly name: string;
  readonly sha: string;
}

/** A tree object's bytes, in git's order (a folder sorts as if its name ended in '/'). */
export function treeContent(items: readonly TreeItem[]): Buffer {
  const keyed = items.map((e) => {
    const mode = e.mode.replace(/^0+/, '');
    const name = Buffer.from(e.name, 'utf8');
    return { mode, name, key: mode === '40000' ? Buffer.concat([name, Buffer.from('/')]) : name, sha: e.sha };
  });
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  const parts: Buffer[] = [];
  for (const e of keyed) parts.push(Buffer.from(`${e.mode} `), e.name, Buffer.from([0]), Buffer.from(e.sha, 'hex'));
  return Buffer.concat(parts);
}

export interface Signature {
  readonly name: string;
  readonly email: string;
}

/** A commit object's bytes as commit-tree writes them (now, in the local time zone). */
export function commitContent(tree: string, parents: readonly string[], who: Signature, message: string, when = new Date()): Buffer {
  const seconds = Math.floor(when.getTime() / 1000);
  const offset = -when.getTimezoneOffset();
  const abs = Math.abs(offset);
  const tz = `${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  const ident = `${who.name} <${who.email}> ${seconds} ${tz}`;
  let head = `tree ${tree}\n`;
  for (const p of parents) head += `parent ${p}\n`;
  head += `author ${ident}\ncommitter ${ident}\n\n`;
  return Buffer.from(head + (message.endsWith('\n') ? message : `${message}\n`), 'utf8');
}

/** Whether commit-tree's output depends on more than tree, parents, identity and now. */
export async function canWriteCommits(repo: GitRepo): Promise<boolean> {
  if (process.env['GIT_AUTHOR_DATE'] !== undefined || process.env['GIT_COMMITTER_DATE'] !== undefined) return false;
  const c = await writeConfig(repo);
  return c.objectFormat === 'sha1' && !c.shared && c.plainObjectFiles && c.commitEncoding === undefined;
}
