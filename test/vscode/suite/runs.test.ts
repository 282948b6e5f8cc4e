// A real run in the extension host: command tasks (no model needed) through the engine,
// the Agents tree, diffs over git objects, apply (skipping a dirty document), undo, and
// a conflict resolved with the CodeLens.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AgentsNode } from '../../../src/vscode/agentsTree';
import type { ParallelAgentsApi } from '../../../src/vscode/app';
import { Commands, TreeItemContexts } from '../../../src/vscode/ids';
import type { RunApplied } from '../../../src/vscode/runService';
import type { RunSnapshot } from '../../../src/vscode/runSnapshot';
import { activateExtension, captureMessages, withMessages, closeAllEditors, readFile, taskFileUri, waitFor, workspaceRoot, writeFile, type ShownMessage } from './helpers';

const TASKS = `version: 1
concurrency: 3
tasks:
  make-a:
    run: printf 'from a\\n' > a.txt
    owns: [a.txt]
  make-b:
    run: printf 'from b\\n' > b.txt
    owns: [b.txt]
  edit-shared:
    run: printf 'line 1\\ntask line 2\\nline 3\\n' > shared.txt
    owns: [shared.txt]
    dependsOn: [make-a]
  slow:
    run: sleep 30
    owns: [slow.txt]
`;

const file = (p: string) => vscode.Uri.joinPath(workspaceRoot(), p);
const exists = async (u: vscode.Uri) => vscode.workspace.fs.stat(u).then(() => true, () => false);

describe('runs', () => {
  let api: ParallelAgentsApi;
  let run: RunSnapshot;

  before(async () => {
    api = await activateExtension();
    await writeFile(taskFileUri(), TASKS);
    await closeAllEditors();
  });
  after(async () => {
    for (const r of api.runs.runs()) api.runs.cancelRun(r.runId);
    await closeAllEditors();
  });

  it('Run Selected (via the CodeLens command) runs the tasks and their dependencies, and the tree follows', async () => {
    // The end-of-run notification is answered with "Review".
    const messages = captureMessages((m) => (/ succeeded: /.test(m.message) ? 'Review' : undefined));
    let started: RunSnapshot | undefined;
    try {
      started = await vscode.commands.executeCommand<RunSnapshot | undefined>(Commands.runTask, 'edit-shared', taskFileUri());
      assert.ok(started, 'the run did not start (see the log)');
      const id = started.runId;
      run = await waitFor('the run to finish', () => {
        const r = api.runs.find(id);
        return r && r.status !== 'running' ? r : undefined;
      }, 60_000);
      await waitFor('the end-of-run notification', () => messages.shown.some((m) => / succeeded: /.test(m.message)));
    } finally {
      messages.restore();
    }
    assert.deepEqual(started.tasks.map((t) => t.id).sort(), ['edit-shared', 'make-a']);
    const finished = messages.shown.find((m) => / succeeded: /.test(m.message));
    assert.match(finished?.message ?? '', new RegExp(`^Parallel Agents: run ${run.runId} succeeded: 2 succeeded\\.( Measured speedup \\d+\\.\\d\\d× \\(expected \\d+\\.\\d\\d×\\)\\.)?$`));
    assert.deepEqual(finished?.items, ['Review', 'Apply']);
    // Review: every change of the run in one multi-diff editor, titled without a second count.
    const review = await waitFor('the review tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.includes(run.runId)));
    assert.match(review.label, new RegExp(`^Changes of run ${run.runId}`));
    assert.doesNotMatch(review.label, /changed files? \(/);
    await closeAllEditors();
    assert.equal(run.status, 'succeeded', JSON.stringify(run.tasks.map((t) => [t.id, t.status, t.error])));
    const roots = api.agentsTree.getChildren();
    const runNode = roots.find((n) => n.type === 'run' && n.run.runId === run.runId);
    assert.ok(runNode);
    const tasks = api.agentsTree.getChildren(runNode);
    assert.deepEqual(tasks.map((n) => (n.type === 'task' ? `${n.task.id}:${n.task.status}` : '')).sort(), ['edit-shared:succeeded', 'make-a:succeeded']);
    const makeA = tasks.find((n) => n.type === 'task' && n.task.id === 'make-a') as AgentsNode;
    const children = api.agentsTree.getChildren(makeA);
    assert.deepEqual(children.map((c) => (c.type === 'file' ? c.path : c.type)), ['a.txt', 'transcript']);
    const item = api.agentsTree.getTreeItem(makeA);
    assert.equal(item.contextValue, TreeItemContexts.taskDone);
    assert.match(String(item.description), /1 file/);
    assert.match(api.agentsTree.getTreeItem(runNode).description as string, /succeeded/);
    await waitFor('the idle status bar', () => /idle/.test(api.statusBar.text));
  });

  it('opens a changed file as a diff over git objects (base ↔ result)', async () => {
    const runNode = { type: 'run', run } as const;
    const makeA = api.agentsTree.getChildren(runNode).find((n) => n.type === 'task' && n.task.id === 'make-a') as AgentsNode;
    const fileNode = api.agentsTree.getChildren(makeA).find((c) => c.type === 'file') as AgentsNode;
    await vscode.commands.executeCommand(Commands.openTaskChanges, fileNode);
    const tab = await waitFor('a diff tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff));
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.scheme, 'parallel-agents-git');
    assert.equal((await vscode.workspace.openTextDocument(input.modified)).getText(), 'from a\n');
    assert.equal((await vscode.workspace.openTextDocument(input.original)).getText(), '');
    await vscode.commands.executeCommand(Commands.openTaskChanges, makeA);
    await closeAllEditors();
  });

  it("opens a task's transcript as a readable document, with the raw JSONL one click away", async () => {
    const makeA = api.agentsTree.getChildren({ type: 'run', run }).find((n) => n.type === 'task' && n.task.id === 'make-a') as AgentsNode;
    const node = api.agentsTree.getChildren(makeA).find((c) => c.type === 'transcript') as AgentsNode;
    await vscode.commands.executeCommand(Commands.openTranscript, node);
    const editor = await waitFor('the transcript editor', () => (vscode.window.activeTextEditor?.document.uri.scheme === 'parallel-agents-transcript' ? vscode.window.activeTextEditor : undefined));
    const text = editor.document.getText();
    assert.equal(editor.document.languageId, 'markdown');
    assert.match(text, /^# Transcript of make-a \(run \S+\)/);
    assert.match(text, /## \d\d:\d\d:\d\d · Command\n\n```sh\nprintf 'from a\\n' > a\.txt\n```/);
    assert.match(text, /## \d\d:\d\d:\d\d · Ended: succeeded \(exit code 0\) after \d+s/);
    assert.doesNotMatch(text, /\b1\d{12}\b/, 'no epoch-ms times');
    // The editor's title button: the JSONL itself.
    await vscode.commands.executeCommand(Commands.openRawTranscript, editor.document.uri);
    const raw = await waitFor('the JSONL editor', () => (vscode.window.activeTextEditor?.document.uri.fsPath.endsWith('make-a.jsonl') ? vscode.window.activeTextEditor : undefined));
    assert.equal(raw.document.uri.scheme, 'file');
    assert.match(raw.document.getText(), /^\{"at":\d+,"type":"event"/);
    await closeAllEditors();
  });

  it('applies, skipping a file with unsaved edits, and undoes exactly', async () => {
    const doc = await vscode.workspace.openTextDocument(file('shared.txt'));
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'unsaved '));
    const applied = await vscode.commands.executeCommand<RunApplied | undefined>(Commands.applyRun, { type: 'run', run });
    assert.ok(applied);
    assert.deepEqual(applied.result.skipped.map((s) => s.path), ['shared.txt']);
    assert.equal(await readFile(file('a.txt')), 'from a\n');
    assert.equal(await readFile(file('shared.txt')), 'line 1\nline 2\nline 3\n');
    assert.equal(api.agentsTree.getTreeItem({ type: 'run', run: api.runs.find(run.runId) as RunSnapshot }).contextValue, TreeItemContexts.runApplied);
    // Applying it again is refused in VS Code's words: what to do here, a local time, no CLI.
    const messages = await withMessages(undefined, async () => {
      assert.equal(await vscode.commands.executeCommand(Commands.applyRun, { type: 'run', run: api.runs.find(run.runId) }), undefined);
    });
    const refusal = messages.shown.find((m) => m.severity === 'error');
    assert.ok(refusal, JSON.stringify(messages.shown));
    assert.match(refusal.message, /already applied at \d{1,2}:\d{2}/);
    assert.doesNotMatch(refusal.message, /parallel-agents |`|\d{4}-\d{2}-\d{2}T|Cannot apply: Cannot/i);
    assert.deepEqual(refusal.items, ['Undo Apply']);
    assert.ok(await vscode.commands.executeCommand<boolean>(Commands.undoApply, { type: 'run', run: api.runs.find(run.runId) }));
    assert.equal(await exists(file('a.txt')), false);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await closeAllEditors();
  });

  it('leaves conflict markers where the user changed the same lines, and the CodeLens resolves them', async () => {
    await writeFile(file('shared.txt'), 'line 1\nuser line 2\nline 3\n');
    const applied = await vscode.commands.executeCommand<RunApplied | undefined>(Commands.applyRun, { type: 'run', run: api.runs.find(run.runId) });
    assert.ok(applied);
    assert.deepEqual(applied.result.conflicts.map((c) => c.path), ['shared.txt']);
    await waitFor('the conflict in the tracker', () => api.conflicts.count === 1);
    await waitFor('the status bar count', () => /1 conflict/.test(api.statusBar.text));
    const uri = file('shared.txt');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const lenses = await waitFor('conflict lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
      return l.length >= 4 ? l : undefined;
    });
    const titles = lenses.map((l) => l.command?.title);
    assert.ok(titles.includes('Accept Yours (working tree)'), String(titles));
    assert.ok(titles.includes('Accept edit-shared'), String(titles));
    assert.ok(titles.includes('Accept Both') && titles.includes('Compare'), String(titles));
    const accept = lenses.find((l) => l.command?.title === 'Accept edit-shared');
    await vscode.commands.executeCommand(accept?.command?.command as string, ...(accept?.command?.arguments ?? []));
    assert.equal(doc.getText(), 'line 1\ntask line 2\nline 3\n');
    await waitFor('no conflict left', () => api.conflicts.count === 0);
    await doc.save();
    await closeAllEditors();
    // Undo: the resolution made with our lens is named in a modal, and "Undo Anyway" undoes all.
    const messages = await withMessages((m) => (m.modal ? 'Undo Anyway' : undefined), async () => {
      assert.equal(await vscode.commands.executeCommand<boolean>(Commands.undoApply, { type: 'run', run: api.runs.find(run.runId) }), true);
    });
    const modal = messages.shown.find((m) => m.modal);
    assert.ok(modal, JSON.stringify(messages.shown));
    assert.match(`${modal.message}\n${modal.detail ?? ''}`, /shared\.txt \(you resolved its conflict/);
    assert.deepEqual(modal.items, ['Undo Others', 'Undo Anyway']);
    assert.equal(await readFile(uri), 'line 1\nuser line 2\nline 3\n');
    assert.equal(await exists(file('a.txt')), false);
    assert.ok(!messages.shown.some((m) => /Cannot undo: Cannot undo/i.test(m.message)), JSON.stringify(messages.shown));
  });

  it('cancels a running task and retries it', async () => {
    const started = await vscode.commands.executeCommand<RunSnapshot | undefined>(Commands.runTask, 'slow', taskFileUri());
    assert.ok(started);
    const taskNode = () => {
      const r = api.runs.find(started.runId) as RunSnapshot;
      return { type: 'task', run: r, task: r.tasks.find((t) => t.id === 'slow') } as AgentsNode;
    };
    await waitFor('slow to run', () => api.runs.find(started.runId)?.tasks[0]?.status === 'running', 30_000);
    await waitFor('the status bar count', () => /1 running/.test(api.statusBar.text));
    const ends = (shown: readonly { message: string }[]) => shown.filter((m) => m.message.startsWith(`Parallel Agents: run ${started.runId} `));
    const messages = await withMessages(undefined, async (shown) => {
      assert.equal(await vscode.commands.executeCommand(Commands.cancelTask, taskNode()), true);
      await waitFor('slow to be cancelled', () => api.runs.find(started.runId)?.tasks[0]?.status === 'cancelled', 30_000);
      await waitFor('the run to settle', () => api.runs.find(started.runId)?.status === 'cancelled', 30_000);
      assert.equal(await vscode.commands.executeCommand(Commands.retryTask, taskNode()), true);
      await waitFor('slow to run again', () => api.runs.find(started.runId)?.tasks[0]?.status === 'running', 30_000);
      assert.equal(await vscode.commands.executeCommand(Commands.cancelRun, { type: 'run', run: api.runs.find(started.runId) }), true);
      await waitFor('the run to end', () => api.runs.find(started.runId)?.status === 'cancelled', 30_000);
      await waitFor('the end-of-run notification', () => ends(shown).some((m) => / Run cancelled by the user\.$/.test(m.message)));
    });
    // Each end announced once, never a stale one of a run a retry had reopened; a sentence, no speedup.
    const toasts = ends(messages.shown);
    assert.ok(toasts.length <= 2, JSON.stringify(toasts));
    assert.ok(toasts.every((m) => / was cancelled: 1 cancelled\./.test(m.message) && !/×/.test(m.message)), JSON.stringify(toasts));
    const last = toasts[toasts.length - 1] as ShownMessage;
    assert.equal(last.severity, 'warning');
    assert.equal(last.message, `Parallel Agents: run ${started.runId} was cancelled: 1 cancelled. Run cancelled by the user.`);
  });
});
