// The four-step example run end to end in the extension host, its agents answered by the
// scripted Messages API (test/fake-anthropic, a test double replaying fixed turns) that the
// engine reaches through ANTHROPIC_BASE_URL: the tree while it runs and when it is done,
// a task's diff over git objects, apply and undo, and a conflict between an agent's result
// and the user's own edit resolved through the CodeLens command.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { TEST_FILE, TESTS_SUMMARY, fourStepScript } from '../../integration/engine/fourStepScript';
import type { AgentsNode } from '../../../src/vscode/agentsTree';
import type { ParallelAgentsApi } from '../../../src/vscode/app';
import { Commands, EXTENSION_ID, TreeItemContexts } from '../../../src/vscode/ids';
import type { RunApplied } from '../../../src/vscode/runService';
import type { RunSnapshot } from '../../../src/vscode/runSnapshot';
import { activateExtension, withMessages, closeAllEditors, readFile, taskFileUri, waitFor, workspaceRoot, writeFile, pointEngineAt } from './helpers';

/** What is copied from examples/four-step (the fixture's own README and package.json stay). */
const EXAMPLE_FILES = ['CHANGELOG.md', 'docs/api.md', 'src/slugify.js', 'scripts/lint.js', 'reports/.gitkeep', 'test/.gitkeep'];
const ADDED_BY_RUN = ['test/slugify.test.js', 'reports/lint.txt'];

const file = (p: string) => vscode.Uri.joinPath(workspaceRoot(), p);
const exists = (p: string) => existsSync(file(p).fsPath);

describe('the four-step example against the scripted API', () => {
  let api: ParallelAgentsApi;
  let fake: FakeAnthropic;
  let example: string;
  let originalTaskFile: string;
  let run: RunSnapshot;
  let restoreEnv: () => void = () => undefined;

  const taskNode = (id: string): AgentsNode => {
    const r = api.runs.find(run.runId) as RunSnapshot;
    return { type: 'task', run: r, task: r.tasks.find((t) => t.id === id) as RunSnapshot['tasks'][number] };
  };

  before(async () => {
    api = await activateExtension();
    example = path.join(vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath as string, 'examples', 'four-step');
    originalTaskFile = await readFile(taskFileUri());
    for (const f of EXAMPLE_FILES) cpSync(path.join(example, f), file(f).fsPath);
    await writeFile(taskFileUri(), readFileSync(path.join(example, '.agents', 'tasks.yaml'), 'utf8'));
    // A short delay per turn, so the run is seen running.
    fake = await startFakeAnthropic({ script: fourStepScript(), latencyMs: 400 });
    restoreEnv = pointEngineAt(fake.baseURL);
    await closeAllEditors();
  });

  after(async () => {
    for (const r of api.runs.runs()) api.runs.cancelRun(r.runId);
    await closeAllEditors();
    restoreEnv();
    await fake?.close();
    for (const f of [...EXAMPLE_FILES, ...ADDED_BY_RUN]) rmSync(file(f).fsPath, { force: true });
    for (const d of ['docs', 'scripts', 'reports', 'test']) rmSync(file(d).fsPath, { recursive: true, force: true });
    await writeFile(taskFileUri(), originalTaskFile);
  });

  it('runs all four tasks; the tree shows agents working, then each task done with its files', async () => {
    const started = await vscode.commands.executeCommand<RunSnapshot | undefined>(Commands.runTasks);
    assert.ok(started, 'the run did not start (see the log)');
    run = started;
    assert.deepEqual(started.tasks.map((t) => t.id).sort(), ['changelog', 'docs', 'lint', 'tests']);
    // Mid-run: an agent with a spinner and tokens (in the tooltip), and the dependent task queued behind it.
    const working = await waitFor('the tests agent to be working', () => {
      const item = api.agentsTree.getTreeItem(taskNode('tests'));
      return item.contextValue === TreeItemContexts.taskRunning && /Tokens: [1-9]\d* in/.test((item.tooltip as vscode.MarkdownString).value) ? item : undefined;
    }, 30_000);
    // At the default sidebar width what matters leads: the elapsed time (then the tool).
    assert.match(String(working.description), /^\d+s( · \w+)?$/);
    assert.equal((working.iconPath as vscode.ThemeIcon).id, 'sync~spin');
    assert.doesNotMatch(String(working.description), /demo model/); // a real key and endpoint here, not the demo
    const queued = api.agentsTree.getTreeItem(taskNode('changelog'));
    assert.equal(queued.contextValue, TreeItemContexts.taskQueued);
    assert.equal(queued.description, 'queued');
    await waitFor('the status bar count', () => /running/.test(api.statusBar.text));

    run = await waitFor('the run to finish', () => {
      const r = api.runs.find(started.runId);
      return r && r.status !== 'running' ? r : undefined;
    }, 60_000);
    assert.equal(run.status, 'succeeded', JSON.stringify(run.tasks.map((t) => [t.id, t.status, t.error])));
    assert.ok(fake.requests.length >= 8, `only ${fake.requests.length} requests reached the scripted API`);
    const runNode = api.agentsTree.getChildren().find((n) => n.type === 'run' && n.run.runId === run.runId);
    assert.ok(runNode);
    assert.match(String(api.agentsTree.getTreeItem(runNode).description), /^succeeded · \d+s$/);
    const tasks = api.agentsTree.getChildren(runNode);
    assert.deepEqual(tasks.map((n) => (n.type === 'task' ? `${n.task.id}:${n.task.status}` : '')), ['tests:succeeded', 'docs:succeeded', 'lint:succeeded', 'changelog:succeeded']);
    const children = (id: string) => api.agentsTree.getChildren(taskNode(id)).map((c) => (c.type === 'file' ? c.path : c.type));
    // The tests agent also tried to write docs/api.md, which it does not own: refused, not changed.
    assert.deepEqual(children('tests'), ['test/slugify.test.js', 'transcript']);
    assert.deepEqual(children('docs'), ['docs/api.md', 'transcript']);
    assert.deepEqual(children('changelog'), ['CHANGELOG.md', 'transcript']);
    const tests = api.agentsTree.getTreeItem(taskNode('tests'));
    assert.equal(tests.contextValue, TreeItemContexts.taskDone);
    assert.equal((tests.iconPath as vscode.ThemeIcon).id, 'pass');
    assert.match(String(tests.description), /^\d+s · 1 file$/);
    const tip = (tests.tooltip as vscode.MarkdownString).value;
    assert.match(tip, /Tokens: \d+ in · \d+ out/);
    assert.ok(tip.includes(TESTS_SUMMARY), tip);
    await waitFor('the idle status bar', () => /idle/.test(api.statusBar.text));
  });

  it("opens an agent's transcript readably: the prompt, turns, its tool calls with their inputs and results", async () => {
    await vscode.commands.executeCommand(Commands.openTranscript, taskNode('tests'));
    const editor = await waitFor('the transcript', () => (vscode.window.activeTextEditor?.document.uri.scheme === 'parallel-agents-transcript' ? vscode.window.activeTextEditor : undefined));
    const text = editor.document.getText();
    assert.match(text, /## \d\d:\d\d:\d\d · Task prompt\n/);
    assert.match(text, /## \d\d:\d\d:\d\d · Turn 1 \(\d+ in · \d+ out tokens\)/);
    assert.match(text, /### \d\d:\d\d:\d\d · write_file `test\/slugify\.test\.js`\n\n```+\n/);
    // Its refused write outside what it owns, with the error it got.
    assert.match(text, /### \d\d:\d\d:\d\d · \w+ `docs\/api\.md`[\s\S]*?\*\*Error:\*\*/);
    assert.match(text, /Ended: succeeded/);
    await closeAllEditors();
  });

  it("opens an agent's changed file as a diff of the task's base and result", async () => {
    const node = api.agentsTree.getChildren(taskNode('docs')).find((c) => c.type === 'file') as AgentsNode;
    await vscode.commands.executeCommand(Commands.openTaskChanges, node);
    const tab = await waitFor('the diff tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff));
    assert.equal(tab.label, 'api.md (docs: base ↔ result)');
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.scheme, 'parallel-agents-git');
    assert.equal((await vscode.workspace.openTextDocument(input.original)).getText(), readFileSync(path.join(example, 'docs', 'api.md'), 'utf8'));
    assert.match((await vscode.workspace.openTextDocument(input.modified)).getText(), /## isSlug\(text\)/);
    // Reviewing never touched the working tree.
    assert.equal(await readFile(file('docs/api.md')), readFileSync(path.join(example, 'docs', 'api.md'), 'utf8'));
    await closeAllEditors();
  });

  it('applies the whole run and undoes it exactly', async () => {
    const applied = await vscode.commands.executeCommand<RunApplied | undefined>(Commands.applyRun, { type: 'run', run: api.runs.find(run.runId) });
    assert.ok(applied);
    assert.deepEqual(applied.result.conflicts, []);
    assert.deepEqual([...applied.result.applied].sort(), ['CHANGELOG.md', 'docs/api.md', 'reports/lint.txt', 'test/slugify.test.js']);
    assert.equal(await readFile(file('test/slugify.test.js')), TEST_FILE);
    assert.match(await readFile(file('CHANGELOG.md')), /## Unreleased\n- Unit tests for slugify \(6 cases\)\./);
    assert.match(String(api.agentsTree.getTreeItem({ type: 'run', run: api.runs.find(run.runId) as RunSnapshot }).description), /applied/);
    assert.ok(await vscode.commands.executeCommand<boolean>(Commands.undoApply, { type: 'run', run: api.runs.find(run.runId) }));
    assert.equal(exists('test/slugify.test.js'), false);
    assert.equal(await readFile(file('CHANGELOG.md')), readFileSync(path.join(example, 'CHANGELOG.md'), 'utf8'));
    assert.match(String(api.agentsTree.getTreeItem({ type: 'run', run: api.runs.find(run.runId) as RunSnapshot }).description), /apply undone/);
  });

  it('forgets the conflicts of an apply that is undone', async () => {
    await writeFile(file('CHANGELOG.md'), readFileSync(path.join(example, 'CHANGELOG.md'), 'utf8').replace('# Changelog\n', '# Changelog\n\n## Unreleased\n- Something else.\n'));
    const applied = await vscode.commands.executeCommand<RunApplied | undefined>(Commands.applyRun, { type: 'run', run: api.runs.find(run.runId) });
    assert.deepEqual(applied?.result.conflicts.map((c) => c.path), ['CHANGELOG.md']);
    await waitFor('the conflict in the tracker', () => api.conflicts.count === 1);
    assert.ok(await vscode.commands.executeCommand<boolean>(Commands.undoApply, { type: 'run', run: api.runs.find(run.runId) }));
    await waitFor('the conflict to be gone', () => api.conflicts.count === 0);
    await waitFor('the idle status bar', () => /idle/.test(api.statusBar.text));
  });

  it("leaves markers where the user edited the agent's lines, and Accept Both through the CodeLens keeps both", async () => {
    const user = readFileSync(path.join(example, 'CHANGELOG.md'), 'utf8').replace('# Changelog\n', '# Changelog\n\n## Unreleased\n- slugify keeps digits.\n');
    await writeFile(file('CHANGELOG.md'), user);
    const applied = await vscode.commands.executeCommand<RunApplied | undefined>(Commands.applyRun, { type: 'run', run: api.runs.find(run.runId) });
    assert.ok(applied);
    assert.deepEqual(applied.result.conflicts.map((c) => c.path), ['CHANGELOG.md']);
    await waitFor('the conflict in the tracker', () => api.conflicts.count === 1);
    const uri = file('CHANGELOG.md');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const lenses = await waitFor('conflict lenses', async () => {
      // Ours only (VS Code's merge-conflict extension adds its own on the same markers).
      const l = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10)).filter((x) => x.command?.command.startsWith('parallelAgents.'));
      return l.length >= 4 ? l : undefined;
    });
    assert.deepEqual(lenses.map((l) => l.command?.title), ['Accept Yours (working tree)', 'Accept changelog', 'Accept Both', 'Compare']);
    // Compare: the two sides of the region side by side, read-only.
    const compare = lenses.find((l) => l.command?.title === 'Compare');
    await vscode.commands.executeCommand(compare?.command?.command as string, ...(compare?.command?.arguments ?? []));
    const tab = await waitFor('the compare tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff));
    assert.match(tab.label, /^CHANGELOG\.md:\d+ — working tree ↔ changelog$/);
    const sides = tab.input as vscode.TabInputTextDiff;
    assert.equal((await vscode.workspace.openTextDocument(sides.original)).getText(), '- slugify keeps digits.\n');
    assert.equal((await vscode.workspace.openTextDocument(sides.modified)).getText(), '- Unit tests for slugify (6 cases).\n');
    await vscode.window.showTextDocument(doc);
    const both = lenses.find((l) => l.command?.title === 'Accept Both');
    assert.ok(await vscode.commands.executeCommand(both?.command?.command as string, ...(both?.command?.arguments ?? [])));
    assert.doesNotMatch(doc.getText(), /^(<{7}|={7}|>{7})/m);
    assert.match(doc.getText(), /## Unreleased\n- slugify keeps digits\.\n- Unit tests for slugify \(6 cases\)\.\n/);
    await waitFor('no conflict left', () => api.conflicts.count === 0);
    await doc.save();
    const resolved = doc.getText();
    // Undo asks first, naming the file resolved with the CodeLens; dismissing it changes nothing.
    let messages = await withMessages(undefined, async () => {
      assert.equal(await vscode.commands.executeCommand<boolean>(Commands.undoApply, { type: 'run', run: api.runs.find(run.runId) }), false);
    });
    const modal = messages.shown.find((m) => m.modal);
    assert.ok(modal, JSON.stringify(messages.shown));
    assert.equal(modal.severity, 'warning');
    assert.match(`${modal.message}\n${modal.detail ?? ''}`, /CHANGELOG\.md \(you resolved its conflict/);
    assert.deepEqual(modal.items, ['Undo Others', 'Undo Anyway']);
    assert.equal(await readFile(uri), resolved);
    assert.ok(exists('test/slugify.test.js'));
    // "Undo Others": every other file goes back, the resolved one stays as resolved.
    messages = await withMessages((m) => (m.modal ? 'Undo Others' : undefined), async () => {
      assert.equal(await vscode.commands.executeCommand<boolean>(Commands.undoApply, { type: 'run', run: api.runs.find(run.runId) }), true);
    });
    assert.equal(await readFile(uri), resolved);
    assert.equal(exists('test/slugify.test.js'), false);
    assert.equal(await readFile(file('docs/api.md')), readFileSync(path.join(example, 'docs', 'api.md'), 'utf8'));
    const done = messages.shown.find((m) => !m.modal);
    assert.match(done?.message ?? '', /kept as you have it: CHANGELOG\.md/);
    await closeAllEditors();
  });

});
