// The plan graph: one webview panel per task file, fed from the task file's analysis
// (so it follows the user's typing) and, during a run, with task statuses and the
// measured speedup. Script and styles come from media/ under a nonce CSP; nothing is
// posted before the webview says it is ready.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../core';
import type { TaskStatus } from '../core';
import { Commands, WebviewTypes } from './ids';
import { parseWebviewMessage, type HostToWebview, type MeasuredSpeedup } from './planProtocol';
import { buildPlanViewModel, toProblemView } from './planViewModel';
import type { AnalysedTaskFile, TaskFiles } from './taskFiles';

export class PlanPanels extends Disposable {
  private readonly panels = new Map<string, PlanPanel>();
  private readonly _onDidChangePanels = this._register(new Emitter<void>());
  readonly onDidChangePanels = this._onDidChangePanels.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly taskFiles: TaskFiles,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(taskFiles.onDidAnalyse((a) => this.panels.get(a.uri.toString())?.showAnalysis(a)));
    this._register(
      vscode.window.registerWebviewPanelSerializer(WebviewTypes.plan, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const uri = typeof (state as { uri?: unknown })?.uri === 'string' ? vscode.Uri.parse((state as { uri: string }).uri) : undefined;
          if (!uri) {
            panel.dispose();
            return;
          }
          this.adopt(uri, panel);
        },
      }),
    );
    this._register({ dispose: () => [...this.panels.values()].forEach((p) => p.dispose()) });
  }

  async show(taskFile: vscode.Uri): Promise<PlanPanel> {
    const key = taskFile.toString();
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(WebviewTypes.plan, titleFor(taskFile), vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    return this.adopt(taskFile, panel);
  }

  get(taskFile: vscode.Uri): PlanPanel | undefined {
    return this.panels.get(taskFile.toString());
  }

  /** Live run state for every open panel of that task file. */
  postStatus(taskFile: vscode.Uri, tasks: Readonly<Record<string, TaskStatus>>): void {
    this.panels.get(taskFile.toString())?.post({ type: 'status', tasks });
  }

  postMeasured(taskFile: vscode.Uri, measured: MeasuredSpeedup | null): void {
    this.panels.get(taskFile.toString())?.post({ type: 'measured', measured });
  }

  private adopt(taskFile: vscode.Uri, webviewPanel: vscode.WebviewPanel): PlanPanel {
    const key = taskFile.toString();
    webviewPanel.webview.options = webviewOptions(this.extensionUri);
    const panel = new PlanPanel(webviewPanel, taskFile, this.extensionUri, this.log);
    this.panels.set(key, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
      this._onDidChangePanels.fire();
    });
    this._onDidChangePanels.fire();
    void this.taskFiles
      .analyseUri(taskFile)
      .then((a) => panel.showAnalysis(a))
      .catch((e) => panel.post({ type: 'invalid', file: vscode.workspace.asRelativePath(taskFile, false), problems: [{ severity: 'error', message: `cannot read the task file: ${String(e)}`, line: 1, column: 1 }] }));
    return panel;
  }
}

function titleFor(uri: vscode.Uri): string {
  return `Plan: ${vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1)}`;
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class PlanPanel extends Disposable {
  private readonly _onDidDispose = this._register(new Emitter<void>());
  readonly onDidDispose = this._onDidDispose.event;
  private ready = false;
  /** The latest message of each type: what a (re)loaded webview needs to catch up. */
  private readonly latest = new Map<HostToWebview['type'], HostToWebview>();
  private analysis: AnalysedTaskFile | undefined;
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly taskFile: vscode.Uri,
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'parallel-agents.svg');
    panel.webview.html = renderHtml(panel.webview, extensionUri, taskFile);
    this._register(panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    this._register(
      panel.onDidDispose(() => {
        this.disposed = true;
        this._onDidDispose.fire();
        this.dispose();
      }),
    );
  }

  /** True once the webview has said it is ready (tests wait on this). */
  get isReady(): boolean {
    return this.ready;
  }

  /** The last plan the panel was sent (tests read it). */
  get lastMessage(): HostToWebview | undefined {
    return this.latest.get('plan') ?? this.latest.get('invalid');
  }

  reveal(): void {
    this.panel.reveal();
  }

  showAnalysis(a: AnalysedTaskFile): void {
    this.analysis = a;
    const file = vscode.workspace.asRelativePath(a.uri, false);
    const { taskFile, plan, problems } = a.analysis;
    if (taskFile && plan) {
      this.latest.delete('invalid');
      this.post({ type: 'plan', plan: buildPlanViewModel(file, taskFile, plan, problems) });
    } else {
      this.latest.delete('plan');
      this.post({ type: 'invalid', file, problems: problems.map(toProblemView) });
    }
  }

  post(message: HostToWebview): void {
    this.latest.set(message.type, message);
    if (this.ready && !this.disposed) void this.panel.webview.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    const m = parseWebviewMessage(raw);
    if (!m) {
      this.log.warn(`plan view: ignored a malformed message`);
      return;
    }
    switch (m.type) {
      case 'ready':
        this.ready = true;
        for (const type of ['plan', 'invalid', 'status', 'measured'] as const) {
          const msg = this.latest.get(type);
          if (msg) void this.panel.webview.postMessage(msg);
        }
        break;
      case 'openTask': {
        const t = this.analysis?.analysis.taskFile?.tasks.find((x) => x.id === m.taskId);
        if (t) void this.openAt(t.line, t.column);
        break;
      }
      case 'openProblem':
        void this.openAt(m.line, m.column);
        break;
      case 'runTask':
        void vscode.commands.executeCommand(Commands.runTask, m.taskId, this.taskFile);
        break;
    }
  }

  private async openAt(line: number, column: number): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(this.taskFile);
    const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(pos, pos) });
  }
}

function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri, taskFile: vscode.Uri): string {
  const nonce = makeNonce();
  const media = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', f)).toString();
  const csp = [
    `default-src 'none'`,
    `img-src ${webview.cspSource}`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const state = escapeAttr(JSON.stringify({ uri: taskFile.toString() }));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media('plan.css')}">
<title>Plan</title>
</head>
<body data-state="${state}">
<header id="summary" class="summary" aria-live="polite"><p class="muted">Reading the task file…</p></header>
<main>
  <div id="graph" class="graph" role="img" aria-label="Task dependency graph"></div>
  <section id="problems" class="problems" hidden></section>
  <p class="legend"><span class="swatch critical"></span> critical path · columns are waves: a wave's tasks can run at the same time once the waves to their left are done · click a task to open it</p>
</main>
<script nonce="${nonce}" src="${media('plan.js')}"></script>
</body>
</html>`;
}

function makeNonce(): string {
  return randomBytes(16).toString('hex');
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
