// Merge strategies in the extension host, the agents answered by the scripted Messages API
// (test/fake-anthropic, a test double replaying fixed turns): a competitive task's three
// attempts scored by a command and a consensus task's voters in the Agents view, an
// attempt's diff, and Choose Attempt… moving the task's result (its ref, the tree).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChooseAttemptResult } from '../../../src/engine';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { CLAMP_BEST, CLAMP_GOOD, CLAMP_SAME, vote, write } from '../../integration/strategies/script';
import type { AgentsNode } from '../../../src/vscode/agentsTree';
import type { ParallelAgentsApi } from '../../../src/vscode/app';
import { Commands, EXTENSION_ID } from '../../../src/vscode/ids';
import type { RunApplied } from '../../../src/vscode/runService';
import type { RunSnapshot } from '../../../src/vscode/runSnapshot';
import { activateExtension, closeAllEditors, readFile, taskFileUri, waitFor, workspaceRoot, writeFile, pointEngineAt } from './helpers';

const TASKS = `version: 1
concurrency: 4
tasks:
  clamp:
    prompt: Fix clamp(value, min, max) in src/clamp.js so that every case of scripts/score.js passes.
    owns: [src/clamp.js]
    reads: [scripts/**]
    strategy: {type: competitive, attempts: 3, score: node scripts/score.js, models: [model-a, model-b]}
  clamp-notes:
    prompt: Note in notes/clamp.md what the clamp task changed.
    owns: [notes/clamp.md]
    dependsOn: [clamp]
  license:
    prompt: Which license should this library use? Vote.
    model: model-v
    owns: [notes/license-vote.md]
    strategy: {type: consensus, voters: 3, choices: [MIT, Apache-2.0, GPL-3.0]}
`;

/** What is copied from examples/strategies (the fixture's own files stay). */
const EXAMPLE_FILES = ['src/clamp.js', 'scripts/score.js'];

const file = (p: string) => vscode.Uri.joinPath(workspaceRoot(), p);
const git = (...args: string[]) => execFileSync('git', args, { cwd: workspaceRoot().fsPath, encoding: 'utf8' }).trim();

describe('merge strategies against the scripted API', () => {
  let api: ParallelAgentsApi;
  let fake: FakeAnthropic;
  let originalTaskFile: string;
  let runId: string;
  let restoreEnv: () => void = () => undefined;

  const run = () => api.runs.find(runId) as RunSnapshot;
  const taskNode = (id: string): Extract<AgentsNode, { type: 'task' }> => {
    const r = run();
    return { type: 'task', run: r, task: r.tasks.find((t) => t.id === id) as RunSnapshot['tasks'][number] };
  };
  const children = (n: AgentsNode) => api.agentsTree.getChildren(n);
  const item = (n: AgentsNode) => api.agentsTree.getTreeItem(n);
  const attempts = (taskId: string) => children(taskNode(taskId)).filter((c): c is Extract<AgentsNode, { type: 'attempt' }> => c.type === 'attempt');

  before(async () => {
    api = await activateExtension();
    const example = path.join(vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath as string, 'examples', 'strategies');
    originalTaskFile = await readFile(taskFileUri());
    for (const f of EXAMPLE_FILES) {
      mkdirSync(path.dirname(file(f).fsPath), { recursive: true });
      cpSync(path.join(example, f), file(f).fsPath);
    }
    await writeFile(taskFileUri(), TASKS);
    fake = await startFakeAnthropic({
      // A short delay per turn, so the run is seen running; the best attempt is the slowest.
      latencyMs: 150,
      script: {
        'clamp#1': [write('src/clamp.js', CLAMP_GOOD), { text: 'Used Math.min/Math.max.' }],
        'clamp#2': [write('src/clamp.js', CLAMP_SAME, { delayMs: 100 }), { text: 'Documented clamp.' }],
        'clamp#3': [write('src/clamp.js', CLAMP_BEST, { delayMs: 600 }), { text: 'Clamped both ends and refused min > max.' }],
        'clamp-notes': [write('notes/clamp.md', 'clamp: fixed.\n'), { text: 'Noted the fix.' }],
        'license#1': vote('MIT', 'A small utility: the shortest permissive license fits.'),
        'license#2': vote('MIT', 'MIT is the norm for such libraries.'),
        'license#3': vote('Apache-2.0', 'The patent grant protects users.'),
      },
    });
    restoreEnv = pointEngineAt(fake.baseURL);
    await closeAllEditors();
  });

  after(async () => {
    for (const r of api.runs.runs()) api.runs.cancelRun(r.runId);
    await closeAllEditors();
    restoreEnv();
    await fake?.close();
    for (const f of EXAMPLE_FILES) rmSync(file(f).fsPath, { force: true });
    for (const d of ['scripts', 'notes']) rmSync(file(d).fsPath, { recursive: true, force: true });
    await writeFile(taskFileUri(), originalTaskFile);
  });

  it('runs a competitive and a consensus task; no attempt can be chosen while the run is running', async () => {
    const started = await vscode.commands.executeCommand<RunSnapshot | undefined>(Commands.runTasks);
    assert.ok(started, 'the run did not start (see the log)');
    runId = started.runId;
    assert.deepEqual(started.tasks.map((t) => t.id).sort(), ['clamp', 'clamp-notes', 'license']);
    await assert.rejects(api.runs.chooseAttempt(runId, 'clamp', 1), /still running; choose an attempt once it has finished/);
    const done = await waitFor('the run to finish', () => (run().status !== 'running' ? run() : undefined), 60_000);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.tasks.map((t) => [t.id, t.status, t.error])));
  });

  it("shows the attempts: ★ on the winner, model, score and where it came from, the files; the task's decision", async () => {
    const clamp = item(taskNode('clamp'));
    assert.equal(clamp.contextValue, 'task-done-competitive');
    assert.match(String(clamp.description), / · 1 file · ★ attempt 3 of 3$/);
    assert.match((clamp.tooltip as vscode.MarkdownString).value, /\*\*Competitive\*\* \(3 attempts\): attempt 3 is the result — /);
    assert.deepEqual(children(taskNode('clamp')).map((c) => c.type), ['attempt', 'attempt', 'attempt', 'file', 'transcript']);
    const items = attempts('clamp').map(item);
    assert.deepEqual(items.map((i) => i.label), ['Attempt 1', 'Attempt 2', '★ Attempt 3']);
    assert.deepEqual(items.map((i) => i.description), [
      'model-a · score 5 (score command) · 1 file',
      'model-b · score 4 (score command) · 1 file',
      'model-a · score 6 (score command) · 1 file',
    ]);
    assert.deepEqual(items.map((i) => i.contextValue), ['attempt', 'attempt', 'attempt-chosen']);
    assert.equal((items[2]?.iconPath as vscode.ThemeIcon).id, 'star-full');
    assert.match(String(items[0]?.tooltip), /^Score: 5, from the score command/m);
    const files = children(attempts('clamp')[0] as AgentsNode);
    assert.deepEqual(files.map((f) => (f.type === 'attemptFile' ? f.path : f.type)), ['src/clamp.js']);
  });

  it("shows the voters with their choices and rationales, and the tally and decision on the task", async () => {
    const license = item(taskNode('license'));
    assert.match(String(license.description), /vote: MIT \(2 of 3\)$/);
    assert.match((license.tooltip as vscode.MarkdownString).value, /\*\*Consensus\*\* \(3 voters\): decision \*\*MIT\*\* \(a majority\); tally: MIT 2, Apache-2\.0 1/);
    const voters = children(taskNode('license')).filter((c) => c.type === 'voter');
    assert.deepEqual(voters.map((v) => [item(v).label, item(v).description]), [
      ['Voter 1', 'model-v · MIT'],
      ['Voter 2', 'model-v · MIT'],
      ['Voter 3', 'model-v · Apache-2.0'],
    ]);
    assert.equal(item(voters[2] as AgentsNode).tooltip, 'Voter 3 (model-v): Apache-2.0\nThe patent grant protects users.');
  });

  it("opens an attempt's file as a diff of the task's base and that attempt's result", async () => {
    const node = children(attempts('clamp')[0] as AgentsNode)[0] as AgentsNode;
    await vscode.commands.executeCommand(Commands.openTaskChanges, node);
    const tab = await waitFor('the diff tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff));
    assert.equal(tab.label, 'clamp.js (clamp attempt 1: base ↔ result)');
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.scheme, 'parallel-agents-git');
    assert.equal((await vscode.workspace.openTextDocument(input.modified)).getText(), CLAMP_GOOD);
    await closeAllEditors();
  });

  it("Choose Attempt… moves the task's result to another attempt, names the stale dependents, and the tree follows", async () => {
    const ref = `refs/parallel-agents/${runId}/tasks/clamp`;
    const first = attempts('clamp')[0]?.attempt;
    assert.ok(first?.resultCommit);
    assert.notEqual(git('rev-parse', ref), first.resultCommit);
    const r = await vscode.commands.executeCommand<ChooseAttemptResult | undefined>(Commands.chooseAttempt, { runId, taskId: 'clamp', attempt: 1 });
    assert.ok(r, 'the choice failed (see the error message)');
    assert.deepEqual([r.previous, r.chosen, r.staleDependents], [3, 1, ['clamp-notes']]);
    assert.equal(git('rev-parse', ref), first.resultCommit);
    assert.equal(git('show', `${ref}:src/clamp.js`), CLAMP_GOOD.trimEnd());

    // The live run's own record has the choice: it stays live (not thrown away and re-read).
    assert.equal(run().live, true);
    assert.equal(run().tasks.find((t) => t.id === 'clamp')?.resultCommit, first.resultCommit);
    assert.deepEqual(attempts('clamp').map((a) => item(a).label), ['★ Attempt 1', 'Attempt 2', 'Attempt 3']);
    assert.match(String(item(taskNode('clamp')).description), /★ attempt 1 of 3 \(chosen\)$/);
    assert.match((item(taskNode('clamp')).tooltip as vscode.MarkdownString).value, /chosen by the user \(instead of attempt 3\)/);
    const runNode = api.agentsTree.getChildren().find((n) => n.type === 'run' && n.run.runId === runId);
    assert.ok(runNode && children(runNode).some((n) => n.type === 'task' && n.task.id === 'clamp'));

    // From an attempt item (the inline action): back to attempt 3.
    const third = attempts('clamp')[2] as AgentsNode;
    const back = await vscode.commands.executeCommand<ChooseAttemptResult | undefined>(Commands.chooseAttempt, third);
    assert.deepEqual([back?.previous, back?.chosen], [1, 3]);
    assert.equal(git('show', `${ref}:src/clamp.js`), CLAMP_BEST.trimEnd());
    assert.deepEqual(attempts('clamp').map((a) => item(a).label), ['Attempt 1', 'Attempt 2', '★ Attempt 3']);
  });

  it('refuses to choose once the run is applied, until the apply is undone', async () => {
    const applied = await vscode.commands.executeCommand<RunApplied | undefined>(Commands.applyRun, { type: 'run', run: run() });
    assert.ok(applied);
    assert.equal(await readFile(file('src/clamp.js')), CLAMP_BEST);
    await assert.rejects(api.runs.chooseAttempt(runId, 'clamp', 2), /was already applied at \d{1,2}:\d{2}.*; undo that apply \(Undo Apply\) to choose another attempt\.$/);
    assert.equal(await vscode.commands.executeCommand(Commands.chooseAttempt, { runId, taskId: 'clamp', attempt: 2 }), undefined);
    assert.ok(await vscode.commands.executeCommand<boolean>(Commands.undoApply, { type: 'run', run: run() }));
    assert.equal(readFileSync(file('src/clamp.js').fsPath, 'utf8'), readFileSync(path.join(vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath as string, 'examples', 'strategies', 'src', 'clamp.js'), 'utf8'));
    const again = await vscode.commands.executeCommand<ChooseAttemptResult | undefined>(Commands.chooseAttempt, { runId, taskId: 'clamp', attempt: 2 });
    assert.equal(again?.chosen, 2);
  });
});
