// The run commands: start (all, selected, one), cancel, retry, review changes and
// transcripts, choose a competitive task's attempt, apply, undo, prune. Arguments come
// from tree items (AgentsNode), the task file's CodeLens (task id + file), other code by
// command id (the end-of-run notification) or nothing (the palette: pick from what makes sense).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../core';
import type { ChooseAttemptResult } from '../engine';
import type { AgentsNode } from './agentsTree';
import type { CommandServices } from './commandServices';
import { gitObjectUri } from './gitObjectProvider';
import { CommandTitles as T, Commands, focusViewCommand, InternalCommands, Views } from './ids';
import { attemptDescription, attemptLabel, formatClock } from './format';
import { applyReport, errorMessage, undoConfirmation, undoneMessage } from './applyMessages';
import { AppliedRunError, RunError, UndoBlockedError, type RunApplied, type UndoDone } from './runService';
import { choosableAttempts, type RunSnapshot, type TaskSnapshot } from './runSnapshot';
import { transcriptRefOf } from './transcriptView';
import { trusted } from './workspaceTrust';

/** Choose Attempt's argument from code (tests, other commands): no quick pick. */
export interface AttemptChoice {
  readonly runId: string;
  readonly taskId: string;
  readonly attempt: number;
}

const isAttemptChoice = (x: unknown): x is AttemptChoice =>
  typeof x === 'object' && x !== null && typeof (x as AttemptChoice).runId === 'string' && typeof (x as AttemptChoice).taskId === 'string' && typeof (x as AttemptChoice).attempt === 'number';

export class RunCommands extends Disposable {
  constructor(private readonly s: CommandServices) {
    super();
    const reg = (id: string, fn: (...args: never[]) => unknown) => this._register(vscode.commands.registerCommand(id, fn));
    reg(Commands.runTasks, trusted(T[Commands.runTasks], () => this.runTasks()));
    reg(Commands.runSelectedTasks, trusted(T[Commands.runSelectedTasks], () => this.runSelected()));
    reg(Commands.runTask, trusted(T[Commands.runTask], (taskId?: string, uri?: vscode.Uri) => this.runOne(taskId, uri)));
    reg(Commands.cancelTask, (n?: AgentsNode) => this.cancelTask(n));
    reg(Commands.cancelRun, (n?: AgentsNode) => this.cancelRun(n));
    reg(Commands.retryTask, trusted(T[Commands.retryTask], (n?: AgentsNode) => this.retry(n)));
    reg(Commands.openTaskChanges, (n?: AgentsNode) => this.openChanges(n));
    reg(Commands.openTranscript, (n?: AgentsNode) => this.openTranscript(n));
    reg(Commands.openRawTranscript, (n?: AgentsNode | vscode.Uri) => this.openRawTranscript(n));
    reg(Commands.applyRun, trusted(T[Commands.applyRun], (n?: AgentsNode) => this.apply(n)));
    reg(Commands.applyTask, trusted(T[Commands.applyTask], (n?: AgentsNode) => this.apply(n, true)));
    reg(Commands.undoApply, trusted(T[Commands.undoApply], (n?: AgentsNode) => this.undo(n)));
    reg(Commands.chooseAttempt, trusted(T[Commands.chooseAttempt], (n?: AgentsNode | AttemptChoice) => this.chooseAttempt(n)));
    reg(Commands.pruneRuns, trusted(T[Commands.pruneRuns], () => s.pruner.pruneWithPrompt()));
    reg(InternalCommands.reviewRun, (run: RunSnapshot) => this.reviewRun(run));
  }

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
    if (n?.type === 'attemptFile') return this.openAttemptChange(n);
    const target = n && 'task' in n ? n : await this.pickTask((t) => (t.changed?.length ?? 0) > 0, 'Task whose changes to open');
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
    await vscode.commands.executeCommand('vscode.changes', `Changes of ${task.id}, run ${run.runId}`, files.map(pair));
  }

  /** A file an attempt changed: the task's base ↔ the attempt's result. */
  private async openAttemptChange(n: Extract<AgentsNode, { type: 'attemptFile' }>): Promise<void> {
    const { run, task, attempt } = n;
    if (!task.baseCommit || !attempt.resultCommit) {
      void vscode.window.showInformationMessage(`Parallel Agents: attempt ${attempt.attempt} of task "${task.id}" has no result to compare (${attempt.status}).`);
      return;
    }
    const left = gitObjectUri(run.repoRoot, task.baseCommit, n.path);
    const right = gitObjectUri(run.repoRoot, attempt.resultCommit, n.path);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${path.posix.basename(n.path)} (${task.id} attempt ${attempt.attempt}: base ↔ result)`, { preview: true });
  }

  /**
   * Makes another attempt the result of a competitive task. From an attempt item (or an
   * AttemptChoice) that attempt; from a task item a quick pick of its attempts; from the
   * palette a pick of the task first.
   */
  async chooseAttempt(arg?: AgentsNode | AttemptChoice): Promise<ChooseAttemptResult | undefined> {
    let choice: AttemptChoice | undefined;
    if (isAttemptChoice(arg)) choice = arg;
    else if (arg && 'type' in arg && arg.type === 'attempt') choice = { runId: arg.run.runId, taskId: arg.task.id, attempt: arg.attempt.attempt };
    else {
      const target =
        arg && 'type' in arg && 'task' in arg ? arg : await this.pickTask((t) => t.strategy?.competitive !== undefined, 'Competitive task whose result to choose');
      if (!target) return undefined;
      const attempt = await this.pickAttempt(target.run, target.task);
      if (attempt === undefined) return undefined;
      choice = { runId: target.run.runId, taskId: target.task.id, attempt };
    }
    try {
      const r = await this.s.runs.chooseAttempt(choice.runId, choice.taskId, choice.attempt);
      const was = r.previous === null ? 'it had no result' : r.previous === r.chosen ? 'it already was' : `instead of attempt ${r.previous}`;
      const msg = `Parallel Agents: attempt ${r.chosen} is now the result of task "${r.taskId}" (${was}). Apply the run to write it.`;
      const open = 'Open Changes';
      const then = (pick: string | undefined) => {
        const run = this.s.runs.find(choice.runId);
        const task = run?.tasks.find((t) => t.id === choice.taskId);
        if (pick === open && run && task) void vscode.commands.executeCommand(Commands.openTaskChanges, { type: 'task', run, task });
      };
      if (r.staleDependents.length) {
        const names = r.staleDependents.map((d) => `"${d}"`).join(', ');
        void vscode.window
          .showWarningMessage(
            `${msg} ${r.staleDependents.length === 1 ? 'Task' : 'Tasks'} ${names} already ran on the previous result and do not see this one: review ${r.staleDependents.length === 1 ? 'it' : 'them'} before applying, or run ${r.staleDependents.length === 1 ? 'it' : 'them'} again.`,
            open,
          )
          .then(then);
      } else void vscode.window.showInformationMessage(msg, open).then(then);
      return r;
    } catch (e) {
      this.report('Cannot choose the attempt', e);
      return undefined;
    }
  }

  private async pickAttempt(run: RunSnapshot, task: TaskSnapshot): Promise<number | undefined> {
    const c = task.strategy?.competitive;
    if (!c) {
      void vscode.window.showInformationMessage(`Parallel Agents: task "${task.id}" is not competitive: it has no attempts to choose from.`);
      return undefined;
    }
    const choosable = new Set(choosableAttempts(task).map((a) => a.attempt));
    const pick = await vscode.window.showQuickPick(
      c.attempts.map((a) => ({
        label: attemptLabel(a),
        description: attemptDescription(a),
        detail: a.winner ? `the result now — ${c.decidedBy}` : choosable.has(a.attempt) ? (a.scoreNote ?? a.judge?.reason ?? '') : `cannot be chosen: ${a.status}${a.error ? ` (${a.error})` : ''}`,
        attempt: a.attempt,
      })),
      { title: `Choose the result of task "${task.id}" (run ${run.runId})`, placeHolder: 'The attempt whose changes become the task\'s result' },
    );
    return pick?.attempt;
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
    // VS Code adds the count itself ("… (4 files)").
    await vscode.commands.executeCommand('vscode.changes', `Changes of run ${run.runId}`, entries);
  }

  /** The task's transcript as a readable document (turns, tool calls, output, local times). */
  async openTranscript(n?: AgentsNode): Promise<void> {
    const target = n && 'task' in n ? n : await this.pickTask((t) => t.status !== 'queued', 'Task whose transcript to open');
    if (!target) return;
    if (!(await this.hasTranscript(target.run.runId, target.task.id))) return;
    await this.s.transcripts.open(target.run.runId, target.task.id);
  }

  /** The JSONL itself: from a tree item, the readable transcript's editor, or the palette. */
  async openRawTranscript(arg?: AgentsNode | vscode.Uri): Promise<void> {
    const ids = (x: { run: RunSnapshot; task: TaskSnapshot } | undefined) => x && { runId: x.run.runId, taskId: x.task.id };
    const target =
      arg instanceof vscode.Uri ? transcriptRefOf(arg)
      : arg && 'task' in arg ? ids(arg)
      : ids(await this.pickTask((t) => t.status !== 'queued', 'Task whose raw transcript to open'));
    if (!target || !(await this.hasTranscript(target.runId, target.taskId))) return;
    await vscode.window.showTextDocument(await this.s.runs.transcriptUri(target.runId, target.taskId), { preview: true });
  }

  private async hasTranscript(runId: string, taskId: string): Promise<boolean> {
    try {
      await vscode.workspace.fs.stat(await this.s.runs.transcriptUri(runId, taskId));
      return true;
    } catch {
      void vscode.window.showInformationMessage(`Parallel Agents: task "${taskId}" has no transcript yet.`);
      return false;
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
    run ??= await this.pickRun((r) => r.status !== 'running' && (!r.applied || r.applied.undone) && r.tasks.some((t) => t.status === 'succeeded'), 'Run to apply');
    if (!run) return undefined;
    try {
      const applied = await this.s.runs.apply(run.runId, only, this.s.violations.accepted(run.runId));
      this.reportApply(applied);
      return applied;
    } catch (e) {
      this.report('Cannot apply', e);
      return undefined;
    }
  }

  /**
   * Undoes a run's apply. When files changed after the apply (a conflict resolved with our
   * CodeLens, or any other edit), a modal names them and offers Undo Others (keep them as
   * they are) or Undo Anyway (put them back too).
   */
  async undo(n?: AgentsNode): Promise<boolean> {
    const run = n?.run ?? (await this.pickRun((r) => r.applied !== undefined && !r.applied.undone, 'Run whose apply to undo'));
    if (!run) return false;
    let done: UndoDone;
    try {
      done = await this.s.runs.undo(run.runId);
    } catch (e) {
      if (!(e instanceof UndoBlockedError)) {
        this.report('Cannot undo', e);
        return false;
      }
      const { message, detail } = undoConfirmation(run.runId, e.edited, new Set(this.s.conflicts.resolvedPaths(run.runId, run.repoRoot)));
      const others = 'Undo Others';
      const anyway = 'Undo Anyway';
      const pick = await vscode.window.showWarningMessage(message, { modal: true, detail }, others, anyway);
      if (pick !== others && pick !== anyway) return false;
      try {
        done = await this.s.runs.undo(run.runId, { force: true, ...(pick === others && { keep: e.edited }) });
      } catch (e2) {
        this.report('Cannot undo', e2);
        return false;
      }
    }
    void vscode.window.showInformationMessage(undoneMessage(run.runId, done));
    return true;
  }

  private reportApply(a: RunApplied): void {
    const { message, conflicts, leftOut } = applyReport(a.runId, a.result);
    const undo = 'Undo Apply';
    const show = 'Show Conflicts';
    const review = 'Review Violations';
    const then = (pick: string | undefined) => {
      if (pick === undo) void vscode.commands.executeCommand(Commands.undoApply, { type: 'run', run: this.s.runs.find(a.runId) });
      if (pick === show || pick === review) void vscode.commands.executeCommand(focusViewCommand(Views.conflicts));
    };
    const actions = [...(conflicts ? [show] : []), ...(leftOut ? [review] : []), undo];
    if (conflicts || leftOut) void vscode.window.showWarningMessage(message, ...actions).then(then);
    else void vscode.window.showInformationMessage(message, ...actions).then(then);
  }

  /**
   * Applies a run again, e.g. with violations accepted after its apply: undo (asking about
   * files changed since, as Undo Apply does), then apply.
   */
  async applyAgain(runId: string): Promise<RunApplied | undefined> {
    const run = this.s.runs.find(runId);
    if (!run) return undefined;
    if (run.applied && !run.applied.undone && !(await this.undo({ type: 'run', run }))) return undefined;
    return this.apply({ type: 'run', run: this.s.runs.find(runId) ?? run });
  }

  private report(what: string, e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    if (!(e instanceof RunError)) this.s.log.error(`${what}: ${e instanceof Error && e.stack ? e.stack : message}`);
    const actions: string[] = [];
    if (/API key/i.test(message)) actions.push('Set API Key');
    if (/task file has \d+ problem/.test(message)) actions.push('Show Problems');
    const applied = e instanceof AppliedRunError ? e.runId : undefined;
    if (applied) actions.push('Undo Apply');
    void vscode.window.showErrorMessage(errorMessage(what, message), ...actions).then((pick) => {
      if (pick === 'Undo Apply') void vscode.commands.executeCommand(Commands.undoApply, { type: 'run', run: this.s.runs.find(applied as string) });
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
      runs.map((r) => ({ label: r.runId, description: `${r.status} · started ${formatClock(r.startedAt)}`, run: r })),
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
