// Files an apply left with conflict markers: tracked from the apply's result, rescanned
// as the user edits, dropped once no marker is left. Shown in the Conflicts view, with
// a CodeLens per region (Accept ‹task A› | Accept ‹task B› | Accept Both | Compare) and
// decorations on the two sides.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../core';
import type { ApplyConflict } from '../git';
import { acceptTitle, DEFAULT_MARKER_SIZE, parseConflicts, resolvedLines, splitLines, type ConflictChoice, type ConflictParseOptions, type ConflictRegion } from './conflictMarkers';
import { CONFLICT_SIDE_SCHEME, InternalCommands, TreeItemContexts } from './ids';
import { gitObjectUri } from './gitObjectProvider';
import type { RunApplied, RunService } from './runService';
import type { RunSnapshot } from './runSnapshot';
import type { ViolationReview } from './violations';
import { violationDescription, type ViolationItem } from './violationsModel';

export interface ConflictFile {
  readonly uri: vscode.Uri;
  readonly runId: string;
  readonly tasks: readonly string[];
  readonly regions: readonly ConflictRegion[];
  /** How the apply wrote this file's markers: only those regions are ours to resolve. */
  readonly parse: ConflictParseOptions;
}

/** The marker size and labels an apply used for one file. */
export function parseOptionsOf(c: ApplyConflict): ConflictParseOptions {
  return { markerSize: c.markerSize || DEFAULT_MARKER_SIZE, labels: [...new Set([...c.tasks, 'working tree', 'base'])] };
}

export class ConflictTracker extends Disposable {
  private readonly _onDidChange = this._register(new Emitter<void>());
  readonly onDidChange = this._onDidChange.event;
  private readonly files = new Map<string, ConflictFile>();
  /** Files whose conflicts were resolved through our CodeLens, by URI: the run they came from. */
  private readonly resolved = new Map<string, { readonly uri: vscode.Uri; readonly runId: string }>();

  constructor(runs: RunService) {
    super();
    this._register(runs.onDidApply((a) => void this.track(a)));
    this._register(runs.onDidUndo((u) => void this.recheck(u.runId)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.rescan(e.document)));
    this._register(vscode.workspace.onDidSaveTextDocument((d) => this.rescan(d)));
  }

  all(): ConflictFile[] {
    return [...this.files.values()].sort((a, b) => a.uri.fsPath.localeCompare(b.uri.fsPath));
  }

  get(uri: vscode.Uri): ConflictFile | undefined {
    return this.files.get(uri.toString());
  }

  get count(): number {
    return [...this.files.values()].reduce((s, f) => s + Math.max(1, f.regions.length), 0);
  }

  async track(a: RunApplied): Promise<void> {
    for (const c of a.result.conflicts) {
      if (c.kind !== 'content') continue;
      const uri = vscode.Uri.file(path.join(a.repoRoot, c.path));
      let text: string;
      try {
        // The file on disk is what the apply wrote; an open document may not have reloaded yet.
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.isDirty);
        text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        continue;
      }
      const parse = parseOptionsOf(c);
      const regions = parseConflicts(text, parse);
      if (regions.length) this.files.set(uri.toString(), { uri, runId: a.runId, tasks: c.tasks, regions, parse });
    }
    this._onDidChange.fire();
  }

  /** A region of this file was resolved with our CodeLens (undo names such files). */
  noteResolved(uri: vscode.Uri): void {
    const f = this.files.get(uri.toString());
    if (f) this.resolved.set(uri.toString(), { uri, runId: f.runId });
  }

  /** Repository-relative paths of the files of a run resolved with our CodeLens. */
  resolvedPaths(runId: string, repoRoot: string): string[] {
    return [...this.resolved.values()].filter((r) => r.runId === runId).map((r) => path.relative(repoRoot, r.uri.fsPath).split(path.sep).join('/'));
  }

  /** After an undo the files are back as they were: keep only those still with markers. */
  private async recheck(runId: string): Promise<void> {
    for (const [k, r] of [...this.resolved]) if (r.runId === runId) this.resolved.delete(k);
    for (const f of [...this.files.values()].filter((x) => x.runId === runId)) {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === f.uri.toString() && d.isDirty);
      let regions: ConflictRegion[] = [];
      try {
        regions = parseConflicts(open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(f.uri)), f.parse);
      } catch {
        // removed by the undo: nothing left to resolve
      }
      if (regions.length) this.files.set(f.uri.toString(), { ...f, regions });
      else this.files.delete(f.uri.toString());
    }
    this._onDidChange.fire();
  }

  private rescan(doc: vscode.TextDocument): void {
    const f = this.files.get(doc.uri.toString());
    if (!f) return;
    const regions = parseConflicts(doc.getText(), f.parse);
    if (regions.length) this.files.set(doc.uri.toString(), { ...f, regions });
    else this.files.delete(doc.uri.toString());
    this._onDidChange.fire();
  }

  /** The regions of ours in a document (none when the file is not tracked). */
  regionsIn(doc: vscode.TextDocument): ConflictRegion[] {
    const f = this.files.get(doc.uri.toString());
    return f ? parseConflicts(doc.getText(), f.parse) : [];
  }
}

export type ConflictNode =
  | { readonly type: 'file'; readonly file: ConflictFile }
  | { readonly type: 'region'; readonly file: ConflictFile; readonly region: ConflictRegion }
  /** Ownership violations of one run, waiting for Accept / Discard. */
  | { readonly type: 'violations'; readonly runId: string; readonly items: readonly ViolationItem[] }
  | { readonly type: 'violation'; readonly runId: string; readonly item: ViolationItem };

export class ConflictsTreeProvider extends Disposable implements vscode.TreeDataProvider<ConflictNode> {
  private readonly _onDidChangeTreeData = this._register(new Emitter<ConflictNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;

  constructor(
    private readonly tracker: ConflictTracker,
    private readonly violations: ViolationReview,
    private readonly runs: RunService,
  ) {
    super();
    this._register(tracker.onDidChange(() => this._onDidChangeTreeData.fire(undefined)));
    this._register(violations.onDidChange(() => this._onDidChangeTreeData.fire(undefined)));
    this._register(runs.onDidChange(() => this._onDidChangeTreeData.fire(undefined)));
  }

  getChildren(n?: ConflictNode): ConflictNode[] {
    if (!n) {
      const groups: ConflictNode[] = this.violations.runs().map((r) => ({ type: 'violations', runId: r.runId, items: r.items }));
      return [...this.tracker.all().map((file): ConflictNode => ({ type: 'file', file })), ...groups];
    }
    if (n.type === 'file') return n.file.regions.map((region) => ({ type: 'region', file: n.file, region }));
    if (n.type === 'violations') return n.items.map((item) => ({ type: 'violation', runId: n.runId, item }));
    return [];
  }

  getTreeItem(n: ConflictNode): vscode.TreeItem {
    switch (n.type) {
      case 'file': {
        const item = new vscode.TreeItem(n.file.uri, vscode.TreeItemCollapsibleState.Expanded);
        item.id = n.file.uri.toString();
        item.description = `${n.file.regions.length} conflict${n.file.regions.length === 1 ? '' : 's'} · ${n.file.tasks.join(' vs ')}`;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'));
        item.contextValue = TreeItemContexts.conflictFile;
        item.tooltip = `${vscode.workspace.asRelativePath(n.file.uri)}: conflict markers from applying run ${n.file.runId}. Open it and choose a side with the CodeLens above each conflict.`;
        item.command = { title: 'Open', command: InternalCommands.openConflict, arguments: [n.file.uri, n.file.regions[0]?.range.start ?? 0] };
        return item;
      }
      case 'region': {
        const item = new vscode.TreeItem(`Line ${n.region.range.start + 1}: ${n.region.oursLabel} ↔ ${n.region.theirsLabel}`, vscode.TreeItemCollapsibleState.None);
        item.id = `${n.file.uri.toString()}#${n.region.range.start}`;
        item.iconPath = new vscode.ThemeIcon('git-merge');
        item.command = { title: 'Open', command: InternalCommands.openConflict, arguments: [n.file.uri, n.region.range.start] };
        return item;
      }
      case 'violations': {
        const item = new vscode.TreeItem('Ownership violations', vscode.TreeItemCollapsibleState.Expanded);
        item.id = `violations/${n.runId}`;
        item.description = `run ${n.runId} · ${n.items.length}`;
        item.iconPath = new vscode.ThemeIcon('shield', new vscode.ThemeColor('editorWarning.foreground'));
        item.contextValue = TreeItemContexts.violations;
        item.tooltip = new vscode.MarkdownString(
          `Changes the tasks of run ${n.runId} made outside the files they own. **None is written into your files until you accept it**: Accept, then apply the run; Discard drops it.`,
        );
        return item;
      }
      case 'violation':
        return violationItem(n.runId, n.item, this.runs.find(n.runId));
    }
  }
}

function violationItem(runId: string, v: ViolationItem, run: RunSnapshot | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(path.posix.basename(v.path), vscode.TreeItemCollapsibleState.None);
  item.id = `violations/${runId}/${v.path}`;
  if (run && !v.outsideWorkspace) item.resourceUri = vscode.Uri.file(path.join(run.repoRoot, v.path));
  const applied = run?.applied !== undefined && !run.applied.undone;
  const dir = path.posix.dirname(v.path);
  item.description = `${dir === '.' ? '' : `${dir} · `}${violationDescription(v, applied)}`;
  item.iconPath = new vscode.ThemeIcon(v.decision === 'accepted' ? 'pass' : v.outsideWorkspace ? 'circle-slash' : 'shield');
  item.contextValue = v.outsideWorkspace ? TreeItemContexts.violationOutside : v.decision === 'accepted' ? TreeItemContexts.violationAccepted : TreeItemContexts.violation;
  item.tooltip = v.outsideWorkspace
    ? `${v.path}: task ${v.task} wrote outside its workspace folder. Such a write is never kept in the result, so it cannot be applied.`
    : `${v.path}: task ${v.task} changed it without owning it. Click to see the change; Accept writes it with the run's apply, Discard drops it.`;
  const task = run?.tasks.find((t) => t.id === v.task);
  if (run && task?.baseCommit && task.resultCommit && !v.outsideWorkspace) {
    item.command = {
      title: 'Open Change',
      command: 'vscode.diff',
      arguments: [gitObjectUri(run.repoRoot, task.baseCommit, v.path), gitObjectUri(run.repoRoot, task.resultCommit, v.path), `${path.posix.basename(v.path)} (${v.task}, outside its owns: base ↔ result)`, { preview: true }],
    };
  }
  return item;
}

export class ConflictCodeLens extends Disposable implements vscode.CodeLensProvider {
  private readonly _onDidChangeCodeLenses = this._register(new Emitter<void>());
  readonly onDidChangeCodeLenses = this._onDidChangeCodeLenses.event;

  constructor(private readonly tracker: ConflictTracker) {
    super();
    this._register(tracker.onDidChange(() => this._onDidChangeCodeLenses.fire()));
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    return this.tracker.regionsIn(doc).flatMap((c) => {
      const at = new vscode.Range(c.range.start, 0, c.range.start, 0);
      const arg = (choice: ConflictChoice) => [doc.uri, c.range.start, choice];
      return [
        new vscode.CodeLens(at, { title: acceptTitle(c.oursLabel), command: InternalCommands.acceptConflict, arguments: arg('ours') }),
        new vscode.CodeLens(at, { title: acceptTitle(c.theirsLabel), command: InternalCommands.acceptConflict, arguments: arg('theirs') }),
        new vscode.CodeLens(at, { title: 'Accept Both', command: InternalCommands.acceptConflict, arguments: arg('both') }),
        new vscode.CodeLens(at, { title: 'Compare', command: InternalCommands.compareConflict, arguments: [doc.uri, c.range.start] }),
      ];
    });
  }
}

/** Decorations on our markers, the commands behind the CodeLens, and Compare's documents. */
export class ConflictEditing extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly sides = new Map<string, string>();
  private readonly oursHeader = this._register(decoration('merge.currentHeaderBackground', true));
  private readonly oursBody = this._register(decoration('merge.currentContentBackground', false));
  private readonly theirsHeader = this._register(decoration('merge.incomingHeaderBackground', true));
  private readonly theirsBody = this._register(decoration('merge.incomingContentBackground', false));

  constructor(private readonly tracker: ConflictTracker) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(CONFLICT_SIDE_SCHEME, this));
    this._register(vscode.commands.registerCommand(InternalCommands.acceptConflict, (uri: vscode.Uri, line: number, choice: ConflictChoice) => this.accept(uri, line, choice)));
    this._register(vscode.commands.registerCommand(InternalCommands.compareConflict, (uri: vscode.Uri, line: number) => this.compare(uri, line)));
    this._register(vscode.commands.registerCommand(InternalCommands.openConflict, (uri: vscode.Uri, line: number) => this.open(uri, line)));
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.decorateAll()));
    this._register(tracker.onDidChange(() => this.decorateAll()));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.sides.get(uri.toString()) ?? '';
  }

  async accept(uri: vscode.Uri, line: number, choice: ConflictChoice): Promise<boolean> {
    const doc = await vscode.workspace.openTextDocument(uri);
    // The file may be reloaded from disk under us (an apply just wrote it): through an editor,
    // the edit is refused when the document changed since it was parsed, and parsed again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const c = this.tracker.regionsIn(doc).find((r) => r.range.start === line);
      if (!c) return false;
      const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
      const replacement = resolvedLines(splitLines(doc.getText()), c, choice);
      const end = c.range.end < doc.lineCount ? new vscode.Position(c.range.end, 0) : doc.lineAt(doc.lineCount - 1).range.end;
      const text = replacement.length ? replacement.join(eol) + (c.range.end < doc.lineCount ? eol : '') : '';
      const range = new vscode.Range(new vscode.Position(c.range.start, 0), end);
      const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
      this.tracker.noteResolved(uri);
      if (!editor) {
        const edit = new vscode.WorkspaceEdit();
        edit.replace(uri, range, text);
        return vscode.workspace.applyEdit(edit);
      }
      if (await editor.edit((b) => b.replace(range, text))) return true;
    }
    return false;
  }

  async compare(uri: vscode.Uri, line: number): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(uri);
    const c = this.tracker.regionsIn(doc).find((r) => r.range.start === line);
    if (!c) return;
    const lines = splitLines(doc.getText());
    const side = (label: string, r: { start: number; end: number }) => {
      const u = vscode.Uri.from({ scheme: CONFLICT_SIDE_SCHEME, path: uri.path, query: `${label}@${line}` });
      this.sides.set(u.toString(), lines.slice(r.start, r.end).join('\n') + '\n');
      return u;
    };
    const name = path.basename(uri.fsPath);
    await vscode.commands.executeCommand('vscode.diff', side(c.oursLabel, c.ours), side(c.theirsLabel, c.theirs), `${name}:${line + 1} — ${c.oursLabel} ↔ ${c.theirsLabel}`);
  }

  private async open(uri: vscode.Uri, line: number): Promise<void> {
    const pos = new vscode.Position(line, 0);
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos) });
  }

  private decorateAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const regions = this.tracker.regionsIn(editor.document);
      const lines = (start: number, end: number) => (end > start ? [new vscode.Range(start, 0, end - 1, 0)] : []);
      editor.setDecorations(this.oursHeader, regions.map((c) => new vscode.Range(c.markers.start, 0, c.markers.start, 0)));
      editor.setDecorations(this.oursBody, regions.flatMap((c) => lines(c.ours.start, c.ours.end)));
      editor.setDecorations(this.theirsHeader, regions.map((c) => new vscode.Range(c.markers.end, 0, c.markers.end, 0)));
      editor.setDecorations(this.theirsBody, regions.flatMap((c) => lines(c.theirs.start, c.theirs.end)));
    }
  }
}

function decoration(color: string, header: boolean): vscode.TextEditorDecorationType {
  return vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor(color),
    ...(header && { fontWeight: 'bold' }),
    overviewRulerColor: new vscode.ThemeColor(color),
    overviewRulerLane: vscode.OverviewRulerLane.Full,
  });
}
