// The composition root: builds every service once, wires them, and is the one
// disposable activate() pushes.
import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import { AgentsTreeProvider } from './agentsTree';
import { ApiKeyStore } from './apiKeyStore';
import { CommandHandlers } from './commands';
import { Configuration } from './configuration';
import { ConflictsTreeProvider } from './conflictsTree';
import { OUTPUT_CHANNEL_NAME, Views } from './ids';
import { PlanPanels } from './planPanel';
import { AgentsStatusBar } from './statusBar';
import { TaskCodeLensProvider } from './taskCodeLens';
import { TaskFileDiagnostics } from './taskFileDiagnostics';
import { TaskFiles } from './taskFiles';

/** What activate() returns: read-only handles for the extension-host tests. */
export interface ParallelAgentsApi {
  readonly planPanels: PlanPanels;
  readonly statusBar: AgentsStatusBar;
  readonly diagnostics: TaskFileDiagnostics;
}

export class ParallelAgentsApp extends Disposable {
  readonly api: ParallelAgentsApi;

  constructor(context: vscode.ExtensionContext) {
    super();
    const log = this._register(vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true }));
    const config = this._register(new Configuration());
    const apiKeys = this._register(new ApiKeyStore(context.secrets, log));
    const taskFiles = this._register(new TaskFiles(config));
    const diagnostics = this._register(new TaskFileDiagnostics(taskFiles, log));

    const taskFileSelector: vscode.DocumentSelector = [
      { scheme: 'file', pattern: '**/.agents/*.{yaml,yml,json}' },
      { scheme: 'vscode-remote', pattern: '**/.agents/*.{yaml,yml,json}' },
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
    ];
    this._register(vscode.languages.registerCodeLensProvider(taskFileSelector, this._register(new TaskCodeLensProvider(taskFiles))));

    const planPanels = this._register(new PlanPanels(context.extensionUri, taskFiles, log));
    const agents = this._register(new AgentsTreeProvider());
    this._register(vscode.window.createTreeView(Views.agents, { treeDataProvider: agents, showCollapseAll: true }));
    const conflicts = this._register(new ConflictsTreeProvider());
    this._register(vscode.window.createTreeView(Views.conflicts, { treeDataProvider: conflicts }));
    const statusBar = this._register(new AgentsStatusBar());

    this._register(new CommandHandlers({ log, taskFiles, apiKeys, planPanels }));

    void taskFiles.refreshPresence();
    void apiKeys.refreshContext();
    log.info(`activated (VS Code ${vscode.version}, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted: runs disabled'})`);
    this.api = { planPanels, statusBar, diagnostics };
  }
}
