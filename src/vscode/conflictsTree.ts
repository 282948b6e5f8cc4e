// The Conflicts view: files an applied run left with conflict markers. Empty until the
// run engine applies something; its welcome content explains what will appear.
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../core/lifecycle';

export type ConflictNode = never;

export class ConflictsTreeProvider extends Disposable implements vscode.TreeDataProvider<ConflictNode> {
  private readonly _onDidChangeTreeData = this._register(new Emitter<ConflictNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;

  getTreeItem(element: ConflictNode): vscode.TreeItem {
    return element;
  }

  getChildren(): ConflictNode[] {
    return [];
  }
}
