// Ownership violations (contract C2, issue 11 §5) in the extension host: a command task
// writes outside its owns; nothing of that reaches the working tree until accepted in the
// Conflicts view's "Ownership violations"; Apply Run passes the accepted paths; one
// accepted after the apply is written by applying again.
import * as assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ParallelAgentsApi } from '../../../src/vscode/app';
import type { ConflictNode } from '../../../src/vscode/conflicts';
import { Commands, TreeItemContexts } from '../../../src/vscode/ids';
import type { RunApplied } from '../../../src/vscode/runService';
import type { RunSnapshot } from '../../../src/vscode/runSnapshot';
import { activateExtension, captureMessages, withMessages, closeAllEditors, readFile, taskFileUri, waitFor, workspaceRoot, writeFile } from './helpers';

const TASKS = `version: 1
tasks:
  lint:
    run: printf 'ok\\n' > lint.txt && printf 'stray\\n' > stray.txt && printf 'junk\\n' > junk.txt && printf 'late\\n' > late.txt
    owns: [lint.txt]
`;
const FILES = ['lint.txt', 'stray.txt', 'junk.txt', 'late.txt'];
const file = (p: string) => vscode.Uri.joinPath(workspaceRoot(), p);
const exists = (p: string) => existsSync(file(p).fsPath);

describe('ownership violations', () => {
  let api: ParallelAgentsApi;
  let originalTaskFile: string;
  let run: RunSnapshot;

  const group = () => api.conflictsTree.getChildren().find((n): n is Extract<ConflictNode, { type: 'violations' }> => n.type === 'violations' && n.runId === run.runId);
  const violation = (p: string) => {
    const g = group();
    return g && api.conflictsTree.getChildren(g).find((n): n is Extract<ConflictNode, { type: 'violation' }> => n.type === 'violation' && n.item.path === p);
  };

  before(async () => {
    api = await activateExtension();
    originalTaskFile = await readFile(taskFileUri());
    await writeFile(taskFileUri(), TASKS);
  });
  after(async () => {
    const r = api.runs.find(run?.runId ?? '');
    if (r?.applied && !r.applied.undone) await api.runs.undo(r.runId, { force: true }).catch(() => undefined);
    await closeAllEditors();
    for (const f of FILES) rmSync(file(f).fsPath, { force: true });
    await writeFile(taskFileUri(), originalTaskFile);
  });

  it('lists what a task wrote outside its owns, none of it accepted', async () => {
    const started = await vscode.commands.executeCommand<RunSnapshot | undefined>(Commands.runTasks);
    assert.ok(started, 'the run did not start');
    run = await waitFor('the run to finish', () => {
      const r = api.runs.find(started.runId);
      return r && r.status !== 'running' ? r : undefined;
    }, 60_000);
    assert.equal(run.status, 'succeeded', JSON.stringify(run.tasks.map((t) => [t.id, t.status, t.error])));
    const g = await waitFor('the Ownership violations group', group);
    const item = api.conflictsTree.getTreeItem(g);
    assert.equal(item.label, 'Ownership violations');
    assert.equal(item.contextValue, TreeItemContexts.violations);
    const items = api.conflictsTree.getChildren(g).map((n) => api.conflictsTree.getTreeItem(n));
    assert.deepEqual(items.map((i) => i.label), ['junk.txt', 'late.txt', 'stray.txt']);
    for (const i of items) {
      assert.equal(i.contextValue, TreeItemContexts.violation);
      assert.match(String(i.description), /^lint · not applied until you accept it$/);
    }
    // Clicking one shows the change (base ↔ the task's result).
    assert.equal(items[0]?.command?.command, 'vscode.diff');
    assert.ok(!FILES.slice(1).some(exists), 'the run itself wrote nothing into the working tree');
  });

  it('Apply Run writes only the accepted ones', async () => {
    assert.ok(await vscode.commands.executeCommand(Commands.acceptViolation, violation('stray.txt')));
    assert.ok(await vscode.commands.executeCommand(Commands.discardViolation, violation('junk.txt')));
    assert.equal(violation('junk.txt'), undefined, 'a discarded one leaves the list');
    assert.match(String(api.conflictsTree.getTreeItem(violation('stray.txt') as ConflictNode).description), /accepted: written when you apply the run/);
    const messages = captureMessages();
    let applied: RunApplied | undefined;
    try {
      applied = await vscode.commands.executeCommand<RunApplied | undefined>(Commands.applyRun, { type: 'run', run: api.runs.find(run.runId) });
    } finally {
      messages.restore();
    }
    assert.ok(applied, JSON.stringify(messages.shown));
    assert.deepEqual(
      [...applied.result.violations].sort((a, b) => a.path.localeCompare(b.path)).map((v) => `${v.path}:${v.included}`),
      ['junk.txt:false', 'late.txt:false', 'stray.txt:true'],
    );
    assert.equal(await readFile(file('lint.txt')), 'ok\n');
    assert.equal(await readFile(file('stray.txt')), 'stray\n');
    assert.equal(exists('junk.txt'), false);
    assert.equal(exists('late.txt'), false);
    const report = messages.shown.find((m) => m.message.includes(`applied run ${run.runId}`));
    assert.match(report?.message ?? '', /1 change outside its task's owns included \(you accepted it\), 2 changes outside what their tasks own left out/);
    assert.deepEqual(report?.items, ['Review Violations', 'Undo Apply']);
    await waitFor('the tree to follow', () => /accepted and applied/.test(String(api.conflictsTree.getTreeItem(violation('stray.txt') as ConflictNode).description)));
  });

  it('one accepted after the apply is written by applying again', async () => {
    const messages = await withMessages((m) => (m.items.includes('Apply Again') ? 'Apply Again' : undefined), async () => {
      assert.equal(await vscode.commands.executeCommand(Commands.acceptViolation, violation('late.txt')), true);
    });
    assert.match(messages.shown[0]?.message ?? '', /accepted late\.txt\. The apply of run \S+ left it out: apply the run again/);
    assert.equal(await readFile(file('late.txt')), 'late\n');
    assert.equal(await readFile(file('stray.txt')), 'stray\n');
    assert.equal(exists('junk.txt'), false);
  });
});
