// Shared by the extension-host tests (each test file is bundled on its own).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ParallelAgentsApi } from '../../../src/vscode/app';
import { EXTENSION_ID } from '../../../src/vscode/ids';

export async function activateExtension(): Promise<ParallelAgentsApi> {
  const ext = vscode.extensions.getExtension<ParallelAgentsApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
  return ext.isActive ? ext.exports : ext.activate();
}

export function workspaceRoot(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the test needs a workspace folder');
  return f.uri;
}

export function taskFileUri(): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), '.agents', 'tasks.yaml');
}

/** Polls `fn` until it returns a truthy value (VS Code updates views and diagnostics asynchronously). */
export async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function writeFile(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

export async function readFile(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Replaces a document's whole text in the editor (unsaved), as typing would. */
export async function setDocumentText(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was not applied');
}

/**
 * Points the engine at a scripted API server: the extension host is this process, and the
 * engine's client reads ANTHROPIC_BASE_URL / ANTHROPIC_API_KEY. Returns the restore.
 */
export function pointEngineAt(baseURL: string): () => void {
  const saved = { key: process.env.ANTHROPIC_API_KEY, url: process.env.ANTHROPIC_BASE_URL };
  process.env.ANTHROPIC_BASE_URL = baseURL;
  process.env.ANTHROPIC_API_KEY = 'test-key';
  return () => {
    if (saved.key === undefined) delete process.env.ANTHROPIC_API_KEY;
    else process.env.ANTHROPIC_API_KEY = saved.key;
    if (saved.url === undefined) delete process.env.ANTHROPIC_BASE_URL;
    else process.env.ANTHROPIC_BASE_URL = saved.url;
  };
}

export interface ShownMessage {
  readonly severity: 'information' | 'warning' | 'error';
  readonly message: string;
  readonly modal: boolean;
  readonly detail?: string;
  readonly items: readonly string[];
}

/**
 * Records the notifications and modal dialogs the extension shows (window.show*Message),
 * answering each with `answer` (undefined: dismissed). Returns the record and the restore.
 */
export function captureMessages(answer: (m: ShownMessage) => string | undefined = () => undefined): { readonly shown: ShownMessage[]; restore(): void } {
  const w = vscode.window as unknown as Record<string, unknown>;
  const names = { information: 'showInformationMessage', warning: 'showWarningMessage', error: 'showErrorMessage' } as const;
  const saved = Object.values(names).map((n) => [n, w[n]] as const);
  const shown: ShownMessage[] = [];
  for (const [severity, name] of Object.entries(names) as [ShownMessage['severity'], string][]) {
    w[name] = (message: string, ...rest: unknown[]) => {
      const options = rest[0] !== undefined && typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0]) ? (rest.shift() as vscode.MessageOptions) : undefined;
      const items = rest.map((i) => (typeof i === 'string' ? i : (i as vscode.MessageItem).title));
      const m: ShownMessage = { severity, message, modal: options?.modal === true, ...(options?.detail !== undefined && { detail: options.detail }), items };
      shown.push(m);
      const pick = answer(m);
      return Promise.resolve(pick === undefined ? undefined : rest[items.indexOf(pick)]);
    };
  }
  return {
    shown,
    restore: () => {
      for (const [n, f] of saved) w[n] = f;
    },
  };
}

/** Answers window.showQuickPick with the item `choose` picks (by label); returns the restore. */
export function answerQuickPick(choose: (labels: readonly string[]) => string | undefined): () => void {
  const w = vscode.window as unknown as Record<string, unknown>;
  const saved = w['showQuickPick'];
  w['showQuickPick'] = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) => {
    const list = await items;
    const label = choose(list.map((i) => i.label));
    return list.find((i) => i.label === label);
  };
  return () => {
    w['showQuickPick'] = saved;
  };
}

/** Runs `fn` with the messages captured (and answered; `fn` sees them), then restores them; returns what was shown. */
export async function withMessages(
  answer: ((m: ShownMessage) => string | undefined) | undefined,
  fn: (shown: readonly ShownMessage[]) => Promise<unknown>,
): Promise<{ readonly shown: ShownMessage[] }> {
  const c = captureMessages(answer);
  try {
    await fn(c.shown);
  } finally {
    c.restore();
  }
  return c;
}
