// The import graph of each workspace folder (core/importGraph.ts), for the task file's
// diagnostics and plan graph: read once, kept until a JS/TS file is created, changed or
// deleted (then read again on the next analysis, after a quiet second). Reading is async and
// bounded by the core; the file list comes from VS Code (files.exclude and node_modules left out).
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../core';
import type { ImportGraph, readImportGraph } from '../core';

/** Loads the lazy analysis chunk, which holds the lexer (taskFiles.ts: loadAnalysis). */
export type ImportReaderLoader = () => Promise<{ readonly readImportGraph: typeof readImportGraph }>;

const SOURCES = '**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}';
const MAX_FILES = 5000;
const QUIET_MS = 1000;

export class WorkspaceImports extends Disposable {
  private readonly _onDidChange = this._register(new Emitter<void>());
  /** A source file changed: graphs read before are stale. */
  readonly onDidChange = this._onDidChange.event;
  private readonly graphs = new Map<string, Promise<ImportGraph | undefined>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly load: ImportReaderLoader) {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(SOURCES));
    const stale = (uri: vscode.Uri) => {
      if (/[\\/]node_modules[\\/]/.test(uri.fsPath)) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.graphs.clear();
        this._onDidChange.fire();
      }, QUIET_MS);
    };
    this._register(watcher.onDidCreate(stale));
    this._register(watcher.onDidChange(stale));
    this._register(watcher.onDidDelete(stale));
    this._register({ dispose: () => clearTimeout(this.timer) });
  }

  /** The folder's graph; undefined when it cannot be read (never an error for the caller). */
  get(folder: vscode.WorkspaceFolder): Promise<ImportGraph | undefined> {
    const key = folder.uri.toString();
    let g = this.graphs.get(key);
    if (!g) {
      g = this.read(folder).catch(() => undefined);
      this.graphs.set(key, g);
    }
    return g;
  }

  private async read(folder: vscode.WorkspaceFolder): Promise<ImportGraph | undefined> {
    if (folder.uri.scheme !== 'file') return undefined;
    const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, SOURCES), '**/node_modules/**', MAX_FILES);
    const files = uris.map((u) => vscode.workspace.asRelativePath(u, false)).map((p) => p.split('\\').join('/'));
    const reader = await this.load();
    return reader.readImportGraph(folder.uri.fsPath, files);
  }
}
