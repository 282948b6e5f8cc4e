// Reads the `parallelAgents.*` settings into ExtensionSettings and says when they change.
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../core';
import { Settings } from './ids';
import { DEFAULT_MAX_CONCURRENCY, DEFAULT_TASK_FILE, keepRunsOf, type ExtensionSettings, type OwnershipViolationPolicy } from './settingsModel';

export class Configuration extends Disposable {
  private readonly _onDidChange = this._register(new Emitter<void>());
  readonly onDidChange = this._onDidChange.event;

  constructor() {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(Settings.section)) this._onDidChange.fire();
      }),
    );
  }

  read(scope?: vscode.ConfigurationScope): ExtensionSettings {
    const c = vscode.workspace.getConfiguration(Settings.section, scope);
    const inspected = c.inspect<number>(Settings.concurrency);
    // Only a value the user set overrides the task file's own `concurrency`.
    const explicit =
      inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue ?? undefined;
    const model = c.get<string>(Settings.model)?.trim();
    const maxCost = c.get<number | null>(Settings.maxCostPerRun);
    const policy = c.get<string>(Settings.ownershipViolations);
    return {
      ...(typeof explicit === 'number' && { concurrency: explicit }),
      maxConcurrency: positiveInt(c.get<number>(Settings.maxConcurrency)) ?? DEFAULT_MAX_CONCURRENCY,
      ...(model && { model }),
      taskFile: c.get<string>(Settings.taskFile)?.trim() || DEFAULT_TASK_FILE,
      prices: (c.get<ExtensionSettings['prices']>(Settings.prices) ?? {}) as ExtensionSettings['prices'],
      ...(typeof maxCost === 'number' && maxCost > 0 && { maxCostPerRun: maxCost }),
      ownershipViolations: (policy === 'discard' ? 'discard' : 'flag') satisfies OwnershipViolationPolicy,
      keepRuns: keepRunsOf(c.get<number>(Settings.keepRuns)),
    };
  }
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : undefined;
}
