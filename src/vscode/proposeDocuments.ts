// Read-only virtual documents for proposals: the proposed task file (the right side of the
// review diff, and what the plan panel beside it analyses) and an empty left side when the
// workspace has no task file yet. Content is held in memory until the review ends.
import * as vscode from 'vscode';
import { Disposable } from '../core';
import { PROPOSAL_SCHEME } from './ids';

export class ProposalDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private next = 1;

  constructor() {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, this));
  }

  /** A new document `<folder>/.agents/tasks.yaml` (proposal n) with this text. */
  add(folder: vscode.WorkspaceFolder, relPath: string, text: string, label = 'proposal'): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${folder.name}/${relPath}`, query: `${label}-${this.next++}` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  remove(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}
