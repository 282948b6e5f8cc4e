// The task file's workspace may be a folder inside the repository (a monorepo package,
// or examples/four-step in this repo). Agents see workspace-relative paths; git sees
// repository-relative ones. This view translates between the two and hides everything
// outside the workspace folder.
import type { SearchHit, SearchOptions, TaskWorkspace, WorkspaceChange, WorkspaceEntry, WriteOptions } from '../core';

export class PrefixedWorkspace implements TaskWorkspace {
  constructor(
    private readonly inner: TaskWorkspace,
    /** Repository-relative folder with a trailing slash, e.g. `examples/four-step/`. */
    private readonly prefix: string,
    readonly root: string,
  ) {}

  private toRepo(p: string): string {
    return this.prefix + p;
  }

  private fromRepo(p: string): string | undefined {
    return p.startsWith(this.prefix) ? p.slice(this.prefix.length) : undefined;
  }

  entry(path: string): Promise<WorkspaceEntry | undefined> {
    return this.inner.entry(this.toRepo(path));
  }

  readFile(path: string): Promise<Buffer | undefined> {
    return this.inner.readFile(this.toRepo(path));
  }

  async listFiles(): Promise<string[]> {
    const out: string[] = [];
    for (const p of await this.inner.listFiles()) {
      const rel = this.fromRepo(p);
      if (rel !== undefined) out.push(rel);
    }
    return out;
  }

  async listSymlinks(): Promise<ReadonlyMap<string, string>> {
    const out = new Map<string, string>();
    for (const [p, target] of await this.inner.listSymlinks()) {
      const rel = this.fromRepo(p);
      if (rel !== undefined) out.set(rel, target);
    }
    return out;
  }

  async search(pattern: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const hits = await this.inner.search(pattern, { ...options, glob: this.toRepo(options.glob ?? '**') });
    const out: SearchHit[] = [];
    for (const h of hits) {
      const rel = this.fromRepo(h.path);
      if (rel !== undefined) out.push({ ...h, path: rel });
    }
    return out;
  }

  writeFile(path: string, content: string | Uint8Array, options?: WriteOptions): Promise<void> {
    return this.inner.writeFile(this.toRepo(path), content, options);
  }

  writeSymlink(path: string, target: string): Promise<void> {
    if (!this.inner.writeSymlink) return Promise.reject(new Error('This view keeps no symbolic links.'));
    return this.inner.writeSymlink(this.toRepo(path), target);
  }

  deleteFile(path: string): Promise<void> {
    return this.inner.deleteFile(this.toRepo(path));
  }

  changes(): WorkspaceChange[] {
    const out: WorkspaceChange[] = [];
    for (const c of this.inner.changes()) {
      const rel = this.fromRepo(c.path);
      if (rel !== undefined) out.push({ ...c, path: rel });
    }
    return out;
  }
}

/** Ownership globs of a workspace folder, made repository-relative. */
export function prefixGlobs(globs: readonly string[], prefix: string): string[] {
  if (!prefix) return [...globs];
  return globs.map((g) => (g.startsWith('!') ? `!${prefix}${g.slice(1).replace(/^\.\//, '')}` : prefix + g.replace(/^\.\//, '')));
}
