import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, DIAGNOSTIC_SOURCE } from '../../../src/vscode/ids';
import { activateExtension, closeAllEditors, setDocumentText, taskFileUri, waitFor } from './helpers';

const diagnosticsOf = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === DIAGNOSTIC_SOURCE);

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

  it('still checks the task file: an unknown key is a diagnostic at its line (unsaved)', async () => {
    await activateExtension();
    const doc = await vscode.workspace.openTextDocument(taskFileUri());
    await vscode.window.showTextDocument(doc);
    const text = doc.getText();
    const owns = text.split('\n').findIndex((l) => /^\s+owns:/.test(l));
    assert.ok(owns >= 0, 'the fixture task file has an owns line');
    try {
      await setDocumentText(doc, text.split('\n').map((l, i) => (i === owns ? l.replace('owns:', 'own:') : l)).join('\n'));
      const unknown = await waitFor('a diagnostic for "own"', () => diagnosticsOf(doc.uri).find((d) => d.message.includes('unknown key "own"')));
      assert.equal(unknown.range.start.line, owns);
      assert.equal(unknown.severity, vscode.DiagnosticSeverity.Error);
    } finally {
      // Put the text back and save it (the same bytes as on disk), so the next tests see the fixture.
      await setDocumentText(doc, text);
      await doc.save();
      await closeAllEditors();
    }
    await waitFor('no diagnostic once the key is back', () => diagnosticsOf(doc.uri).length === 0);
  });

  it('still shows the plan', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand(Commands.showPlan);
    const panel = await waitFor('the plan panel', () => api.planPanels.get(taskFileUri()));
    await waitFor('the plan', () => panel.lastMessage?.type === 'plan', 30_000);
  });
});
