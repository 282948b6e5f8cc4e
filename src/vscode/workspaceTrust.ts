// Trust at the edge: the commands that run the task file's agents and shell commands go
// through `trusted()`, which in Restricted Mode says why nothing happens instead.
import * as vscode from 'vscode';

/** Run commands in Restricted Mode: say why nothing happens (not awaited: the message stays). */
function restricted(title: string): 'restricted' {
  const manage = 'Manage Workspace Trust';
  void vscode.window
    .showWarningMessage(
      `Parallel Agents: "${title}" is disabled in Restricted Mode: a run executes the task file's agents and shell commands, which write files in the workspace. Plans and reviews still work.`,
      manage,
    )
    .then((pick) => pick === manage && vscode.commands.executeCommand('workbench.trust.manage'));
  return 'restricted';
}

/** `fn` in a trusted workspace; in Restricted Mode the message above (the command's `title` in it). */
export const trusted =
  <A extends unknown[]>(title: string, fn: (...a: A) => Promise<unknown>) =>
  (...a: A): Promise<unknown> | 'restricted' =>
    vscode.workspace.isTrusted ? fn(...a) : restricted(title);
