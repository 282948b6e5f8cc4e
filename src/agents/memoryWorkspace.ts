// An in-memory TaskWorkspace: base files plus an overlay of writes and deletes, as the git
// overlay will be. Used by tests, the demo mode and benchmarks; never touches the disk.
// Base entries may also be symbolic links, submodules and executable files, so that the
// tools' handling of them is testable without git.
import type { SearchHit, SearchOptions, TaskWorkspace, WorkspaceChange, WorkspaceEntry, WriteOptions } from '../core';
import { compileGlobSource, compileSearchRegex, evaluatePatterns, type PatternItem } from '../core';

export interface MemoryWorkspaceHooks {
  /** Awaited before a write or delete is applied (tests use it to hold a tool call). */
  beforeMutation?(path: string, kind: 'write' | 'delete'): Promise<void> | void;
  /** Awaited before a read. */
  beforeRead?(path: string): Promise<void> | void;
}

/** A base entry other than a plain file. */
export type MemoryEntry =
  | { readonly symlink: string }
  | { readonly submodule: true }
  | { readonly content: string | Uint8Array; readonly executable: boolean };

interface Stored {
  readonly content: Buffer;
  readonly executable: boolean;
}

export class MemoryWorkspace implements TaskWorkspace {
  private readonly base = new Map<string, Stored>();
  private readonly links = new Map<string, string>();
  private readonly submodules = new Set<string>();
  private readonly overlay = new Map<string, Stored | null>(); // null = deleted

  constructor(
    files: Record<string, string | Uint8Array | MemoryEntry> = {},
    readonly root = '/memory-workspace',
    private readonly hooks: MemoryWorkspaceHooks = {},
  ) {
    for (const [p, c] of Object.entries(files)) {
      if (typeof c === 'string' || c instanceof Uint8Array) this.base.set(p, { content: toBuffer(c), executable: false });
      else if ('symlink' in c) this.links.set(p, c.symlink);
      else if ('submodule' in c) this.submodules.add(p);
      else this.base.set(p, { content: toBuffer(c.content), executable: c.executable });
    }
  }

  async entry(path: string): Promise<WorkspaceEntry | undefined> {
    const f = this.file(path);
    if (f) return { kind: 'file', executable: f.executable };
    if (!this.overlay.has(path)) {
      const target = this.links.get(path);
      if (target !== undefined) return { kind: 'symlink', target };
      if (this.submodules.has(path)) return { kind: 'submodule' };
    }
    return this.list().some((p) => p.startsWith(path + '/')) ? { kind: 'folder' } : undefined;
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    await this.hooks.beforeRead?.(path);
    return this.peek(path);
  }

  /** Synchronous read for tests. */
  peek(path: string): Buffer | undefined {
    return this.file(path)?.content;
  }

  /** Whether the file is executable, for tests. */
  isExecutable(path: string): boolean | undefined {
    return this.file(path)?.executable;
  }

  private file(path: string): Stored | undefined {
    if (this.overlay.has(path)) return this.overlay.get(path) ?? undefined;
    return this.base.get(path);
  }

  /** The file as UTF-8 text, for tests. */
  text(path: string): string | undefined {
    return this.peek(path)?.toString('utf8');
  }

  async listFiles(): Promise<string[]> {
    return this.list();
  }

  list(): string[] {
    const all = new Set<string>([...this.base.keys(), ...this.links.keys()]);
    for (const [p, c] of this.overlay) {
      if (c === null) all.delete(p);
      else all.add(p);
    }
    return [...all].sort();
  }

  async listSymlinks(): Promise<ReadonlyMap<string, string>> {
    return new Map([...this.links].filter(([p]) => !this.overlay.has(p)));
  }

  async search(pattern: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const regex = compileSearchRegex(pattern);
    const glob = options.glob ? compileGlobSource([options.glob]) : undefined;
    const items: PatternItem[] = [];
    for (const path of this.list()) {
      const buf = this.peek(path);
      if (buf && !buf.subarray(0, 8000).includes(0)) items.push({ path, text: buf.toString('utf8') });
    }
    const r = await evaluatePatterns(
      { ...(glob && { glob }), regex, items, ...(options.maxResults !== undefined && { maxHits: options.maxResults }) },
      {
        what: `the search pattern ${JSON.stringify(pattern)}`,
        ...(options.budgetMs !== undefined && { budgetMs: options.budgetMs }),
        ...(options.signal && { signal: options.signal }),
      },
    );
    return r.hits.map((h) => ({ path: (items[h.item] as PatternItem).path, line: h.line, text: h.text }));
  }

  async writeFile(path: string, content: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
    const own = await this.entry(path);
    if (own && own.kind !== 'file') throw new Error(`Cannot write “${path}”: it is a ${own.kind}.`);
    await this.hooks.beforeMutation?.(path, 'write');
    this.overlay.set(path, { content: toBuffer(content), executable: options.executable ?? this.file(path)?.executable ?? false });
  }

  async deleteFile(path: string): Promise<void> {
    await this.hooks.beforeMutation?.(path, 'delete');
    this.overlay.set(path, null);
  }

  changes(): WorkspaceChange[] {
    const out: WorkspaceChange[] = [];
    for (const [path, c] of this.overlay) {
      const before = this.base.get(path);
      if (c === null) {
        if (before || this.links.has(path)) out.push({ path, kind: 'delete' });
      } else if (!before || !before.content.equals(c.content) || before.executable !== c.executable) {
        out.push({ path, kind: 'write' });
      }
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

function toBuffer(c: string | Uint8Array): Buffer {
  return typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c);
}
