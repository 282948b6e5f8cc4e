// A task's transcript as a readable, read-only Markdown document
// (parallel-agents-transcript:/<runId>/<taskId>.md?<the JSONL file>), rebuilt from the
// JSONL as a live run writes it. "Open Raw Transcript (JSONL)" opens the file itself.
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../core';
import { TRANSCRIPT_SCHEME } from './ids';
import type { RunService } from './runService';
import { formatTranscript, parseTranscript } from './transcriptFormat';

interface TranscriptRef {
  readonly runId: string;
  readonly taskId: string;
  /** The JSONL file. */
  readonly file: string;
}

export function transcriptViewUri(ref: TranscriptRef): vscode.Uri {
  return vscode.Uri.from({ scheme: TRANSCRIPT_SCHEME, path: `/${ref.runId}/${ref.taskId}.md`, query: ref.file });
}

export function transcriptRefOf(uri: vscode.Uri): TranscriptRef | undefined {
  const m = /^\/([^/]+)\/([^/]+)\.md$/.exec(uri.path);
  if (uri.scheme !== TRANSCRIPT_SCHEME || !m || !uri.query) return undefined;
  return { runId: m[1] as string, taskId: m[2] as string, file: uri.query };
}

export class TranscriptView extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly _onDidChange = this._register(new Emitter<vscode.Uri>());
  readonly onDidChange = this._onDidChange.event;

  constructor(private readonly runs: RunService) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(TRANSCRIPT_SCHEME, this));
    // Open transcripts of running runs follow the JSONL (RunService's changes are coalesced).
    this._register(
      runs.onDidChange(() => {
        for (const doc of vscode.workspace.textDocuments) {
          const ref = doc.uri.scheme === TRANSCRIPT_SCHEME ? transcriptRefOf(doc.uri) : undefined;
          if (ref && runs.find(ref.runId)?.status === 'running') this._onDidChange.fire(doc.uri);
        }
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = transcriptRefOf(uri);
    if (!ref) return '';
    let text = '';
    try {
      text = await fsp.readFile(ref.file, 'utf8');
    } catch {
      // not written yet (a queued task) or pruned: an empty transcript says so
    }
    const { entries, skipped } = parseTranscript(text);
    return formatTranscript(entries, { title: `Transcript of ${ref.taskId} (run ${ref.runId})`, rawPath: ref.file, skipped });
  }

  /** Opens the readable transcript of a task. */
  async open(runId: string, taskId: string): Promise<vscode.TextEditor> {
    const file = (await this.runs.transcriptUri(runId, taskId)).fsPath;
    const doc = await vscode.workspace.openTextDocument(transcriptViewUri({ runId, taskId, file }));
    if (doc.languageId !== 'markdown') await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    return vscode.window.showTextDocument(doc, { preview: true });
  }
}
