// Empty files and folders made ahead of need, on libuv's pool while the loop has nothing
// better to do, so that a result commit puts its loose objects in place without creating an
// inode on the event loop. Creating one is most of what a loose object costs on this VM's
// ext4 (synchronous, 0.2–0.5 ms a file and more for a folder, ms when the journal is busy):
// 5 objects 4.2 ms created, 0.8 ms through spare files (filled, then linked into place);
// 4 object folders 2.3 ms made, 0.23 ms renamed into place from spares (load 3–4).
//
// Spares live in `<state dir>/spare-files/`, on the object folder's file system, under
// random names only this process knows; each is handed out once. One never taken is removed
// when the process exits; one a crash left behind is empty, named only by this folder, and
// removed by the next process after SWEEP_AFTER_MS. Where the objects or refs are on another
// file system than the state dir (a symlinked `.git/objects`), a spare cannot be linked into
// place: the first such failure stops the repository's spares (stopAcrossDevices), so that
// no write pays for a spare it cannot use.
import { randomBytes } from 'node:crypto';
import { close, open, promises as fsp, rmdirSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { perRepository } from './processHold';
import type { GitRepo } from './repo';

/** Spare files kept ready per repository: a result commit takes 4–6 (objects and its ref), and several may finish together. */
const KEEP_FILES = 16;
/** Spare folders, once an object folder was found missing (a young repository has few of the 256). */
const KEEP_FOLDERS = 4;
/** Spares older than this are a crashed process's: nobody will take them. */
const SWEEP_AFTER_MS = 24 * 3600 * 1000;
/** Spares are made again this long after the last one was taken. */
const REFILL_AFTER_MS = 30;
/** After a spare could not be made, wait this long before trying again. */
const RETRY_AFTER_MS = 5000;

type Kind = 'file' | 'folder';

/**
 * An empty file made on libuv's pool through the callback API: no FileHandle and no promise per
 * step, half the CPU of `fsp.open` + `close` for a batch of spares (1.2–2.4 ms against
 * 2.3–4.6 ms for 16, measured side by side), on a loop that agents share.
 */
function makeEmptyFile(p: string): Promise<void> {
  return new Promise((resolve, reject) =>
    open(p, 'wx', (e, fd) => {
      if (e) reject(e);
      else close(fd, (e2) => (e2 ? reject(e2) : resolve()));
    }),
  );
}

const ready = new Map<string, Kind>();
let exitHook = false;

function removeAtExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const [p, kind] of ready) {
      try {
        if (kind === 'file') unlinkSync(p);
        else rmdirSync(p);
      } catch {
        // already gone
      }
    }
  });
}

/** Spares of one kind: made on the pool, handed out once. */
class Spares {
  private readonly paths: string[] = [];
  private making = 0;
  private failedAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly kind: Kind,
    private readonly keep: number,
    private readonly folder: () => Promise<string>,
  ) {}

  take(): string | undefined {
    if (this.stopped) return undefined;
    const p = this.paths.pop();
    if (p !== undefined) ready.delete(p);
    this.refillSoon();
    return p;
  }

  /**
   * Refills a little after the last take, not at once: a result commit takes several in a
   * row, and files made on the pool meanwhile would compete with it for the CPU and the
   * file system's journal, and wake the loop in its middle.
   */
  private refillSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
    }, REFILL_AFTER_MS);
    this.timer.unref();
  }

  /** Makes what a refill due soon would make, now; resolves once all being made are ready. */
  async settle(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.refill();
    }
    await this.pending;
  }

  /** Makes no more; those ready are removed (one being made is, once made). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const p of this.paths.splice(0)) this.remove(p);
  }

  private remove(p: string): void {
    ready.delete(p);
    (this.kind === 'file' ? fsp.unlink(p) : fsp.rmdir(p)).catch(() => undefined);
  }

  refill(): void {
    if (this.stopped || Date.now() - this.failedAt < RETRY_AFTER_MS) return;
    while (this.paths.length + this.making < this.keep) {
      this.making++;
      let p: string | undefined;
      const made = this.folder()
        .then(async (dir) => {
          p = path.join(dir, `spare-${this.kind}-${randomBytes(8).toString('hex')}`);
          // Known before it exists: an exit while it is being made still removes it.
          ready.set(p, this.kind);
          await (this.kind === 'file' ? makeEmptyFile(p) : fsp.mkdir(p));
          if (this.stopped) this.remove(p);
          else this.paths.push(p);
        })
        .catch(() => {
          if (p !== undefined) ready.delete(p);
          this.failedAt = Date.now();
        })
        .finally(() => this.making--);
      this.pending = Promise.all([this.pending, made]).then(() => undefined);
    }
  }
}

class SparePool {
  readonly files = new Spares('file', KEEP_FILES, () => this.madeFolder());
  readonly folders = new Spares('folder', KEEP_FOLDERS, () => this.madeFolder());
  private made: Promise<string> | undefined;

  constructor(private readonly dir: string) {}

  /** An empty file's path, now this caller's alone, or undefined when none is ready (then none is made on the loop). */
  takeFile(): string | undefined {
    return this.files.take();
  }

  /** An empty folder's path, as takeFile. Asking is what starts keeping spare folders. */
  takeFolder(): string | undefined {
    return this.folders.take();
  }

  /**
   * A spare could not be linked or renamed into place because its target is on another file
   * system (EXDEV): the repository keeps no more spares, and writes make their files in place.
   */
  stopAcrossDevices(): void {
    this.files.stop();
    this.folders.stop();
  }

  /** Starts making spare files before the first is needed. */
  prime(): void {
    this.files.refill();
  }

  /** Resolves once the spares due are made and ready (for tests). */
  async settled(): Promise<void> {
    await Promise.all([this.files.settle(), this.folders.settle()]);
  }

  private madeFolder(): Promise<string> {
    this.made ??= fsp.mkdir(this.dir, { recursive: true }).then(() => {
      removeAtExit();
      void this.sweep();
      return this.dir;
    });
    this.made.catch(() => (this.made = undefined));
    return this.made;
  }

  private async sweep(): Promise<void> {
    const names = await fsp.readdir(this.dir).catch(() => [] as string[]);
    const now = Date.now();
    for (const name of names) {
      if (!name.startsWith('spare-')) continue;
      const p = path.join(this.dir, name);
      const s = await fsp.stat(p).catch(() => undefined);
      if (s && now - s.mtimeMs > SWEEP_AFTER_MS) await fsp.rm(p, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

/** The repository's spare files and folders. */
export const spareFiles: (repo: GitRepo) => Pick<SparePool, 'takeFile' | 'takeFolder' | 'prime' | 'settled' | 'stopAcrossDevices'> = perRepository(
  (repo) => new SparePool(path.join(repo.stateDir, 'spare-files')),
);
