// Pruning old runs (contract C4's pruneRuns) from VS Code: "Prune Old Runs…" asks what to
// keep, shows what would go, and prunes after a modal confirmation; and, with the
// `parallelAgents.keepRuns` setting (default 20), the runs beyond the newest N are pruned
// after each run and apply. pruneRuns itself never prunes a running run, nor (without
// force, which VS Code never passes) one with results that were never applied.
import * as vscode from 'vscode';
import { Disposable } from '../core';
import type { Configuration } from './configuration';
import { pruneConfirmation, prunedMessage, type PruneOutcome } from './pruneMessages';
import { loadGit, RunError, type RunService } from './runService';

export interface PruneChoice {
  readonly keep?: number;
  readonly olderThanMs?: number;
}

const DAY = 86_400_000;

export class RunPruner extends Disposable {
  constructor(
    private readonly runs: RunService,
    private readonly config: Configuration,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(runs.onDidFinish(() => this.autoPrune()));
    this._register(runs.onDidApply(() => this.autoPrune()));
  }

  /** Prunes in every workspace repository, in turn with this window's applies and undos. */
  prune(choice: PruneChoice & { readonly dryRun?: boolean }): Promise<PruneOutcome> {
    return this.runs.exclusive(async () => {
      const g = await loadGit();
      const pruned: string[] = [];
      const kept: Array<{ runId: string; reason: string }> = [];
      for (const repo of await this.runs.workspaceRepos()) {
        let r: PruneOutcome;
        try {
          r = await g.pruneRuns(repo, choice);
        } catch (e) {
          if (e instanceof g.GitError) throw new RunError(e.message);
          throw e;
        }
        pruned.push(...r.pruned);
        kept.push(...r.kept);
      }
      if (!choice.dryRun && pruned.length) {
        this.runs.forget(pruned);
        await this.runs.refreshHistory();
      }
      return { pruned, kept };
    });
  }

  /** The command: what to keep, what would go, a modal confirmation, then the prune. */
  async pruneWithPrompt(): Promise<PruneOutcome | undefined> {
    const keepRuns = this.config.read().keepRuns || 20;
    const picks: Array<vscode.QuickPickItem & { choice: PruneChoice }> = [
      { label: `Keep the newest ${keepRuns}`, description: 'the keepRuns setting', choice: { keep: keepRuns } },
      { label: 'Keep the newest 5', choice: { keep: 5 } },
      { label: 'Keep the last 7 days', description: 'prune runs started more than a week ago', choice: { olderThanMs: 7 * DAY } },
      { label: 'Keep only what must stay', description: 'runs with results never applied, running ones', choice: {} },
    ];
    const pick = await vscode.window.showQuickPick(picks, {
      title: 'Parallel Agents: Prune Old Runs',
      placeHolder: 'Which runs to keep (a run with results never applied is always kept)',
    });
    if (!pick) return undefined;
    try {
      const dry = await this.prune({ ...pick.choice, dryRun: true });
      if (!dry.pruned.length) {
        void vscode.window.showInformationMessage(prunedMessage(dry));
        return dry;
      }
      const { message, detail } = pruneConfirmation(dry);
      const go = 'Prune';
      if ((await vscode.window.showWarningMessage(message, { modal: true, detail }, go)) !== go) return undefined;
      const done = await this.prune(pick.choice);
      this.log.info(`pruned ${done.pruned.length} runs: ${done.pruned.join(', ') || 'none'}`);
      void vscode.window.showInformationMessage(prunedMessage(done));
      return done;
    } catch (e) {
      void vscode.window.showErrorMessage(`Parallel Agents: Cannot prune: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /**
   * keepRuns after a run or an apply: quiet (the log says what went). A dry run first, which
   * takes no lock: the real prune (which does) only when something can go.
   */
  private autoPrune(): void {
    const keep = this.config.read().keepRuns;
    if (!keep || !vscode.workspace.isTrusted || this.runs.isRunning) return;
    this.prune({ keep, dryRun: true }).then((dry) => (dry.pruned.length ? this.prune({ keep }) : dry)).then(
      (r) => r.pruned.length && this.log.info(`keepRuns ${keep}: pruned ${r.pruned.length} old runs (${r.pruned.join(', ')})`),
      (e) => this.log.warn(`keepRuns ${keep}: could not prune old runs: ${e instanceof Error ? e.message : String(e)}`),
    );
  }
}
