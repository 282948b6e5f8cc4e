// Agents on VS Code's own language models (parallelAgents.modelSource "vscode"), in the real
// VS Code: the model comes from vscode.lm.selectChatModels and every turn goes through
// LanguageModelChat.sendRequest. Behind it is the scripted chat model provider of
// test/vscode/lmTestExtension (a test double registered through VS Code's provider API,
// replaying fixed turns; not an AI model). Nothing of vscode.lm is replaced.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TEST_FILE, TESTS_COMMAND, TESTS_SUMMARY, fourStepScript } from '../../integration/engine/fourStepScript';
import type { ScriptedLmApi, ScriptedTurn } from '../lmTestExtension/extension';
import type { AgentsNode } from '../../../src/vscode/agentsTree';
import type { ParallelAgentsApi } from '../../../src/vscode/app';
import { Commands, EXTENSION_ID, Settings } from '../../../src/vscode/ids';
import type { RunApplied } from '../../../src/vscode/runService';
import type { RunSnapshot } from '../../../src/vscode/runSnapshot';
import { activateExtension, closeAllEditors, readFile, taskFileUri, waitFor, withMessages, workspaceRoot, writeFile, type ShownMessage } from './helpers';

const LM_EXTENSION_ID = 'pa-test.scripted-lm';
const EXAMPLE_FILES = ['CHANGELOG.md', 'docs/api.md', 'src/slugify.js', 'scripts/lint.js', 'reports/.gitkeep', 'test/.gitkeep'];
const ADDED_BY_RUN = ['test/slugify.test.js', 'reports/lint.txt'];

const file = (p: string) => vscode.Uri.joinPath(workspaceRoot(), p);
const exists = (p: string) => existsSync(file(p).fsPath);

async function scriptedLm(): Promise<ScriptedLmApi> {
  const ext = vscode.extensions.getExtension<ScriptedLmApi>(LM_EXTENSION_ID);
  assert.ok(ext, `the scripted chat model provider ${LM_EXTENSION_ID} is not installed (see runInServer.mjs)`);
  return ext.isActive ? ext.exports : ext.activate();
}

async function setModelSource(source: 'anthropic' | 'vscode' | undefined, model?: string): Promise<void> {
  const c = vscode.workspace.getConfiguration(Settings.section);
  await c.update(Settings.modelSource, source, vscode.ConfigurationTarget.Global);
  await c.update(Settings.vscodeModel, model, vscode.ConfigurationTarget.Global);
}

/** Starts "Run All Tasks" and waits for the run's end; the messages shown on the way are returned. */
async function runToEnd(api: ParallelAgentsApi): Promise<{ run: RunSnapshot; shown: readonly ShownMessage[] }> {
  let started: RunSnapshot | undefined;
  let run: RunSnapshot | undefined;
  const { shown } = await withMessages(undefined, async (seen) => {
    started = await vscode.commands.executeCommand<RunSnapshot | undefined>(Commands.runTasks);
    assert.ok(started, `the run did not start: ${JSON.stringify(seen)}`);
    const id = started.runId;
    run = await waitFor('the run to finish', () => {
      const r = api.runs.find(id);
      return r && r.status !== 'running' ? r : undefined;
    }, 60_000);
    await waitFor('the end-of-run message', () => seen.some((m) => m.message.includes(`run ${id}`)));
  });
  return { run: run as RunSnapshot, shown };
}

function twoTasks(a: string, b: string): string {
  return [
    'version: 1',
    'concurrency: 2',
    'tasks:',
    `  ${a}:`,
    '    prompt: Write notes/a.md.',
    '    owns: [notes/a.md]',
    `  ${b}:`,
    '    prompt: Write notes/b.md.',
    '    owns: [notes/b.md]',
    '',
  ].join('\n');
}

const writes = (p: string, content: string, then: string): ScriptedTurn[] => [{ toolCalls: [{ name: 'write_file', input: { path: p, content } }] }, { text: then }];

describe("agents on VS Code's language models (vscode.lm, scripted provider)", () => {
  let api: ParallelAgentsApi;
  let lm: ScriptedLmApi;
  let example: string;
  let originalTaskFile: string;

  before(async () => {
    api = await activateExtension();
    lm = await scriptedLm();
    example = path.join(vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath as string, 'examples', 'four-step');
    originalTaskFile = await readFile(taskFileUri());
    await closeAllEditors();
  });

  after(async () => {
    for (const r of api.runs.runs()) api.runs.cancelRun(r.runId);
    lm.setRegistered(true);
    await setModelSource(undefined);
    await closeAllEditors();
    for (const f of [...EXAMPLE_FILES, ...ADDED_BY_RUN]) rmSync(file(f).fsPath, { force: true });
    for (const d of ['docs', 'scripts', 'reports', 'test', 'notes']) rmSync(file(d).fsPath, { recursive: true, force: true });
    await writeFile(taskFileUri(), originalTaskFile);
  });

  it('VS Code offers the scripted model, and "Choose VS Code Model…" lists it with vendor and family, then switches agents to it', async () => {
    const models = await vscode.lm.selectChatModels({ vendor: lm.vendor });
    assert.deepEqual(models.map((m) => [m.id, m.vendor, m.family, m.name]), [[lm.modelId, lm.vendor, lm.family, lm.name]]);
    const w = vscode.window as unknown as Record<string, unknown>;
    const saved = w['showQuickPick'];
    let listed: vscode.QuickPickItem[] = [];
    w['showQuickPick'] = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) => {
      listed = [...(await items)];
      return listed.find((i) => i.label === lm.name);
    };
    try {
      const { shown } = await withMessages(undefined, async () => vscode.commands.executeCommand(Commands.chooseVscodeModel));
      const ours = listed.find((i) => i.label === lm.name);
      assert.ok(ours, JSON.stringify(listed));
      assert.match(ours.description ?? '', new RegExp(`${lm.vendor} · ${lm.family}`));
      assert.match(ours.detail ?? '', new RegExp(`id ${lm.modelId}`));
      assert.ok(shown.some((m) => /now run on VS Code's model Scripted Model \(pa-scripted\/scripted-1\)/.test(m.message)), JSON.stringify(shown));
    } finally {
      w['showQuickPick'] = saved;
    }
    const c = vscode.workspace.getConfiguration(Settings.section);
    assert.equal(c.get(Settings.modelSource), 'vscode');
    assert.equal(c.get(Settings.vscodeModel), lm.modelId);
  });

  describe('the four-step example on a VS Code model', () => {
    let run: RunSnapshot;
    const taskNode = (id: string): AgentsNode => {
      const r = api.runs.find(run.runId) as RunSnapshot;
      return { type: 'task', run: r, task: r.tasks.find((t) => t.id === id) as RunSnapshot['tasks'][number] };
    };

    before(async () => {
      for (const f of EXAMPLE_FILES) cpSync(path.join(example, f), file(f).fsPath);
      await writeFile(taskFileUri(), readFileSync(path.join(example, '.agents', 'tasks.yaml'), 'utf8'));
      await setModelSource('vscode', lm.modelId);
      // The scripted provider plays plain turn lists: the tests agent's script (a function of
      // the conversation on the Messages server) as fixed turns, its run_command included.
      const four = fourStepScript() as Record<string, unknown>;
      const tests: ScriptedTurn[] = [
        { toolCalls: [{ name: 'read_file', input: { path: 'src/slugify.js' } }] },
        {
          toolCalls: [
            { name: 'write_file', input: { path: 'docs/api.md', content: 'overwritten' } },
            { name: 'write_file', input: { path: 'test/slugify.test.js', content: TEST_FILE } },
          ],
        },
        { toolCalls: [{ name: 'run_command', input: { command: TESTS_COMMAND } }] },
        { text: TESTS_SUMMARY },
      ];
      lm.setScript({ tests, docs: four['docs'] as ScriptedTurn[], changelog: four['changelog'] as ScriptedTurn[] });
    });

    it('runs all four tasks without an API key; the tree, the end-of-run message and the tooltip name the model; cost is unknown', async () => {
      const before = lm.requests.length;
      const ended = await runToEnd(api);
      run = ended.run;
      assert.equal(run.status, 'succeeded', JSON.stringify(run.tasks.map((t) => [t.id, t.status, t.error])));
      const ours = lm.requests.slice(before);
      assert.ok(ours.length >= 8, `only ${ours.length} requests reached the VS Code model`);
      assert.ok(ours.every((r) => r.outcome === 'served'), JSON.stringify(ours));
      // Every agent got the shared file tools as LanguageModelChatTools.
      const fileTools = ['delete_file', 'edit_file', 'list_files', 'read_file', 'search', 'write_file'];
      for (const r of ours) {
        const extra = r.taskId === 'tests' ? ['run_command'] : []; // commands: true in the example
        assert.deepEqual([...r.tools].sort(), [...fileTools, ...extra].sort(), `${r.taskId} turn ${r.turn}`);
      }
      assert.equal(run.modelSource, 'vscode');
      assert.equal(run.modelLabel, 'VS Code · Scripted Model (pa-scripted/scripted-1)');
      const end = ended.shown.find((m) => m.message.includes(`run ${run.runId}`));
      assert.match(end?.message ?? '', /succeeded on VS Code · Scripted Model \(pa-scripted\/scripted-1\)/);
      assert.match(end?.message ?? '', /Cost unknown/);
      const runNode = api.agentsTree.getChildren().find((n) => n.type === 'run' && n.run.runId === run.runId) as AgentsNode;
      const runTip = (api.agentsTree.getTreeItem(runNode).tooltip as vscode.MarkdownString).value;
      assert.match(runTip, /cost unknown/);
      assert.match(runTip, /Model: VS Code · Scripted Model/);
      const children = (id: string) => api.agentsTree.getChildren(taskNode(id)).map((c) => (c.type === 'file' ? c.path : c.type));
      assert.deepEqual(children('tests'), ['test/slugify.test.js', 'transcript']);
      assert.deepEqual(children('docs'), ['docs/api.md', 'transcript']);
      const tests = api.agentsTree.getTreeItem(taskNode('tests'));
      const tip = (tests.tooltip as vscode.MarkdownString).value;
      assert.match(tip, /Tokens: [1-9]\d* in · [1-9]\d* out/); // counted with the model's countTokens
      assert.ok(tip.includes(TESTS_SUMMARY), tip);
      assert.equal(run.tasks.reduce((s, t) => s + t.costUsd, 0), 0);
    });

    it("refuses the tests agent's write outside what it owns, and tells the model so in a tool result", () => {
      const toModel = lm.requests.filter((r) => r.taskId === 'tests' && r.turn === 2);
      assert.ok(toModel.length >= 1);
      const results = toModel[toModel.length - 1]?.toolResults ?? [];
      assert.ok(results.some((t) => /^Error: write_file refused: .*docs\/api\.md/.test(t)), JSON.stringify(results));
      assert.ok(results.some((t) => /Created "test\/slugify\.test\.js"/.test(t)), JSON.stringify(results));
    });

    it("opens a task's changed file as a diff, then applies the run", async () => {
      const node = api.agentsTree.getChildren(taskNode('docs')).find((c) => c.type === 'file') as AgentsNode;
      await vscode.commands.executeCommand(Commands.openTaskChanges, node);
      const tab = await waitFor('the diff tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff));
      assert.equal(tab.label, 'api.md (docs: base ↔ result)');
      assert.match((await vscode.workspace.openTextDocument((tab.input as vscode.TabInputTextDiff).modified)).getText(), /## isSlug\(text\)/);
      await closeAllEditors();
      const applied = await vscode.commands.executeCommand<RunApplied | undefined>(Commands.applyRun, { type: 'run', run: api.runs.find(run.runId) });
      assert.ok(applied);
      assert.deepEqual([...applied.result.applied].sort(), ['CHANGELOG.md', 'docs/api.md', 'reports/lint.txt', 'test/slugify.test.js']);
      assert.equal(await readFile(file('test/slugify.test.js')), TEST_FILE);
      assert.ok(await vscode.commands.executeCommand<boolean>(Commands.undoApply, { type: 'run', run: api.runs.find(run.runId) }));
      assert.equal(exists('test/slugify.test.js'), false);
    });
  });

  describe('errors of the VS Code model', () => {
    beforeEach(async () => {
      await setModelSource('vscode', lm.modelId);
      rmSync(file('notes').fsPath, { recursive: true, force: true });
    });

    it("a Blocked (quota / rate limit) reply backs every agent off through the run's shared gate, then the turn is sent again", async () => {
      await writeFile(taskFileUri(), twoTasks('slow', 'other'));
      lm.setScript({
        // Blocked at its second turn, while the other agent's first reply is still on its way.
        slow: [
          { toolCalls: [{ name: 'list_files', input: {} }] },
          { faults: ['Blocked'], toolCalls: [{ name: 'write_file', input: { path: 'notes/a.md', content: 'a\n' } }] },
          { text: 'Wrote a.' },
        ],
        // Its first reply comes just after the Blocked one, so its next request meets the cooldown.
        other: [{ afterFaultOf: 'slow', toolCalls: [{ name: 'write_file', input: { path: 'notes/b.md', content: 'b\n' } }] }, { text: 'Wrote b.' }],
      });
      const before = lm.requests.length;
      const { run } = await runToEnd(api);
      assert.equal(run.status, 'succeeded', JSON.stringify(run.tasks.map((t) => [t.id, t.status, t.error])));
      const ours = lm.requests.slice(before);
      const blocked = ours.find((r) => r.fault === 'Blocked');
      assert.ok(blocked, JSON.stringify(ours));
      // The gate's first cooldown is 1 s: no agent's request reached the model during it.
      const during = ours.filter((r) => r.at > blocked.at && r.at < blocked.at + 900);
      assert.deepEqual(during, [], 'requests were sent during the cooldown');
      assert.ok(ours.some((r) => r.taskId === 'other' && r.turn === 1 && r.at >= blocked.at + 900), JSON.stringify(ours));
      assert.ok(ours.some((r) => r.taskId === 'slow' && r.turn === 1 && r.outcome === 'served'), 'the blocked turn was not sent again');
    });

    it('NoPermissions stops the run and every agent with a message that says how to allow the model', async () => {
      await writeFile(taskFileUri(), twoTasks('denied', 'waiting'));
      lm.setScript({
        denied: [{ faults: ['NoPermissions'] }],
        waiting: [{ delayMs: 2000, text: 'never reached' }],
      });
      const { run, shown } = await runToEnd(api);
      const said = /VS Code did not allow Parallel Agents to use the language model Scripted Model \(pa-scripted\/scripted-1\) \(NoPermissions[^]*Manage Language Model Access/;
      // As after a 401: the run's gate trips, the run stops with the message, and no agent goes on.
      assert.match(run.stopReason ?? '', said);
      assert.notEqual(run.status, 'succeeded');
      assert.ok(run.tasks.every((t) => t.status === 'failed' || t.status === 'cancelled'), JSON.stringify(run.tasks));
      assert.ok(!lm.requests.some((r) => r.taskId === 'waiting' && r.outcome === 'served'), 'the other agent went on');
      const end = shown.find((m) => m.message.includes(`run ${run.runId}`));
      assert.match(end?.message ?? '', /did not allow Parallel Agents/);
      assert.doesNotMatch(end?.message ?? '', /\n\s+at /); // no stack trace
    });

    it('NotFound fails the agent clearly, naming the command that chooses another model', async () => {
      await writeFile(taskFileUri(), twoTasks('gone', 'fine'));
      lm.setScript({ gone: [{ faults: ['NotFound'] }], fine: writes('notes/b.md', 'b\n', 'Wrote b.') });
      const { run } = await runToEnd(api);
      const gone = run.tasks.find((t) => t.id === 'gone');
      assert.equal(gone?.status, 'failed');
      assert.match(gone?.error ?? '', /The language model Scripted Model \(pa-scripted\/scripted-1\) is no longer available in VS Code \(NotFound/);
      assert.match(gone?.error ?? '', /Choose VS Code Model…/);
    });

    it('a model VS Code no longer offers stops the run before it starts, saying which models there are', async () => {
      await writeFile(taskFileUri(), twoTasks('a', 'b'));
      await setModelSource('vscode', 'no-such-model');
      const { shown } = await withMessages(undefined, async () => {
        assert.equal(await vscode.commands.executeCommand(Commands.runTasks), undefined);
      });
      const err = shown.find((m) => m.severity === 'error');
      assert.match(err?.message ?? '', /the VS Code model "no-such-model" \(setting parallelAgents\.vscodeModel\) is not available; VS Code offers .*"scripted-model".*Choose VS Code Model…/);
    });

    it('cancelling mid-stream ends the agents cancelled at once, and the rest of the reply is never acted on', async () => {
      await writeFile(taskFileUri(), twoTasks('streaming', 'idle'));
      const late = { toolCalls: [{ name: 'write_file', input: { path: 'notes/a.md', content: 'too late\n' } }] };
      lm.setScript({
        streaming: [{ text: 'Working on notes/a.md…', hold: true, ...late }],
        idle: [{ text: 'nothing to do', hold: true }],
      });
      const before = lm.requests.length;
      const started = await vscode.commands.executeCommand<RunSnapshot | undefined>(Commands.runTasks);
      assert.ok(started);
      await waitFor('both replies to be streaming', () => lm.requests.slice(before).filter((r) => r.outcome === 'open').length === 2);
      await withMessages(undefined, async () => {
        assert.ok(api.runs.cancelRun(started.runId));
        const run = await waitFor('the run to end', () => {
          const r = api.runs.find(started.runId);
          return r && r.status !== 'running' ? r : undefined;
        });
        assert.equal(run.status, 'cancelled');
        assert.deepEqual(run.tasks.map((t) => t.status), ['cancelled', 'cancelled']);
      });
      // VS Code 1.100 does not pass a consumer's cancellation on to a provider whose reply is
      // already streaming (seen here), so the reply goes on: its tool call must not run.
      lm.release();
      await waitFor('the held replies to end', () => lm.requests.slice(before).every((r) => r.outcome !== 'open'));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(exists('notes/a.md'), false);
      const r = api.runs.find(started.runId) as RunSnapshot;
      assert.deepEqual(r.tasks.map((t) => t.changed ?? []), [[], []]);
    });
  });
});
