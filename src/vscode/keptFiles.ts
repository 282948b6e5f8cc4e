// Files an undo must leave as the user has them ("Undo Others"): read before the undo,
// written back after it. The undo itself restores everything (force); this puts the
// kept files back exactly (bytes and executable bit), or removes them again if the user
// had deleted them. Plain Node.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

export interface KeptFile {
  /** Repository-relative, `/`-separated. */
  readonly path: string;
  /** Undefined: the file did not exist. */
  readonly content?: Buffer;
  readonly mode?: number;
}

const abs = (root: string, p: string) => path.join(root, ...p.split('/'));

export async function readKept(root: string, paths: readonly string[]): Promise<KeptFile[]> {
  return Promise.all(
    paths.map(async (p): Promise<KeptFile> => {
      try {
        const file = abs(root, p);
        const st = await fsp.lstat(file);
        if (st.isSymbolicLink()) return { path: p, content: Buffer.from(await fsp.readlink(file)), mode: 0o120000 };
        return { path: p, content: await fsp.readFile(file), mode: st.mode & 0o777 };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { path: p };
        throw e;
      }
    }),
  );
}

export async function writeKept(root: string, files: readonly KeptFile[]): Promise<void> {
  for (const f of files) {
    const file = abs(root, f.path);
    const now = await fsp.lstat(file).catch(() => undefined);
    const link = f.mode === 0o120000;
    // Written over in place (an open editor sees a change, not a delete), unless the kind differs.
    if (f.content === undefined || (now && (now.isSymbolicLink() || link || !now.isFile()))) await fsp.rm(file, { force: true, recursive: true });
    if (f.content === undefined) continue;
    await fsp.mkdir(path.dirname(file), { recursive: true });
    if (link) await fsp.symlink(f.content.toString(), file);
    else {
      await fsp.writeFile(file, f.content);
      if (f.mode !== undefined) await fsp.chmod(file, f.mode);
    }
  }
}
