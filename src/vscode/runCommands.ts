// The run commands: start (all, selected, one), cancel, retry, review changes and
// transcripts, apply, undo. Arguments come from tree items (AgentsNode), the task file's
// CodeLens (task id + file) or nothing (the palette: pick from what makes sense).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgentsNode } from './agentsTree';
import type { CommandServices } from './commands';
import { gitObjectUri } from './gitObjectProvider';
import { Commands, focusViewCommand, Views } from './ids';
import { RunError, type RunApplied } from './runService';
import type { RunSnapshot, TaskSnapshot } from './runSnapshot';

export class RunCommands {
  constructor(private readonly s: CommandServices) {}

  async runTasks(): Promise<RunSnapshot | undefined> {
    return this.start({});
  }

  async runSelected(): Promise<RunSnapshot | undefined> {
    const uri = await this.s.taskFiles.current();
    if (!uri) return this.start({});
    const { analysis } = await this.s.taskFiles.analyseUri(uri);
    if (!analysis.taskFile) return this.start({ taskFile: uri });
    const picks = await vscode.window.showQuickPick(
      analysis.taskFile.tasks.map((t) => ({
        label: t.id,
        description: t.title ?? '',
        detail: `${t.kind}${t.dependsOn.length ? ` · after ${t.dependsOn.join(', ')} (run too)` : ''} · owns ${t.owns.join(', ')}`,
        picked: false,
      })),
      { canPickMany: true, title: 'Parallel Agents: Run Selected Tasks', placeHolder: 'Tasks to run (what they depend on runs too)' },
    );
    if (!picks?.length) return undefined;
    return this.start({ only: picks.map((p) => p.label), taskFile: uri });
  }

  async runOne(taskId?: string, uri?: vscode.Uri): Promise<RunSnapshot | undefined> {
    if (!taskId) return this.runSelected();
    return this.start({ only: [taskId], ...(uri instanceof vscode.Uri && { taskFile: uri }) });
  }

  private async start(options: { only?: string[]; taskFile?: vscode.Uri }): Promise<RunSnapshot | undefined> {
    try {
      const run = await this.s.runs.start(options);
      void vscode.commands.executeCommand(focusViewCommand(Views.agents));
      return run;
    } catch (e) {
      this.report('Cannot start the run', e);
      return undefined;
    }
  }

  async cancelTask(n?: AgentsNode): Promise<boolean> {
    const target = n?.type === 'task' ? n : await this.pickTask((t) => t.status === 'running' || t.status === 'queued', 'Task to cancel', true);
    if (!target) return false;
    return this.s.runs.cancelTask(target.run.runId, target.task.id);
  }

  async cancelRun(n?: AgentsNode): Promise<boolean> {
    const run = n ? n.run : this.s.runs.runs().find((r) => r.live && r.status === 'running');
    if (!run) {
      void vscode.window.showInformationMessage('Parallel Agents: no run is in progress.');
      return false;
    }
    return this.s.runs.cancelRun(run.runId);
  }

  async retry(n?: AgentsNode): Promise<boolean> {
    const target = n?.type === 'task' ? n : await this.pickTask((t) => t.status === 'failed' || t.status === 'cancelled', 'Task to retry', true);
    if (!target) return false;
    try {
      return this.s.runs.retry(target.run.runId, target.task.id);
    } catch (e) {
      this.report('Cannot retry', e);
      return false;
    }
  }

  /** A file: its diff. A task (or the palette): every file it changed, in the multi-diff editor. */
  async openChanges(n?: AgentsNode): Promise<void> {
    const target = n && n.type !== 'run' ? n : await this.pickTask((t) => (t.changed?.length ?? 0) > 0, 'Task whose changes to open');
    if (!target) return;
    const { run, task } = target;
    if (!task.baseCommit || !task.resultCommit) {
      void vscode.window.showInformationMessage(`Parallel Agents: task "${task.id}" has no result to compare (${task.status}).`);
      return;
    }
    const pair = (p: string) => [vscode.Uri.file(path.join(run.repoRoot, p)), gitObjectUri(run.repoRoot, task.baseCommit as string, p), gitObjectUri(run.repoRoot, task.resultCommit as string, p)] as const;
    if (n?.type === 'file') {
      const [, left, right] = pair(n.path);
      await vscode.commands.executeCommand('vscode.diff', left, right, `${path.posix.basename(n.path)} (${task.id}: base ↔ result)`, { preview: true });
      return;
    }
    const files = task.changed ?? [];
    if (!files.length) {
      void vscode.window.showInformationMessage(`Parallel Agents: task "${task.id}" changed no file.`);
      return;
    }
    await vscode.commands.executeCommand('vscode.changes', `Changes of ${task.id} (run ${run.runId})`, files.map(pair));
  }

  /** Every task's changes of a run in one multi-diff editor (the end-of-run "Review"). */
  async reviewRun(run: RunSnapshot): Promise<void> {
    const entries = run.tasks.flatMap((t) =>
      t.baseCommit && t.resultCommit
        ? (t.changed ?? []).map((p) => [vscode.Uri.file(path.join(run.repoRoot, p)), gitObjectUri(run.repoRoot, t.baseCommit as string, p), gitObjectUri(run.repoRoot, t.resultCommit as string, p)])
        : [],
    );
    if (!entries.length) {
      void vscode.window.showInformationMessage(`Parallel Agents: run ${run.runId} changed no file.`);
      return;
    }
    await vscode.commands.executeCommand('vscode.changes', `Run ${run.runId}: ${entries.length} changed file${entries.length === 1 ? '' : 's'}`, entries);
  }

  async openTranscript(n?: AgentsNode): Promise<void> {
    const target = n && n.type !== 'run' ? n : await this.pickTask((t) => t.status !== 'queued', 'Task whose transcript to open');
    if (!target) return;
    try {
      const uri = await this.s.runs.transcriptUri(target.run.runId, target.task.id);
      await vscode.workspace.fs.stat(uri);
      await vscode.window.showTextDocument(uri, { preview: true });
    } catch {
      void vscode.window.showInformationMessage(`Parallel Agents: task "${target.task.id}" has no transcript yet.`);
    }
  }

  async apply(n?: AgentsNode, taskOnly = false): Promise<RunApplied | undefined> {
    let run = n?.run;
    let only: string[] | undefined;
    if (taskOnly) {
      const target = n?.type === 'task' ? n : await this.pickTask((t) => t.status === 'succeeded', 'Task to apply');
      if (!target) return undefined;
      run = target.run;
      only = [target.task.id];
    }
    run ??= await this.pickRun((r) => r.status !== 'running' && r.tasks.some((t) => t.status === 'succeeded'), 'Run to apply');
    if (!run) return undefined;
    try {
      const applied = await this.s.runs.apply(run.runId, only);
      this.reportApply(applied);
      return applied;
    } catch (e) {
      this.report('Cannot apply', e);
      return undefined;
    }
  }

  async undo(n?: AgentsNode): Promise<boolean> {
    const run = n?.run ?? (await this.pickRun((r) => r.applied !== undefined && !r.applied.undone, 'Run whose apply to undo'));
    if (!run) return false;
    try {
      const r = await this.s.runs.undo(run.runId);
      void vscode.window.showInformationMessage(`Parallel Agents: undid the apply of run ${run.runId}: ${r.restored.length} file${r.restored.length === 1 ? '' : 's'} restored, ${r.removed.length} removed.`);
      return true;
    } catch (e) {
      this.report('Cannot undo', e);
      return false;
    }
  }

  private reportApply(a: RunApplied): void {
    const r = a.result;
    const parts = [`${r.applied.length} file${r.applied.length === 1 ? '' : 's'} written`];
    if (r.merged.length) parts.push(`${r.merged.length} merged with your edits`);
    if (r.skipped.length) parts.push(`${r.skipped.length} skipped (${r.skipped.slice(0, 3).map((x) => `${x.path}: ${x.reason}`).join('; ')})`);
    const conflicts = r.conflicts.length + r.binaryConflicts.length;
    if (conflicts) parts.push(`${conflicts} conflict${conflicts === 1 ? '' : 's'}`);
    const msg = `Parallel Agents: applied run ${a.runId}: ${parts.join(', ')}.`;
    const undo = 'Undo Apply';
    const show = 'Show Conflicts';
    const then = (pick: string | undefined) => {
      if (pick === undo) void vscode.commands.executeCommand(Commands.undoApply, { type: 'run', run: this.s.runs.find(a.runId) });
      if (pick === show) void vscode.commands.executeCommand(focusViewCommand(Views.conflicts));
    };
    if (conflicts) void vscode.window.showWarningMessage(msg, show, undo).then(then);
    else void vscode.window.showInformationMessage(msg, undo).then(then);
  }

  private report(what: string, e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    if (!(e instanceof RunError)) this.s.log.error(`${what}: ${e instanceof Error && e.stack ? e.stack : message}`);
    const actions: string[] = [];
    if (/API key/i.test(message)) actions.push('Set API Key');
    if (/task file has \d+ problem/.test(message)) actions.push('Show Problems');
    void vscode.window.showErrorMessage(`Parallel Agents: ${what}: ${message}`, ...actions).then((pick) => {
      if (pick === 'Set API Key') void vscode.commands.executeCommand(Commands.setApiKey);
      if (pick === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
  }

  private async pickRun(filter: (r: RunSnapshot) => boolean, placeHolder: string): Promise<RunSnapshot | undefined> {
    const runs = this.s.runs.runs().filter(filter);
    if (runs.length <= 1) {
      if (!runs.length) void vscode.window.showInformationMessage(`Parallel Agents: no run fits (${placeHolder.toLowerCase()}).`);
      return runs[0];
    }
    const pick = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: r.runId, description: `${r.status} · ${new Date(r.startedAt).toLocaleString()}`, run: r })),
      { placeHolder },
    );
    return pick?.run;
  }

  private async pickTask(
    filter: (t: TaskSnapshot) => boolean,
    placeHolder: string,
    liveOnly = false,
  ): Promise<{ run: RunSnapshot; task: TaskSnapshot } | undefined> {
    const items = this.s.runs
      .runs()
      .filter((r) => !liveOnly || r.live)
      .flatMap((run) => run.tasks.filter(filter).map((task) => ({ run, task })));
    if (items.length <= 1) {
      if (!items.length) void vscode.window.showInformationMessage(`Parallel Agents: no task fits (${placeHolder.toLowerCase()}).`);
      return items[0];
    }
    const pick = await vscode.window.showQuickPick(
      items.map((x) => ({ label: x.task.id, description: `${x.task.status} · run ${x.run.runId}`, x })),
      { placeHolder },
    );
    return pick?.x;
  }
}
