// Read-only documents of files as a task left them (or as its base had them), read
// straight from git objects: parallel-agents-git:/<path>?<query>. Diffs open on these,
// so reviewing a task never touches the working tree.
import * as vscode from 'vscode';
import { Disposable } from '../core';
import { loadGit } from './runService';
import type { ObjectReader } from '../git';
import { GIT_OBJECT_SCHEME } from './ids';
import type { RunService } from './runService';

interface Query {
  readonly root: string;
  readonly commit: string;
}

export function gitObjectUri(root: string, commit: string, repoPath: string): vscode.Uri {
  return vscode.Uri.from({ scheme: GIT_OBJECT_SCHEME, path: '/' + repoPath, query: JSON.stringify({ root, commit } satisfies Query) });
}

export class GitObjectProvider extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly readers = new Map<string, Promise<ObjectReader>>();

  constructor(private readonly runs: RunService) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(GIT_OBJECT_SCHEME, this));
    this._register({ dispose: () => this.readers.forEach((r) => void r.then((x) => x.dispose(), () => undefined)) });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    let q: Query;
    try {
      q = JSON.parse(uri.query) as Query;
    } catch {
      return '';
    }
    if (!/^[0-9a-f]{40,64}$/.test(q.commit) || typeof q.root !== 'string') return '';
    const reader = await this.reader(q.root);
    const blob = await reader.readBlob(`${q.commit}:${uri.path.replace(/^\//, '')}`);
    // An added file has no base version, a deleted one no result: both show as empty.
    return blob ? blob.toString('utf8') : '';
  }

  private reader(root: string): Promise<ObjectReader> {
    let r = this.readers.get(root);
    if (!r) {
      r = Promise.all([this.runs.repo(root), loadGit()]).then(([repo, g]) => new g.ObjectReader(repo));
      r.catch(() => this.readers.delete(root));
      this.readers.set(root, r);
    }
    return r;
  }
}
