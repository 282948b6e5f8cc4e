import * as assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { Commands } from '../../../src/vscode/ids';
import { activateExtension } from './helpers';

interface Manifest {
  contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> };
}

describe('activation', () => {
  it('activates in a workspace with .agents/tasks.yaml and returns its API', async () => {
    const api = await activateExtension();
    assert.ok(api.planPanels, 'the API has planPanels');
    assert.ok(api.statusBar, 'the API has statusBar');
    assert.ok(api.diagnostics, 'the API has diagnostics');
    assert.ok(api.runs, 'the API has runs');
  });

  it('registers every command package.json contributes, and nothing in ids.ts is missing from it', async () => {
    await activateExtension();
    const ext = vscode.extensions.getExtension('parallel-agents.parallel-agents');
    const manifest = ext?.packageJSON as Manifest;
    const contributed = manifest.contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
    assert.deepEqual([...contributed].sort(), Object.values(Commands).sort());
  });

  it('contributes the Agents and Conflicts views, whose focus commands exist', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of ['parallelAgents.agents', 'parallelAgents.conflicts']) assert.ok(registered.has(`${id}.focus`), `${id}.focus`);
    await vscode.commands.executeCommand('parallelAgents.agents.focus');
  });

  it('reports how long activation took (read by npm run bench)', async () => {
    await activateExtension();
    const ext = vscode.extensions.getExtension<{ activation?: { activateMs: number; sinceLoadMs?: number } }>('parallel-agents.parallel-agents');
    const t = ext?.exports.activation;
    assert.ok(t && t.activateMs >= 0, 'activate() returns its timing');
    // One line the benchmark parses; the numbers are not asserted (machines are noisy).
    const line = `activation-timing ${JSON.stringify(t)}`;
    if (process.env.PA_TEST_REPORT) appendFileSync(process.env.PA_TEST_REPORT, line + '\n');
    else console.log(line);
  });

  it('shows the idle status bar item', async () => {
    const api = await activateExtension();
    assert.match(api.statusBar.text, /Agents: idle/);
  });

  it('does not start a run of agent tasks without an API key', async () => {
    const api = await activateExtension();
    const before = api.runs.runs().length;
    const result = await vscode.commands.executeCommand(Commands.runTasks);
    assert.equal(result, undefined);
    assert.equal(api.runs.runs().length, before);
  });
});
