// The Agents view: runs → tasks → changed files and transcript. The elements are plain
// data from the run engine; until a run exists the view is empty and its welcome
// content (package.json `viewsWelcome`) says what to do first.
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../core/lifecycle';

export type AgentsNode = never;

export class AgentsTreeProvider extends Disposable implements vscode.TreeDataProvider<AgentsNode> {
  private readonly _onDidChangeTreeData = this._register(new Emitter<AgentsNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;

  getTreeItem(element: AgentsNode): vscode.TreeItem {
    return element;
  }

  getChildren(): AgentsNode[] {
    return [];
  }

  refresh(): void {
    this._onDidChangeTreeData.fire(undefined);
  }
}
