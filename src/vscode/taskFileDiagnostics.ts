// Problems in the task file while the user types: the parser's and the plan's, with the
// same messages as the CLI's FILE:LINE:COL output. Debounced per document; a result for
// a version the user has already typed past is dropped.
import * as vscode from 'vscode';
import { Disposable } from '../core';
import { DIAGNOSTIC_SOURCE } from './ids';
import type { EditorProblem } from './taskFileAnalysis';
import type { AnalysedTaskFile, TaskFiles } from './taskFiles';

const DEBOUNCE_MS = 250;

export class TaskFileDiagnostics extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE));
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly taskFiles: TaskFiles,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(taskFiles.onDidAnalyse((a) => this.publish(a)));
    this._register(vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)));
    this._register(
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (!this.taskFiles.isTaskFile(d.uri)) return;
        // Unsaved edits are gone: show what the file on disk says.
        this.taskFiles.forget(d.uri);
        void this.taskFiles.analyseUri(d.uri, true).catch(() => this.collection.delete(d.uri));
      }),
    );
    this._register(taskFiles.onDidChangePresence(() => void this.scanWorkspace()));
    this._register({ dispose: () => this.timers.forEach((t) => clearTimeout(t)) });
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
    void this.scanWorkspace();
  }

  /** Task files that are not open still get their problems in the Problems view. */
  async scanWorkspace(): Promise<void> {
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      const uri = await this.taskFiles.find(f);
      if (uri && !this.taskFiles.cached(uri)) await this.taskFiles.analyseUri(uri).catch((e) => this.log.warn(`cannot read ${uri.fsPath}: ${String(e)}`));
    }
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!this.taskFiles.isTaskFile(doc.uri)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (doc.isClosed) return;
        void this.taskFiles.analyseDocument(doc).catch((e) => this.log.error(`analysing ${doc.uri.fsPath} failed: ${String(e)}`));
      }, delay),
    );
  }

  private publish(a: AnalysedTaskFile): void {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === a.uri.toString());
    // Typed past this version already: the next analysis will publish.
    if (doc && a.version !== -1 && doc.version !== a.version) return;
    if (doc && a.version === -1 && doc.getText() !== a.text) return;
    const positions = doc ?? new TextPositions(a.text);
    this.collection.set(a.uri, a.analysis.problems.map((p) => toDiagnostic(a.uri, positions, p)));
  }

  /** For tests and the status of the panel. */
  get(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }
}

interface PositionSource {
  positionAt(offset: number): vscode.Position;
}

/** positionAt for text that is not an open document (a task file on disk). */
class TextPositions implements PositionSource {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  positionAt(offset: number): vscode.Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= o) lo = mid;
      else hi = mid - 1;
    }
    return new vscode.Position(lo, o - (this.starts[lo] as number));
  }
}

function toDiagnostic(uri: vscode.Uri, positions: PositionSource, p: EditorProblem): vscode.Diagnostic {
  const start = positions.positionAt(p.offset);
  let end = positions.positionAt(p.endOffset);
  // A zero-width or multi-line range would underline nothing or too much: the first line is enough.
  if (end.line !== start.line) end = new vscode.Position(start.line, Number.MAX_SAFE_INTEGER);
  if (end.isEqual(start)) end = start.translate(0, 1);
  const d = new vscode.Diagnostic(
    new vscode.Range(start, end),
    p.message,
    p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  d.source = DIAGNOSTIC_SOURCE;
  d.code = p.code;
  if (p.related?.length) {
    d.relatedInformation = p.related.map(
      (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, new vscode.Range(positions.positionAt(r.offset), positions.positionAt(r.endOffset))), `task "${r.taskId}"`),
    );
  }
  return d;
}
