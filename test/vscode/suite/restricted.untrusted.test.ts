import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../../src/vscode/ids';
import { activateExtension, taskFileUri, waitFor } from './helpers';

describe('restricted mode (untrusted workspace)', () => {
  it('the workspace is untrusted and the extension still activates', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    await activateExtension();
  });

  it('refuses to run, saying why', async () => {
    for (const id of [Commands.runTasks, Commands.runSelectedTasks, Commands.applyRun, Commands.retryTask]) {
      assert.equal(await vscode.commands.executeCommand(id), 'restricted', id);
    }
  });

  it('still checks the task file and shows the plan', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand(Commands.showPlan);
    const panel = await waitFor('the plan panel', () => api.planPanels.get(taskFileUri()));
    await waitFor('the plan', () => panel.lastMessage?.type === 'plan', 30_000);
  });
});
