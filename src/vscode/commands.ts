// The command handlers. Each is small and delegates to the service that owns the work;
// the run commands live in runCommands.ts.
import * as vscode from 'vscode';
import { Disposable } from '../core';
import { validateApiKeyInput, type ApiKeyStore } from './apiKeyStore';
import { CommandTitles as T, Commands } from './ids';
import type { PlanPanels } from './planPanel';
import { taskFileTemplateFor } from './taskFileTemplate';
import type { TaskFiles } from './taskFiles';
import type { AgentsNode } from './agentsTree';
import { RunCommands, type AttemptChoice } from './runCommands';
import type { RunService } from './runService';
import type { ConflictTracker } from './conflicts';
import type { TranscriptView } from './transcriptView';
import type { ViolationReview } from './violations';
import type { RunPruner } from './runPruning';
import { ViolationCommands, type ViolationTarget } from './violationCommands';

export interface CommandServices {
  readonly log: vscode.LogOutputChannel;
  readonly taskFiles: TaskFiles;
  readonly apiKeys: ApiKeyStore;
  readonly planPanels: PlanPanels;
  readonly runs: RunService;
  readonly conflicts: ConflictTracker;
  readonly transcripts: TranscriptView;
  readonly violations: ViolationReview;
  readonly pruner: RunPruner;
}

/** Run commands in Restricted Mode: say why nothing happens (not awaited: the message stays). */
function restricted(title: string): 'restricted' {
  const manage = 'Manage Workspace Trust';
  void vscode.window
    .showWarningMessage(
      `Parallel Agents: "${title}" is disabled in Restricted Mode: a run executes the task file's agents and shell commands, which write files in the workspace. Plans and reviews still work.`,
      manage,
    )
    .then((pick) => pick === manage && vscode.commands.executeCommand('workbench.trust.manage'));
  return 'restricted';
}

export class CommandHandlers extends Disposable {
  readonly runCmds: RunCommands;

  constructor(private readonly s: CommandServices) {
    super();
    const reg = (id: string, fn: (...args: never[]) => unknown) => this._register(vscode.commands.registerCommand(id, fn));
    reg(Commands.createTaskFile, (folder?: vscode.WorkspaceFolder | vscode.Uri) => this.createTaskFile(folder));
    reg(Commands.showPlan, (uri?: vscode.Uri) => this.showPlan(uri));
    reg(Commands.setApiKey, () => this.setApiKey());
    reg(Commands.clearApiKey, () => this.clearApiKey());
    reg(Commands.showLog, () => this.s.log.show(true));
    reg(Commands.openTaskFile, (uri?: vscode.Uri) => this.openTaskFile(uri));
    this.runCmds = new RunCommands(s);
    const r = this.runCmds;
    const trusted = <A extends unknown[]>(title: string, fn: (...a: A) => Promise<unknown>) => (...a: A) => (vscode.workspace.isTrusted ? fn(...a) : restricted(title));
    reg(Commands.runTasks, trusted(T[Commands.runTasks], () => r.runTasks()));
    reg(Commands.runSelectedTasks, trusted(T[Commands.runSelectedTasks], () => r.runSelected()));
    reg(Commands.runTask, trusted(T[Commands.runTask], (taskId?: string, uri?: vscode.Uri) => r.runOne(taskId, uri)));
    reg(Commands.cancelTask, (n?: AgentsNode) => r.cancelTask(n));
    reg(Commands.cancelRun, (n?: AgentsNode) => r.cancelRun(n));
    reg(Commands.retryTask, trusted(T[Commands.retryTask], (n?: AgentsNode) => r.retry(n)));
    reg(Commands.openTaskChanges, (n?: AgentsNode) => r.openChanges(n));
    reg(Commands.openTranscript, (n?: AgentsNode) => r.openTranscript(n));
    reg(Commands.openRawTranscript, (n?: AgentsNode | vscode.Uri) => r.openRawTranscript(n));
    reg(Commands.applyRun, trusted(T[Commands.applyRun], (n?: AgentsNode) => r.apply(n)));
    reg(Commands.applyTask, trusted(T[Commands.applyTask], (n?: AgentsNode) => r.apply(n, true)));
    reg(Commands.undoApply, trusted(T[Commands.undoApply], (n?: AgentsNode) => r.undo(n)));
    reg(Commands.chooseAttempt, trusted(T[Commands.chooseAttempt], (n?: AgentsNode | AttemptChoice) => r.chooseAttempt(n)));
    reg(Commands.pruneRuns, trusted(T[Commands.pruneRuns], () => s.pruner.pruneWithPrompt()));
    const v = new ViolationCommands(s, r);
    reg(Commands.acceptViolation, (t?: ViolationTarget) => v.accept(t));
    reg(Commands.discardViolation, (t?: ViolationTarget) => v.discard(t));
  }

  async createTaskFile(arg?: vscode.WorkspaceFolder | vscode.Uri): Promise<vscode.Uri | undefined> {
    const folder = await this.pickFolder(arg);
    if (!folder) return undefined;
    const existing = await this.s.taskFiles.find(folder);
    if (existing) {
      await vscode.window.showTextDocument(existing);
      void vscode.window.showInformationMessage(`${vscode.workspace.asRelativePath(existing, false)} already exists; it is open in the editor.`);
      return existing;
    }
    const target = this.s.taskFiles.defaultLocation(folder);
    const rel = vscode.workspace.asRelativePath(target, false);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(taskFileTemplateFor(rel)));
    this.s.log.info(`created ${target.fsPath} from the four-step template`);
    await this.s.taskFiles.refreshPresence();
    await vscode.window.showTextDocument(target);
    return target;
  }

  async showPlan(uri?: vscode.Uri): Promise<void> {
    const target = uri instanceof vscode.Uri ? uri : await this.s.taskFiles.current();
    if (!target) {
      const create = 'Create Task File';
      void vscode.window
        .showWarningMessage('Parallel Agents: there is no task file to plan (the `parallelAgents.taskFile` setting, default .agents/tasks.yaml, in each workspace folder).', create)
        .then((pick) => pick === create && vscode.commands.executeCommand(Commands.createTaskFile));
      return;
    }
    await this.s.planPanels.show(target);
  }

  async setApiKey(): Promise<void> {
    const key = await vscode.window.showInputBox({
      title: 'Parallel Agents: Anthropic API key',
      prompt: 'Stored in VS Code\'s SecretStorage (the OS keychain), never in settings or logs.',
      placeHolder: 'sk-ant-…',
      password: true,
      ignoreFocusOut: true,
      validateInput: validateApiKeyInput,
    });
    if (key === undefined || !key.trim()) return;
    await this.s.apiKeys.store(key);
    void vscode.window.showInformationMessage('Parallel Agents: API key stored.');
  }

  async clearApiKey(): Promise<void> {
    await this.s.apiKeys.clear();
    const still = await this.s.apiKeys.get();
    void vscode.window.showInformationMessage(
      still?.source === 'environment'
        ? 'Parallel Agents: stored API key removed. ANTHROPIC_API_KEY from the environment is still used.'
        : 'Parallel Agents: stored API key removed.',
    );
  }

  async openTaskFile(uri?: vscode.Uri): Promise<void> {
    const target = uri instanceof vscode.Uri ? uri : await this.s.taskFiles.current();
    if (target) await vscode.window.showTextDocument(target);
    else await vscode.commands.executeCommand(Commands.createTaskFile);
  }

  private async pickFolder(arg?: vscode.WorkspaceFolder | vscode.Uri): Promise<vscode.WorkspaceFolder | undefined> {
    if (arg instanceof vscode.Uri) return vscode.workspace.getWorkspaceFolder(arg);
    if (arg && 'uri' in arg && 'index' in arg) return arg;
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      void vscode.window.showWarningMessage('Parallel Agents: open a folder first; the task file lives in the workspace (.agents/tasks.yaml).');
      return undefined;
    }
    if (folders.length === 1) return folders[0];
    return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder for the task file' });
  }
}
