import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../../src/vscode/ids';
import { TASK_FILE_TEMPLATE_YAML } from '../../../src/vscode/taskFileTemplate';
import { activateExtension, closeAllEditors, setDocumentText, taskFileUri, waitFor, writeFile } from './helpers';

function planTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('parallelAgents.plan'));
}

describe('plan panel', () => {
  before(async () => {
    await writeFile(taskFileUri(), TASK_FILE_TEMPLATE_YAML);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await closeAllEditors();
  });

  it('Show Plan opens one webview panel that completes the ready handshake and gets the plan', async () => {
    const api = await activateExtension();
    await closeAllEditors();
    await vscode.commands.executeCommand(Commands.showPlan);
    await waitFor('a plan tab', () => planTabs().length === 1);
    assert.match(planTabs()[0]?.label ?? '', /^Plan: \.agents\/tasks\.yaml$/);
    const panel = await waitFor('the panel', () => api.planPanels.get(taskFileUri()));
    await waitFor('the ready handshake', () => panel.isReady, 30_000);
    const msg = panel.lastMessage;
    assert.equal(msg?.type, 'plan');
    if (msg?.type !== 'plan') return;
    assert.deepEqual(msg.plan.nodes.map((n) => `${n.id}@${n.wave}`).sort(), ['api-docs@1', 'changelog@2', 'lint@1', 'unit-tests@1']);
    assert.deepEqual(msg.plan.criticalPath, ['unit-tests', 'changelog']);
    assert.equal(msg.plan.predictedSpeedup, 2);
    assert.deepEqual(msg.plan.edges, [{ from: 'unit-tests', to: 'changelog', critical: true }]);
    // A second Show Plan reveals the same panel.
    await vscode.commands.executeCommand(Commands.showPlan, taskFileUri());
    assert.equal(planTabs().length, 1);
  });

  it('follows the user\'s typing: an edit re-plans the open panel', async () => {
    const api = await activateExtension();
    const panel = api.planPanels.get(taskFileUri());
    assert.ok(panel);
    const doc = await vscode.workspace.openTextDocument(taskFileUri());
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.Beside);
    await setDocumentText(doc, TASK_FILE_TEMPLATE_YAML.replace("    owns: [docs/api/**]\n", "    owns: [docs/api/**]\n    dependsOn: [changelog]\n"));
    await waitFor('a three-wave plan', () => {
      const m = panel.lastMessage;
      return m?.type === 'plan' && m.plan.columns.length === 3;
    });
    await setDocumentText(doc, TASK_FILE_TEMPLATE_YAML.replace('version: 1', 'version: one'));
    await waitFor('the invalid state', () => panel.lastMessage?.type === 'invalid');
  });
});
