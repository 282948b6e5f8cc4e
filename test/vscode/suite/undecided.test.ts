// A consensus that did not decide (contract C1) in the Agents view: its own icon and words,
// never a success; its dependent skipped; the end-of-run notification says so.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as vscode from 'vscode';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { vote } from '../../integration/strategies/script';
import type { AgentsNode } from '../../../src/vscode/agentsTree';
import type { ParallelAgentsApi } from '../../../src/vscode/app';
import { Commands, TreeItemContexts } from '../../../src/vscode/ids';
import type { RunSnapshot } from '../../../src/vscode/runSnapshot';
import { activateExtension, captureMessages, closeAllEditors, pointEngineAt, readFile, taskFileUri, waitFor, workspaceRoot, writeFile } from './helpers';

const TASKS = `version: 1
tasks:
  pick:
    prompt: Tabs or spaces?
    model: model-v
    owns: [notes/pick.md]
    strategy: {type: consensus, voters: 3, choices: [tabs, spaces]}
  style:
    prompt: Write the style note the vote decided.
    owns: [notes/style.md]
    dependsOn: [pick]
`;

describe('an undecided consensus in the Agents view', () => {
  let api: ParallelAgentsApi;
  let fake: FakeAnthropic;
  let originalTaskFile: string;
  let restoreEnv: () => void = () => undefined;

  before(async () => {
    api = await activateExtension();
    originalTaskFile = await readFile(taskFileUri());
    await writeFile(taskFileUri(), TASKS);
    fake = await startFakeAnthropic({ script: { 'pick#1': vote('tabs', 'fewer bytes'), 'pick#2': vote('spaces', 'the same everywhere'), 'pick#3': [{ text: 'I would rather not vote.' }], style: [{ text: 'never asked' }] } });
    restoreEnv = pointEngineAt(fake.baseURL);
  });
  after(async () => {
    for (const r of api.runs.runs()) api.runs.cancelRun(r.runId);
    await closeAllEditors();
    restoreEnv();
    await fake?.close();
    rmSync(vscode.Uri.joinPath(workspaceRoot(), 'notes').fsPath, { recursive: true, force: true });
    await writeFile(taskFileUri(), originalTaskFile);
  });

  it('shows the tie as undecided, not succeeded, and the notification says so', async () => {
    const messages = captureMessages();
    let run: RunSnapshot;
    try {
      const started = await vscode.commands.executeCommand<RunSnapshot | undefined>(Commands.runTasks);
      assert.ok(started, `the run did not start: ${JSON.stringify(messages.shown)}`);
      run = await waitFor('the run to finish', () => {
        const r = api.runs.find(started.runId);
        return r && r.status !== 'running' ? r : undefined;
      }, 60_000);
      await waitFor('the end-of-run notification', () => messages.shown.some((m) => m.message.includes(started.runId)));
    } finally {
      messages.restore();
    }
    assert.equal(run.status, 'undecided');
    const runNode: AgentsNode = { type: 'run', run };
    const runItem = api.agentsTree.getTreeItem(runNode);
    assert.equal((runItem.iconPath as vscode.ThemeIcon).id, 'question');
    assert.match(String(runItem.description), /^undecided · /);
    const pick = api.agentsTree.getChildren(runNode).find((n) => n.type === 'task' && n.task.id === 'pick') as AgentsNode;
    const item = api.agentsTree.getTreeItem(pick);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'question');
    assert.equal(item.contextValue, TreeItemContexts.taskUndecided);
    assert.match(String(item.description), /^undecided · .*vote: TIE/);
    assert.match((item.tooltip as vscode.MarkdownString).value, /Status: undecided/);
    assert.match((item.tooltip as vscode.MarkdownString).value, /a tie between spaces and tabs/);
    const style = api.agentsTree.getChildren(runNode).find((n) => n.type === 'task' && n.task.id === 'style') as AgentsNode;
    assert.match(String(api.agentsTree.getTreeItem(style).description), /^skipped/);
    const toast = messages.shown.find((m) => m.message.includes(run.runId));
    assert.equal(toast?.severity, 'warning');
    assert.match(toast?.message ?? '', new RegExp(`^Parallel Agents: run ${run.runId} ended undecided: 1 undecided, 1 skipped\\. Task "pick" did not decide: a tie between spaces and tabs`));
    assert.doesNotMatch(toast?.message ?? '', /succeeded/);
  });
});
