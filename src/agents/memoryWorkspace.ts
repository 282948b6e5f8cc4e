// An in-memory TaskWorkspace: base files plus an overlay of writes and deletes, as the git
// overlay will be. Used by tests, the demo mode and benchmarks; never touches the disk.
import type { SearchHit, SearchOptions, TaskWorkspace, WorkspaceChange } from '../core/workspace';
import { compileGlobSource, compileSearchRegex, evaluatePatterns, type PatternItem } from '../core/patternWorker';

export interface MemoryWorkspaceHooks {
  /** Awaited before a write or delete is applied (tests use it to hold a tool call). */
  beforeMutation?(path: string, kind: 'write' | 'delete'): Promise<void> | void;
  /** Awaited before a read. */
  beforeRead?(path: string): Promise<void> | void;
}

export class MemoryWorkspace implements TaskWorkspace {
  private readonly base = new Map<string, Buffer>();
  private readonly overlay = new Map<string, Buffer | null>(); // null = deleted

  constructor(
    files: Record<string, string | Uint8Array> = {},
    readonly root = '/memory-workspace',
    private readonly hooks: MemoryWorkspaceHooks = {},
  ) {
    for (const [p, c] of Object.entries(files)) this.base.set(p, toBuffer(c));
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    await this.hooks.beforeRead?.(path);
    return this.peek(path);
  }

  /** Synchronous read for tests. */
  peek(path: string): Buffer | undefined {
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
    const all = new Set<string>(this.base.keys());
    for (const [p, c] of this.overlay) {
      if (c === null) all.delete(p);
      else all.add(p);
    }
    return [...all].sort();
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

  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    await this.hooks.beforeMutation?.(path, 'write');
    this.overlay.set(path, toBuffer(content));
  }

  async deleteFile(path: string): Promise<void> {
    await this.hooks.beforeMutation?.(path, 'delete');
    this.overlay.set(path, null);
  }

  changes(): WorkspaceChange[] {
    const out: WorkspaceChange[] = [];
    for (const [path, c] of this.overlay) {
      if (c === null) {
        if (this.base.has(path)) out.push({ path, kind: 'delete' });
      } else if (!this.base.get(path)?.equals(c)) {
        out.push({ path, kind: 'write' });
      }
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

function toBuffer(c: string | Uint8Array): Buffer {
  return typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c);
}
