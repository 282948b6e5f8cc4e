// Where the task file is (per workspace folder, from the `taskFile` setting) and what it
// says: analyses are cached per document version and computed with the engine's parser
// and planner, which are loaded on first use so activation stays cheap.
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../core';
import type { Configuration } from './configuration';
import { ContextKeys } from './ids';
import { isTaskFilePath, taskFileCandidates } from './settingsModel';
import type { TaskFileAnalysis } from './taskFileAnalysis';

type AnalysisModule = typeof import('./taskFileAnalysis.js');
let analysisModule: Promise<AnalysisModule> | undefined;
/** The parser and planner (yaml, zod, globs) load on first use. */
export function loadAnalysis(): Promise<AnalysisModule> {
  return (analysisModule ??= import('./taskFileAnalysis.js'));
}

export interface AnalysedTaskFile {
  readonly uri: vscode.Uri;
  /** The document version analysed, or -1 for the file on disk. */
  readonly version: number;
  readonly text: string;
  readonly analysis: TaskFileAnalysis;
}

export class TaskFiles extends Disposable {
  private readonly _onDidChangePresence = this._register(new Emitter<void>());
  /** A task file appeared or disappeared, or the setting moved it. */
  readonly onDidChangePresence = this._onDidChangePresence.event;
  private readonly _onDidAnalyse = this._register(new Emitter<AnalysedTaskFile>());
  /** A task file's text was (re)analysed: typing, saving, a change on disk, a setting. */
  readonly onDidAnalyse = this._onDidAnalyse.event;

  private readonly cache = new Map<string, AnalysedTaskFile>();
  private readonly inFlight = new Map<string, Promise<AnalysedTaskFile>>();
  private present = false;

  constructor(private readonly config: Configuration) {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/.agents/**'));
    const onDisk = (uri: vscode.Uri) => {
      if (!this.isTaskFile(uri)) return;
      void this.refreshPresence();
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (!open || !open.isDirty) void this.analyseUri(uri, true).catch(() => undefined);
    };
    this._register(watcher.onDidCreate(onDisk));
    this._register(watcher.onDidChange(onDisk));
    this._register(watcher.onDidDelete((uri) => { this.cache.delete(uri.toString()); onDisk(uri); }));
    this._register(config.onDidChange(() => {
      this.cache.clear();
      void this.refreshPresence();
    }));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refreshPresence()));
  }

  /** Whether `uri` is a task file of its workspace folder (it need not exist yet). */
  isTaskFile(uri: vscode.Uri): boolean {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return false;
    const rel = vscode.workspace.asRelativePath(uri, false);
    return isTaskFilePath(rel, this.config.read(folder.uri).taskFile);
  }

  /** The task file of a folder: the first candidate that exists. */
  async find(folder: vscode.WorkspaceFolder): Promise<vscode.Uri | undefined> {
    for (const rel of taskFileCandidates(this.config.read(folder.uri).taskFile)) {
      const uri = vscode.Uri.joinPath(folder.uri, rel);
      try {
        const st = await vscode.workspace.fs.stat(uri);
        if (st.type & vscode.FileType.File) return uri;
      } catch {
        // not there; try the next
      }
    }
    return undefined;
  }

  /** Where "Create Task File" writes, for a folder. */
  defaultLocation(folder: vscode.WorkspaceFolder): vscode.Uri {
    return vscode.Uri.joinPath(folder.uri, taskFileCandidates(this.config.read(folder.uri).taskFile)[0] as string);
  }

  /** The task file the user means now: the active editor's folder's, else the first one found. */
  async current(): Promise<vscode.Uri | undefined> {
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active && this.isTaskFile(active)) return active;
    const folders = [...(vscode.workspace.workspaceFolders ?? [])];
    const activeFolder = active && vscode.workspace.getWorkspaceFolder(active);
    if (activeFolder) folders.sort((a, b) => (a === activeFolder ? -1 : b === activeFolder ? 1 : 0));
    for (const f of folders) {
      const found = await this.find(f);
      if (found) return found;
    }
    return undefined;
  }

  get hasTaskFile(): boolean {
    return this.present;
  }

  async refreshPresence(): Promise<boolean> {
    let present = false;
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      if (await this.find(f)) {
        present = true;
        break;
      }
    }
    await vscode.commands.executeCommand('setContext', ContextKeys.hasTaskFile, present);
    if (present !== this.present) {
      this.present = present;
      this._onDidChangePresence.fire();
    }
    return present;
  }

  /** The analysis of an open document at its current version (cached per version). */
  async analyseDocument(doc: vscode.TextDocument): Promise<AnalysedTaskFile> {
    const key = doc.uri.toString();
    const cached = this.cache.get(key);
    if (cached && cached.version === doc.version && cached.text === doc.getText()) return cached;
    const pending = this.inFlight.get(key);
    const text = doc.getText();
    if (pending) {
      const p = await pending;
      if (p.version === doc.version && p.text === text) return p;
    }
    return this.run(doc.uri, doc.version, text);
  }

  /** The analysis of a task file: the open document's text if open, else the file on disk. */
  async analyseUri(uri: vscode.Uri, force = false): Promise<AnalysedTaskFile> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc) return this.analyseDocument(doc);
    const cached = this.cache.get(uri.toString());
    if (cached && !force) return cached;
    const bytes = await vscode.workspace.fs.readFile(uri);
    return this.run(uri, -1, new TextDecoder().decode(bytes));
  }

  cached(uri: vscode.Uri): AnalysedTaskFile | undefined {
    return this.cache.get(uri.toString());
  }

  /** Drops the cached analysis of a file (it was deleted, or the document closed). */
  forget(uri: vscode.Uri): void {
    this.cache.delete(uri.toString());
  }

  private run(uri: vscode.Uri, version: number, text: string): Promise<AnalysedTaskFile> {
    const key = uri.toString();
    const p = (async () => {
      const { analyseTaskFileText } = await loadAnalysis();
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      const s = this.config.read(folder?.uri ?? uri);
      const analysis = analyseTaskFileText(vscode.workspace.asRelativePath(uri, false), text, {
        ...(s.concurrency !== undefined && { concurrency: s.concurrency }),
        maxConcurrency: s.maxConcurrency,
      });
      const result: AnalysedTaskFile = { uri, version, text, analysis };
      this.cache.set(key, result);
      this._onDidAnalyse.fire(result);
      return result;
    })();
    this.inFlight.set(key, p);
    void p.finally(() => {
      if (this.inFlight.get(key) === p) this.inFlight.delete(key);
    });
    return p;
  }
}
