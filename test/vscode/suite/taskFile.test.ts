import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { parseTaskFileText } from '../../../src/core/taskFile';
import { Commands } from '../../../src/vscode/ids';
import { TASK_FILE_TEMPLATE_YAML } from '../../../src/vscode/taskFileTemplate';
import { activateExtension, closeAllEditors, readFile, setDocumentText, taskFileUri, waitFor, writeFile } from './helpers';

const diagnosticsOf = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'parallel-agents');

describe('task file in the editor', () => {
  before(async () => {
    await activateExtension();
    await writeFile(taskFileUri(), TASK_FILE_TEMPLATE_YAML);
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await closeAllEditors();
  });

  it('has no diagnostics for the template', async () => {
    const doc = await vscode.workspace.openTextDocument(taskFileUri());
    await vscode.window.showTextDocument(doc);
    // Give the debounced analysis a chance, then require silence.
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(diagnosticsOf(doc.uri).map((d) => d.message), []);
  });

  it('shows a parser error at the line of the unknown key while typing (unsaved)', async () => {
    const doc = await vscode.workspace.openTextDocument(taskFileUri());
    await vscode.window.showTextDocument(doc);
    const text = TASK_FILE_TEMPLATE_YAML.replace('    owns: [docs/api/**]', '    own: [docs/api/**]');
    await setDocumentText(doc, text);
    const expectedLine = text.split('\n').findIndex((l) => l.includes('own: [docs/api/**]'));
    const diags = await waitFor('a diagnostic for "own"', () => {
      const d = diagnosticsOf(doc.uri);
      return d.some((x) => x.message.includes('"own"')) ? d : undefined;
    });
    const unknown = diags.find((d) => d.message.includes('unknown key "own"'));
    assert.ok(unknown, diags.map((d) => d.message).join('\n'));
    assert.equal(unknown.range.start.line, expectedLine);
    assert.equal(unknown.range.start.character, 4);
    assert.equal(unknown.severity, vscode.DiagnosticSeverity.Error);
    assert.match(unknown.message, /did you mean "owns"\?/);
    // The same problem also reports the missing `owns` at the task's key.
    const missing = diags.find((d) => d.message.includes('missing required key "owns"'));
    assert.ok(missing);
    assert.equal(missing.range.start.line, text.split('\n').findIndex((l) => l === '  api-docs:'));
  });

  it('shows the plan\'s ownership conflict at the second task, naming both tasks', async () => {
    const doc = await vscode.workspace.openTextDocument(taskFileUri());
    await vscode.window.showTextDocument(doc);
    const text = TASK_FILE_TEMPLATE_YAML.replace('    owns: [docs/api/**]', '    owns: [test/**]');
    await setDocumentText(doc, text);
    const conflict = await waitFor('an ownership-conflict diagnostic', () => diagnosticsOf(doc.uri).find((d) => d.code === 'ownership-conflict'));
    assert.equal(conflict.range.start.line, text.split('\n').findIndex((l) => l === '  api-docs:'));
    assert.equal(doc.getText(conflict.range), 'api-docs');
    assert.match(conflict.message, /"unit-tests" and "api-docs"/);
    assert.equal(conflict.relatedInformation?.[0]?.location.range.start.line, text.split('\n').findIndex((l) => l === '  unit-tests:'));
  });

  it('reports a dependency cycle', async () => {
    const doc = await vscode.workspace.openTextDocument(taskFileUri());
    await vscode.window.showTextDocument(doc);
    const text = TASK_FILE_TEMPLATE_YAML.replace('    reads: [src/**, package.json]', '    reads: [src/**, package.json]\n    dependsOn: [changelog]');
    await setDocumentText(doc, text);
    const cycle = await waitFor('a cycle diagnostic', () => diagnosticsOf(doc.uri).find((d) => d.code === 'cycle'));
    assert.match(cycle.message, /dependency cycle: changelog → unit-tests → changelog/);
  });

  it('clears the diagnostics when the text is fixed again', async () => {
    const doc = await vscode.workspace.openTextDocument(taskFileUri());
    await vscode.window.showTextDocument(doc);
    await setDocumentText(doc, TASK_FILE_TEMPLATE_YAML.replace('version: 1', 'version: 2'));
    await waitFor('the version error', () => diagnosticsOf(doc.uri).length > 0);
    await setDocumentText(doc, TASK_FILE_TEMPLATE_YAML);
    await waitFor('no diagnostics', () => diagnosticsOf(doc.uri).length === 0);
  });

  it('puts a "Run this task" CodeLens on each task, carrying its id', async () => {
    const doc = await vscode.workspace.openTextDocument(taskFileUri());
    await vscode.window.showTextDocument(doc);
    const lenses = await waitFor('code lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
      return l.filter((x) => x.command?.command === Commands.runTask).length === 4 ? l : undefined;
    });
    const run = lenses.filter((l) => l.command?.command === Commands.runTask);
    assert.deepEqual(run.map((l) => l.command?.arguments?.[0]), ['unit-tests', 'api-docs', 'lint', 'changelog']);
    for (const l of run) assert.equal(doc.lineAt(l.range.start.line).text.trim(), `${l.command?.arguments?.[0]}:`);
    const plan = lenses.find((l) => l.command?.command === Commands.showPlan);
    assert.ok(plan, 'a Show Plan lens');
    assert.match(plan.command?.title ?? '', /4 tasks in 2 waves, expected 2\.00×/);
  });

  it('Create Task File writes the four-step template, which parses without problems', async () => {
    await vscode.workspace.fs.delete(taskFileUri());
    const created = await vscode.commands.executeCommand<vscode.Uri>(Commands.createTaskFile);
    assert.equal(created?.toString(), taskFileUri().toString());
    const text = await readFile(taskFileUri());
    const parsed = parseTaskFileText('.agents/tasks.yaml', text);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.taskFile?.tasks.map((t) => t.id), ['unit-tests', 'api-docs', 'lint', 'changelog']);
    assert.equal(parsed.taskFile?.tasks.find((t) => t.id === 'lint')?.kind, 'command');
    assert.deepEqual(parsed.taskFile?.tasks.find((t) => t.id === 'changelog')?.dependsOn, ['unit-tests']);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), taskFileUri().toString());
  });

  it('Create Task File leaves an existing file alone', async () => {
    await writeFile(taskFileUri(), TASK_FILE_TEMPLATE_YAML + '# mine\n');
    await vscode.commands.executeCommand(Commands.createTaskFile);
    assert.match(await readFile(taskFileUri()), /# mine\n$/);
    await writeFile(taskFileUri(), TASK_FILE_TEMPLATE_YAML);
  });
});
