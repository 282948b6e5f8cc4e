// Prune Old Runs… and the keepRuns setting (contract C4, issue 11 §8): runs without
// results, and applied ones, can go; a run with results never applied never does.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ParallelAgentsApi } from '../../../src/vscode/app';
import { Commands } from '../../../src/vscode/ids';
import type { RunSnapshot } from '../../../src/vscode/runSnapshot';
import { activateExtension, answerQuickPick, captureMessages, readFile, taskFileUri, waitFor, workspaceRoot, writeFile } from './helpers';

const TASKS = `version: 1
tasks:
  nothing:
    run: 'true'
    owns: [nothing.txt]
  result:
    run: printf 'r\\n' > result.txt
    owns: [result.txt]
`;
const git = (...args: string[]) => execFileSync('git', args, { cwd: workspaceRoot().fsPath, encoding: 'utf8' }).trim();
const refsOf = (runId: string) => git('for-each-ref', '--format=%(refname)', `refs/parallel-agents/${runId}/`);

describe('pruning old runs', () => {
  let api: ParallelAgentsApi;
  let originalTaskFile: string;

  const runOne = async (taskId: string): Promise<RunSnapshot> => {
    const started = await vscode.commands.executeCommand<RunSnapshot | undefined>(Commands.runTask, taskId, taskFileUri());
    assert.ok(started, 'the run did not start');
    return waitFor(`run ${started.runId} to finish`, () => {
      const r = api.runs.find(started.runId);
      return r && r.status !== 'running' ? r : undefined;
    }, 60_000);
  };

  before(async () => {
    api = await activateExtension();
    originalTaskFile = await readFile(taskFileUri());
    await writeFile(taskFileUri(), TASKS);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('parallelAgents').update('keepRuns', undefined, vscode.ConfigurationTarget.Workspace);
    rmSync(vscode.Uri.joinPath(workspaceRoot(), 'result.txt').fsPath, { force: true });
    await writeFile(taskFileUri(), originalTaskFile);
  });

  it('Prune Old Runs… shows what would go, asks, and keeps the results never applied', async () => {
    const empty = await runOne('nothing');
    const unapplied = await runOne('result');
    const applied = await runOne('result');
    assert.ok(await vscode.commands.executeCommand(Commands.applyRun, { type: 'run', run: applied }));
    assert.ok(refsOf(empty.runId) && refsOf(applied.runId));
    const restorePick = answerQuickPick((labels) => labels.find((l) => l === 'Keep only what must stay'));
    const messages = captureMessages((m) => (m.modal ? 'Prune' : undefined));
    try {
      await vscode.commands.executeCommand(Commands.pruneRuns);
    } finally {
      restorePick();
      messages.restore();
    }
    const modal = messages.shown.find((m) => m.modal);
    assert.ok(modal, JSON.stringify(messages.shown));
    assert.match(modal.message, /^Prune \d+ old runs?\?$/);
    assert.match(modal.detail ?? '', /an applied run's apply can no longer be undone/);
    assert.match(modal.detail ?? '', /Kept: .*\d+ with results never applied/);
    assert.doesNotMatch(`${modal.message} ${modal.detail}`, /--force|parallel-agents /);
    assert.equal(refsOf(empty.runId), '');
    assert.equal(refsOf(applied.runId), '');
    assert.equal(api.runs.find(empty.runId), undefined);
    assert.equal(api.runs.find(applied.runId), undefined);
    assert.notEqual(refsOf(unapplied.runId), '', 'a run with results never applied stays');
    assert.ok(api.runs.find(unapplied.runId));
    assert.match(messages.shown.find((m) => !m.modal)?.message ?? '', /^Parallel Agents: pruned \d+ old runs?; kept \d+/);
  });

  it('keepRuns prunes after a run, beyond the newest N, never results never applied', async () => {
    await vscode.workspace.getConfiguration('parallelAgents').update('keepRuns', 1, vscode.ConfigurationTarget.Workspace);
    const first = await runOne('nothing');
    const second = await runOne('nothing');
    await waitFor('the older run to be pruned', () => refsOf(first.runId) === '' && api.runs.find(first.runId) === undefined, 30_000);
    assert.ok(api.runs.find(second.runId), 'the newest is kept');
    assert.ok(api.runs.runs().some((r) => r.tasks.some((t) => t.id === 'result' && t.resultCommit) && !r.applied), 'results never applied are kept');
  });
});
