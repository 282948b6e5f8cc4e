// What an agent's file tools see: an isolated view of the workspace. The git layer
// implements it as an overlay over the task's base commit (no checkout); tests use an
// in-memory one. Paths are workspace-relative with forward slashes; guarding them
// (no `..`, no `.git/**`, ownership) is the tools' job, not the workspace's.
//
// The view models paths the way git does: regular files (executable or not), symbolic
// links (their target is data, not content) and submodules (a commit of another
// repository: not part of the workspace). A view never follows a link itself and never
// turns a link, a submodule or a folder into something else: `writeFile` refuses a path
// that is one, or that lies below a file, a link or a submodule. Following links that stay
// inside the workspace is the tools' job (agents/pathResolve.ts).

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

/** What is at one path of a view (links not followed). */
export type WorkspaceEntry =
  | { readonly kind: 'file'; readonly executable: boolean }
  | { readonly kind: 'symlink'; readonly target: string }
  | { readonly kind: 'submodule' }
  | { readonly kind: 'folder' };

export interface WriteOptions {
  /** true: mode 100755; false: 100644; undefined: the file keeps its mode (a new file is 100644). */
  readonly executable?: boolean;
}

export interface WorkspaceChange {
  readonly path: string;
  readonly kind: 'write' | 'delete';
}

export interface TaskWorkspace {
  /** Absolute path of the real workspace this view is of (for messages only). */
  readonly root: string;
  /** What is at exactly this path, or undefined when nothing is (also below a file, link or submodule). */
  entry(path: string): Promise<WorkspaceEntry | undefined>;
  /** A regular file's bytes; undefined for anything else (missing, a link, a submodule, a folder). */
  readFile(path: string): Promise<Buffer | undefined>;
  /** Every file and symbolic link in this view (base, plus writes, minus deletes), sorted; no submodules. */
  listFiles(): Promise<string[]>;
  /** The symbolic links of this view: path → target as stored. */
  listSymlinks(): Promise<ReadonlyMap<string, string>>;
  /** Lines matching a JavaScript regular expression, over base and overlay; bounded in time (see SearchOptions). */
  search(pattern: string, options?: SearchOptions): Promise<SearchHit[]>;
  /** Writes a regular file at exactly this path; rejects a link, a submodule, a folder, or a path below one. */
  writeFile(path: string, content: string | Uint8Array, options?: WriteOptions): Promise<void>;
  /**
   * Writes a symbolic link (its target as given, not followed) at exactly this path, over a
   * file or a link; rejects a submodule, a folder, or a path below one. Optional: views that
   * lack it keep no links (run_command then reports a link it made as not kept).
   */
  writeSymlink?(path: string, target: string): Promise<void>;
  /** Deletes the file or symbolic link (the link itself, never its target) at exactly this path. */
  deleteFile(path: string): Promise<void>;
  /** What this task has changed so far, in path order. */
  changes(): WorkspaceChange[];
}
