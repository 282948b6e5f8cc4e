// The extension's entry point: one composition root, one disposable.
import type * as vscode from 'vscode';
import { ParallelAgentsApp, type ParallelAgentsApi } from './vscode/app';

/** How long activation took, for the benchmarks (and a log line). */
export interface ActivationTiming {
  /** The activate() call alone. */
  readonly activateMs: number;
  /** From the bundle's first statement (set by the build's banner) to the end of activate(). */
  readonly sinceLoadMs?: number;
}

export function activate(context: vscode.ExtensionContext): ParallelAgentsApi & { readonly activation: ActivationTiming } {
  const t0 = performance.now();
  const app = new ParallelAgentsApp(context);
  context.subscriptions.push(app);
  const end = performance.now();
  const loadStart = (globalThis as { __parallelAgentsLoadStart?: number }).__parallelAgentsLoadStart;
  const activation: ActivationTiming = { activateMs: end - t0, ...(loadStart !== undefined && { sinceLoadMs: end - loadStart }) };
  return Object.assign(app.api, { activation });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
