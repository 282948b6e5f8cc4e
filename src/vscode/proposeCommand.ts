// Plan Tasks from a Goal…: the goal from an input box, the planner (engine/propose.ts) under a
// cancellable progress notification that shows each round, then the review: the proposal as a
// diff against the current task file (or an empty one), the plan graph of the proposal beside
// it, and Save / Save and Run / Discard. Nothing is written before Save, and Save keeps the
// file it replaces as a backup (engine/proposeWrite.ts).
import * as vscode from 'vscode';
import { Disposable } from '../core';
import { formatSpeedup } from './format';
import type { ApiKeyStore } from './apiKeyStore';
import { Commands } from './ids';
import type { PlanPanels } from './planPanel';
import { ProposalDocuments } from './proposeDocuments';
import type { RunService } from './runService';
import type { TaskFiles } from './taskFiles';

type EngineModule = typeof import('../engine/index.js');
type ProposeResult = Awaited<ReturnType<EngineModule['proposeTasks']>>;
const loadEngine = (): Promise<EngineModule> => import('../engine/index.js');

/** The demo server has a planner script for this goal (test/fake-anthropic/plannerScript.ts). */
const DEMO_GOAL = 'add unit tests, update the API docs, run the linter and add a changelog entry';

export interface ProposeServices {
  readonly log: vscode.LogOutputChannel;
  readonly taskFiles: TaskFiles;
  readonly apiKeys: ApiKeyStore;
  readonly planPanels: PlanPanels;
  readonly runs: RunService;
}

/** Arguments for scripted callers (tests): skip the input box and the folder pick. */
export interface ProposeArgs {
  readonly goal?: string;
  readonly folder?: vscode.Uri;
}

export type ReviewChoice = 'Save' | 'Save and Run' | 'Discard';

export class ProposeCommand extends Disposable {
  private readonly documents = this._register(new ProposalDocuments());

  constructor(private readonly s: ProposeServices) {
    super();
  }

  async run(args: ProposeArgs = {}): Promise<ProposalReview | undefined> {
    const folder = await this.pickFolder(args.folder);
    if (!folder) return undefined;
    const goal = args.goal ?? (await this.askGoal());
    if (!goal?.trim()) return undefined;
    const key = this.s.runs.demo ? { key: this.s.runs.demo.apiKey } : await this.s.apiKeys.get();
    if (!key) {
      const set = 'Set API Key';
      void vscode.window
        .showWarningMessage('Parallel Agents: the planner is an agent and needs an Anthropic API key.', set)
        .then((pick) => pick === set && vscode.commands.executeCommand(Commands.setApiKey));
      return undefined;
    }
    const engine = await loadEngine();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Parallel Agents: planning “${goal.trim()}”`, cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        try {
          progress.report({ message: 'the planner is reading the workspace…' });
          return await engine.proposeTasks({
            workspace: folder.uri.fsPath,
            goal,
            signal: ac.signal,
            apiKey: key.key,
            ...(this.s.runs.demo && { baseURL: this.s.runs.demo.baseURL }),
            onRound: (r) =>
              progress.report({
                message: `proposal ${r.round}: ${r.valid ? (r.warnings.length ? `valid, ${r.warnings.length} warning(s)` : 'valid') : `${r.errors.length} error(s), sent back to the planner`}`,
              }),
          });
        } catch (e) {
          if (e instanceof engine.ProposeSetupError) {
            void vscode.window.showErrorMessage(`Parallel Agents: ${e.message}`);
            return undefined;
          }
          throw e;
        } finally {
          sub.dispose();
        }
      },
    );
    if (!result) return undefined;
    this.s.log.info(`planner: ${result.status} after ${result.rounds.length} proposal(s): ${result.rounds.map((r) => `${r.round}:${r.valid ? 'valid' : 'invalid'}(${[...r.errors, ...r.warnings].map((f) => f.code ?? 'parse').join(',')})`).join(' ')}`);
    if (result.status === 'cancelled') {
      void vscode.window.showInformationMessage('Parallel Agents: planning cancelled; nothing was written.');
      return undefined;
    }
    if (result.status === 'failed' || result.yaml === undefined) {
      void vscode.window.showErrorMessage(`Parallel Agents: ${result.error ?? 'the planner failed'}`);
      return undefined;
    }
    const review = new ProposalReview(this.s, this.documents, folder, result);
    await review.show();
    return review;
  }

  private async askGoal(): Promise<string | undefined> {
    return vscode.window.showInputBox({
      title: 'Parallel Agents: Plan Tasks from a Goal',
      prompt: 'What should the agents achieve? A planner agent reads the workspace and proposes a task file; you review it before anything runs.',
      placeHolder: `e.g. ${DEMO_GOAL}`,
      ...(this.s.runs.demo && { value: DEMO_GOAL }),
      ignoreFocusOut: true,
    });
  }

  private async pickFolder(uri?: vscode.Uri): Promise<vscode.WorkspaceFolder | undefined> {
    if (uri) return vscode.workspace.getWorkspaceFolder(uri);
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length <= 1) {
      if (!folders.length) void vscode.window.showWarningMessage('Parallel Agents: open a folder first; the planner proposes a task file for it.');
      return folders[0];
    }
    return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder to plan tasks for' });
  }
}

/** One proposal under review: the diff, the plan panel, and the three ways out. */
export class ProposalReview {
  readonly proposalUri: vscode.Uri;
  private empty: vscode.Uri | undefined;
  private finished = false;

  constructor(
    private readonly s: ProposeServices,
    private readonly documents: ProposalDocuments,
    readonly folder: vscode.WorkspaceFolder,
    readonly result: ProposeResult,
  ) {
    this.proposalUri = documents.add(folder, result.taskFilePath, result.yaml ?? '');
  }

  get taskFileUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.folder.uri, this.result.taskFilePath);
  }

  async show(): Promise<void> {
    const current = this.result.replaces !== undefined ? vscode.Uri.joinPath(this.folder.uri, this.result.replaces) : undefined;
    const left = current ?? (this.empty = this.documents.add(this.folder, this.result.taskFilePath, '', 'empty'));
    const title = `${this.result.taskFilePath}: ${current ? 'current' : 'none yet'} ↔ proposed for “${shorten(this.result.goal)}”`;
    await vscode.commands.executeCommand('vscode.diff', left, this.proposalUri, title, { viewColumn: vscode.ViewColumn.One, preview: false });
    await this.s.planPanels.show(this.proposalUri, vscode.ViewColumn.Beside);
    void vscode.window.showInformationMessage(summary(this.result), 'Save', 'Save and Run', 'Discard').then((pick) => pick && this.choose(pick as ReviewChoice));
  }

  /** What a button does; also the entry point for tests. */
  async choose(choice: ReviewChoice): Promise<void> {
    if (this.finished) return;
    if (choice === 'Discard') return this.close();
    const engine = await loadEngine();
    const written = await engine.writeProposal(this.folder.uri.fsPath, this.result);
    await this.close();
    await this.s.taskFiles.refreshPresence();
    await vscode.window.showTextDocument(this.taskFileUri, { preview: false });
    const kept = written.backups.map((b) => `${b.replaced} is kept as ${b.backup}`).join('; ');
    this.s.log.info(`saved the proposal as ${written.path}${kept ? ` (${kept})` : ''}`);
    if (choice === 'Save and Run') {
      await vscode.commands.executeCommand(Commands.runTasks);
    } else {
      void vscode.window.showInformationMessage(`Parallel Agents: saved ${written.path}${kept ? `; ${kept}` : ''}.`);
    }
  }

  private async close(): Promise<void> {
    this.finished = true;
    this.s.planPanels.get(this.proposalUri)?.dispose();
    const ours = (u: unknown) => u instanceof vscode.Uri && u.toString() === this.proposalUri.toString();
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && ours(t.input.modified));
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
    this.documents.remove(this.proposalUri);
    if (this.empty) this.documents.remove(this.empty);
  }
}

function shorten(s: string, n = 60): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function summary(r: ProposeResult): string {
  const plan = r.plan;
  const tasks = plan?.tasks.length ?? 0;
  const parts = [
    `Parallel Agents: proposed ${tasks} task${tasks === 1 ? '' : 's'}`,
    plan ? `${plan.waves.length} wave${plan.waves.length === 1 ? '' : 's'}, expected speedup ${formatSpeedup(plan.expectedSpeedup)}` : '',
    `after ${r.rounds.length} proposal${r.rounds.length === 1 ? '' : 's'}`,
    r.warnings.length ? `${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'} left (see the plan)` : 'no problems found',
  ].filter(Boolean);
  const replaces = r.replaces ? ` Saving replaces ${r.replaces} (kept as a backup).` : '';
  return `${parts.join(', ')}. Review the diff and the plan.${replaces}`;
}
