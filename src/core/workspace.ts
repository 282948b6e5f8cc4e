// What an agent's file tools see: an isolated view of the workspace. The git layer
// implements it as an overlay over the task's base commit (no checkout); tests use an
// in-memory one. Paths are workspace-relative with forward slashes; guarding them
// (no `..`, no `.git/**`, ownership) is the tools' job, not the workspace's.

export interface SearchHit {
  readonly path: string;
  /** 1-based line number. */
  readonly line: number;
  readonly text: string;
}

export interface SearchOptions {
  /** Only files matching this glob. */
  readonly glob?: string;
  readonly maxResults?: number;
  readonly signal?: AbortSignal;
  /**
   * Time a batch of matching may take before the pattern counts as too costly (the search
   * then rejects with a PatternCostError, core/patternWorker.ts). Matching never runs on
   * the caller's thread.
   */
  readonly budgetMs?: number;
}

export interface WorkspaceChange {
  readonly path: string;
  readonly kind: 'write' | 'delete';
}

export interface TaskWorkspace {
  /** Absolute path of the real workspace this view is of (for messages only). */
  readonly root: string;
  /** The file's bytes, or undefined when it does not exist in this view. */
  readFile(path: string): Promise<Buffer | undefined>;
  /** Every file in this view (base files, plus writes, minus deletes), sorted. */
  listFiles(): Promise<string[]>;
  /** Lines matching a JavaScript regular expression, over base and overlay; bounded in time (see SearchOptions). */
  search(pattern: string, options?: SearchOptions): Promise<SearchHit[]>;
  writeFile(path: string, content: string | Uint8Array): Promise<void>;
  deleteFile(path: string): Promise<void>;
  /** What this task has changed so far, in path order. */
  changes(): WorkspaceChange[];
}
