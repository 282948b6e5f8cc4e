// The composition root: builds every service once, wires them, and is the one
// disposable activate() pushes.
import * as vscode from 'vscode';
import { Disposable } from '../core';
import { AgentsTreeProvider } from './agentsTree';
import { ApiKeyStore } from './apiKeyStore';
import { CommandHandlers } from './commands';
import { Configuration } from './configuration';
import { ConflictCodeLens, ConflictEditing, ConflictsTreeProvider, ConflictTracker } from './conflicts';
import { GitObjectProvider } from './gitObjectProvider';
import { ContextKeys, OUTPUT_CHANNEL_NAME, Views } from './ids';
import { PlanPanels } from './planPanel';
import { runFinishedMessage } from './runMessages';
import { runCounts } from './runSnapshot';
import { RunService, type RunFinished } from './runService';
import { AgentsStatusBar } from './statusBar';
import { TaskCodeLensProvider } from './taskCodeLens';
import { TaskFileDiagnostics } from './taskFileDiagnostics';
import { TaskFiles } from './taskFiles';
import { TranscriptView } from './transcriptView';
import { ViolationReview } from './violations';
import { RunPruner } from './runPruning';

/** What activate() returns: read-only handles for the extension-host tests. */
export interface ParallelAgentsApi {
  readonly planPanels: PlanPanels;
  readonly statusBar: AgentsStatusBar;
  readonly diagnostics: TaskFileDiagnostics;
  readonly runs: RunService;
  readonly conflicts: ConflictTracker;
  readonly agentsTree: AgentsTreeProvider;
  readonly violations: ViolationReview;
  readonly conflictsTree: ConflictsTreeProvider;
  readonly pruner: RunPruner;
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
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
    ];
    this._register(vscode.languages.registerCodeLensProvider(taskFileSelector, this._register(new TaskCodeLensProvider(taskFiles))));

    const planPanels = this._register(new PlanPanels(context.extensionUri, taskFiles, log));
    const runs = this._register(new RunService(config, taskFiles, apiKeys, log));
    this._register(new GitObjectProvider(runs));
    const conflicts = this._register(new ConflictTracker(runs));
    this._register(new ConflictEditing(conflicts));
    this._register(vscode.languages.registerCodeLensProvider({ scheme: 'file' }, this._register(new ConflictCodeLens(conflicts))));

    const agentsTree = this._register(new AgentsTreeProvider(runs));
    this._register(vscode.window.createTreeView(Views.agents, { treeDataProvider: agentsTree, showCollapseAll: true }));
    const violations = this._register(new ViolationReview(runs, context.workspaceState, config));
    const conflictsTree = this._register(new ConflictsTreeProvider(conflicts, violations, runs));
    this._register(vscode.window.createTreeView(Views.conflicts, { treeDataProvider: conflictsTree }));
    const statusBar = this._register(new AgentsStatusBar(runs.demo !== undefined));
    const transcripts = this._register(new TranscriptView(runs));
    const pruner = this._register(new RunPruner(runs, config, log));
    const commands = this._register(new CommandHandlers({ log, taskFiles, apiKeys, planPanels, runs, conflicts, transcripts, violations, pruner }));

    let wasRunning = false;
    let hadRuns = false;
    const updateCounts = () => {
      const all = runs.runs();
      statusBar.update({ ...runCounts(all), conflicts: conflicts.count });
      if (runs.isRunning !== wasRunning) {
        wasRunning = runs.isRunning;
        void vscode.commands.executeCommand('setContext', ContextKeys.running, wasRunning);
      }
      if (all.length > 0 !== hadRuns) {
        hadRuns = all.length > 0;
        void vscode.commands.executeCommand('setContext', ContextKeys.hasRuns, hadRuns);
      }
    };
    this._register(runs.onDidChange(updateCounts));
    this._register(conflicts.onDidChange(updateCounts));
    this._register(runs.onDidChangeStatuses((s) => planPanels.postStatus(s.taskFile, s.tasks)));
    this._register(
      runs.onDidFinish((f) => {
        planPanels.postMeasured(f.taskFile, f.measured ?? null);
        notifyFinished(f, commands, runs.demo !== undefined);
      }),
    );

    void vscode.commands.executeCommand('setContext', ContextKeys.demo, runs.demo !== undefined);
    void taskFiles.refreshPresence();
    void apiKeys.refreshContext();
    void runs.refreshHistory().catch((e) => log.warn(`could not read past runs: ${String(e)}`));
    log.info(`activated (VS Code ${vscode.version}, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted: runs disabled'})`);
    this.api = { planPanels, statusBar, diagnostics, runs, conflicts, agentsTree, violations, conflictsTree, pruner };
  }
}

/** The end of a run: what happened, and the two next steps (review, apply). */
function notifyFinished(f: RunFinished, commands: CommandHandlers, demo: boolean): void {
  const canApply = f.run.tasks.some((t) => t.status === 'succeeded' && t.resultCommit);
  const actions = canApply ? ['Review', 'Apply'] : ['Review'];
  const show = f.run.status === 'succeeded' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  void show(runFinishedMessage(f.run, f.measured, demo), ...actions).then((pick) => {
    if (pick === 'Review') void commands.runCmds.reviewRun(f.run);
    if (pick === 'Apply') void commands.runCmds.apply({ type: 'run', run: f.run });
  });
}
