// Writes a sandboxed command made next to its workspace (`> ../x`): where the repository's
// folder lies under /tmp or the user's home, the command sees those folders as its private
// ones, so such a write succeeds there and would vanish with the view; elsewhere it fails
// (read-only file system). This finds the files that landed in the private folders below the
// repository's parent folder, outside the workspace, so that they are reported like the worktree
// fallback reports them (workspace-relative `../` paths), never kept.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

const MAX_LISTED = 200;

export interface BesideWritesInput {
  /** The private folders as they appear in the sandbox: host folder and sandbox path. */
  readonly writable: readonly { readonly src: string; readonly dst: string }[];
  readonly repoRoot: string;
  /** The workspace's absolute path (the overlay's mount point, never walked). */
  readonly workspacePath: string;
  /** The user's home (its dot-folders at the top are caches, not writes beside the repository). */
  readonly home: string;
}

/** Workspace-relative (`../`) paths of files below the repository's parent folder in the private folders. */
export function besideWrites(input: BesideWritesInput): string[] {
  const parent = path.dirname(input.repoRoot);
  const out: string[] = [];
  for (const w of input.writable) {
    if (parent !== w.dst && !parent.startsWith(w.dst.endsWith('/') ? w.dst : `${w.dst}/`)) continue;
    const walk = (host: string, inSandbox: string): void => {
      let entries;
      try {
        entries = readdirSync(host, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (out.length >= MAX_LISTED) return;
        const at = path.join(inSandbox, e.name);
        if (at === input.workspacePath) continue;
        if (inSandbox === input.home && e.name.startsWith('.')) continue;
        if (e.isDirectory()) walk(path.join(host, e.name), at);
        else out.push(path.relative(input.workspacePath, at).split(path.sep).join('/'));
      }
    };
    walk(path.join(w.src, path.relative(w.dst, parent)), parent);
  }
  return out;
}
