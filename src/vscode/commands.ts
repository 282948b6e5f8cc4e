// The general command handlers: the task file, the plan, the API key, the log. Each is
// small and delegates to the service that owns the work. The run commands are in
// runCommands.ts, Accept/Discard of violations in violationCommands.ts; app.ts builds all three.
import * as vscode from 'vscode';
import { Disposable } from '../core';
import { validateApiKeyInput } from './apiKeyStore';
import type { CommandServices } from './commandServices';
import { CommandTitles as T, Commands, Settings } from './ids';
import { chooseLmModel, describeLmModel } from './lmModels';
import { ProposeCommand, type ProposeArgs } from './proposeCommand';
import { taskFileTemplateFor } from './taskFileTemplate';
import { trusted } from './workspaceTrust';

export class CommandHandlers extends Disposable {
  constructor(private readonly s: CommandServices) {
    super();
    const reg = (id: string, fn: (...args: never[]) => unknown) => this._register(vscode.commands.registerCommand(id, fn));
    reg(Commands.createTaskFile, (folder?: vscode.WorkspaceFolder | vscode.Uri) => this.createTaskFile(folder));
    reg(Commands.showPlan, (uri?: vscode.Uri) => this.showPlan(uri));
    reg(Commands.setApiKey, () => this.setApiKey());
    reg(Commands.clearApiKey, () => this.clearApiKey());
    reg(Commands.showLog, () => this.s.log.show(true));
    reg(Commands.chooseVscodeModel, () => this.chooseVscodeModel());
    reg(Commands.openTaskFile, (uri?: vscode.Uri) => this.openTaskFile(uri));
    const propose = this._register(new ProposeCommand(s));
    reg(Commands.proposeTasks, trusted(T[Commands.proposeTasks], (a?: ProposeArgs) => propose.run(a)));
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

  async chooseVscodeModel(): Promise<void> {
    const current = vscode.workspace.getConfiguration(Settings.section).get<string>(Settings.vscodeModel);
    const model = await chooseLmModel(current);
    if (model) void vscode.window.showInformationMessage(`Parallel Agents: agent tasks now run on VS Code's model ${describeLmModel(model)}, on its provider's terms (cost is not shown).`);
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
