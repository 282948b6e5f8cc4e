// "Run this task" above each task of a valid task file, and a plan summary above
// `tasks:`. Each lens carries the task id; analyses are cached per document version.
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../core';
import { formatSpeedup } from './format';
import { Commands } from './ids';
import type { TaskFiles } from './taskFiles';

export class TaskCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly _onDidChangeCodeLenses = this._register(new Emitter<void>());
  readonly onDidChangeCodeLenses = this._onDidChangeCodeLenses.event;

  constructor(private readonly taskFiles: TaskFiles) {
    super();
    this._register(taskFiles.onDidAnalyse(() => this._onDidChangeCodeLenses.fire()));
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.taskFiles.isTaskFile(doc.uri)) return [];
    const { analysis } = await this.taskFiles.analyseDocument(doc);
    if (token.isCancellationRequested) return [];
    if (!analysis.taskFile || !analysis.plan) {
      // Unparseable: one lens that says so, rather than lenses at positions that may be stale.
      const errors = analysis.problems.filter((p) => p.severity === 'error').length;
      const line = findTasksKeyLine(doc) ?? 0;
      return [
        new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
          title: `$(error) ${errors} problem${errors === 1 ? '' : 's'} in the task file: nothing can be planned or run until ${errors === 1 ? 'it is' : 'they are'} fixed`,
          command: 'workbench.actions.view.problems',
        }),
      ];
    }
    const plan = analysis.plan;
    const lenses: vscode.CodeLens[] = [];
    const first = analysis.taskFile.tasks[0];
    if (first) {
      const tasksLine = findTasksKeyLine(doc) ?? Math.max(0, first.line - 2);
      const summary = plan.errors.length
        ? `$(error) Show Plan: ${plan.errors.length} error${plan.errors.length === 1 ? '' : 's'} to fix before a run`
        : `$(type-hierarchy) Show Plan: ${plan.tasks.length} tasks in ${plan.waves.length} wave${plan.waves.length === 1 ? '' : 's'}, expected ${formatSpeedup(plan.expectedSpeedup)}`;
      lenses.push(new vscode.CodeLens(new vscode.Range(tasksLine, 0, tasksLine, 0), { title: summary, command: Commands.showPlan, arguments: [doc.uri] }));
    }
    for (const t of analysis.taskFile.tasks) {
      const line = t.line - 1;
      const range = new vscode.Range(line, t.column - 1, line, t.column - 1 + t.id.length);
      lenses.push(
        new vscode.CodeLens(range, {
          title: `$(play) Run this task`,
          tooltip: `Run "${t.id}" (and the tasks it depends on)`,
          command: Commands.runTask,
          arguments: [t.id, doc.uri],
        }),
      );
    }
    return lenses;
  }
}

function findTasksKeyLine(doc: vscode.TextDocument): number | undefined {
  for (let i = 0; i < doc.lineCount; i++) {
    if (/^\s*"?tasks"?\s*:/.test(doc.lineAt(i).text)) return i;
  }
  return undefined;
}
