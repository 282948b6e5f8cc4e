// Three-way merge of one file's contents with `git merge-file` (used only where both
// sides changed: the common cases need no process at all).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { GitError } from './errors';
import { makeTempDir } from './fsutil';
import type { GitRepo } from './repo';

export interface MergeFileResult {
  readonly content: Buffer;
  /** Number of conflicting regions (0: merged cleanly). */
  readonly conflicts: number;
}

export async function mergeFile(
  repo: GitRepo,
  ours: Uint8Array,
  base: Uint8Array,
  theirs: Uint8Array,
  labels: { ours: string; base: string; theirs: string },
  /** Conflict marker length (the file's `conflict-marker-size`); git's default is 7. */
  markerSize = 7,
): Promise<MergeFileResult> {
  const dir = await makeTempDir(repo.stateDir, 'merge');
  try {
    const o = path.join(dir, 'ours');
    const b = path.join(dir, 'base');
    const t = path.join(dir, 'theirs');
    await Promise.all([fsp.writeFile(o, ours), fsp.writeFile(b, base), fsp.writeFile(t, theirs)]);
    const args = ['merge-file', `--marker-size=${markerSize}`, '-L', labels.ours, '-L', labels.base, '-L', labels.theirs, o, b, t];
    const r = await repo.exec(args, { anyExitCode: true });
    if (r.exitCode < 0 || r.exitCode > 127) {
      throw new GitError(`git merge-file failed: ${r.stderr.trim() || `exit code ${r.exitCode}`}`, ['merge-file'], r.stderr, r.exitCode);
    }
    return { content: await fsp.readFile(o), conflicts: r.exitCode };
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
