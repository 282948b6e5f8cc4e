// The extension's entry point: one composition root, one disposable.
import type * as vscode from 'vscode';
import { ParallelAgentsApp, type ParallelAgentsApi } from './vscode/app';

export function activate(context: vscode.ExtensionContext): ParallelAgentsApi {
  const app = new ParallelAgentsApp(context);
  context.subscriptions.push(app);
  return app.api;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
