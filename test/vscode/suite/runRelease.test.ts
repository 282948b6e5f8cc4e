// A finished run holds no child process in the extension host (issue 12 §4): the
// `git cat-file --batch` children its agents read the repository through end when the run
// does, and the finished run can still be retried in the window. Agents answered by the
// scripted Messages API (test/fake-anthropic, a test double).
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as vscode from 'vscode';
import { isRunning, procAvailable, watchChildren } from '../../childProcesses';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { write } from '../../integration/strategies/script';
import type { AgentsNode } from '../../../src/vscode/agentsTree';
import type { ParallelAgentsApi } from '../../../src/vscode/app';
import { Commands } from '../../../src/vscode/ids';
import type { RunSnapshot } from '../../../src/vscode/runSnapshot';
import { activateExtension, closeAllEditors, pointEngineAt, readFile, taskFileUri, waitFor, workspaceRoot, writeFile } from './helpers';

const TASKS = `version: 1
tasks:
  note:
    prompt: Read README.md and write a note about it.
    owns: [notes/release.md]
  broken:
    run: exit 3
    owns: [notes/broken.txt]
`;

describe('a finished run releases its child processes', function () {
  let api: ParallelAgentsApi;
  let fake: FakeAnthropic;
  let originalTaskFile: string;
  let restoreEnv: () => void = () => undefined;

  before(async function () {
    if (!procAvailable()) this.skip();
    api = await activateExtension();
    originalTaskFile = await readFile(taskFileUri());
    await writeFile(taskFileUri(), TASKS);
    // Each turn waits, so the run's reader is seen alive for a while before the run ends.
    fake = await startFakeAnthropic({
      latencyMs: 300,
      script: { note: [{ toolCalls: [{ name: 'read_file', input: { path: 'README.md' } }] }, write('notes/release.md', 'A fixture.\n'), { text: 'Noted.' }] },
    });
    restoreEnv = pointEngineAt(fake.baseURL);
    await closeAllEditors();
  });
  after(async () => {
    for (const r of api?.runs.runs() ?? []) api.runs.cancelRun(r.runId);
    restoreEnv();
    await fake?.close();
    rmSync(vscode.Uri.joinPath(workspaceRoot(), 'notes').fsPath, { recursive: true, force: true });
    if (originalTaskFile !== undefined) await writeFile(taskFileUri(), originalTaskFile);
  });

  it("ends the run's git cat-file children when it finishes; the finished run still takes a retry", async () => {
    const watch = watchChildren('cat-file');
    let runId: string;
    let pids: number[];
    try {
      const started = await vscode.commands.executeCommand<RunSnapshot | undefined>(Commands.runTasks);
      assert.ok(started, 'the run did not start (see the log)');
      runId = started.runId;
      await waitFor('the run to finish', () => api.runs.find(runId)?.status !== 'running', 60_000);
    } finally {
      pids = watch.stop();
    }
    const run = api.runs.find(runId) as RunSnapshot;
    assert.equal(run.tasks.find((t) => t.id === 'note')?.status, 'succeeded', JSON.stringify(run.tasks.map((t) => [t.id, t.status, t.error])));
    assert.ok(pids.length > 0, 'the run read the repository through no git cat-file child (nothing to release)');
    await waitFor(`the run's cat-file children (${pids.join(', ')}) to end`, () => !pids.some(isRunning), 10_000);

    // The finished run still takes a retry (its failed command task), and ends released again.
    const again = watchChildren('cat-file');
    let later: number[];
    try {
      const r = api.runs.find(runId) as RunSnapshot;
      const broken = { type: 'task', run: r, task: r.tasks.find((t) => t.id === 'broken') } as AgentsNode;
      assert.equal(await vscode.commands.executeCommand(Commands.retryTask, broken), true);
      // The retry reopened the run (status running) before it returned.
      await waitFor('the retried run to finish', () => api.runs.find(runId)?.status !== 'running', 60_000);
    } finally {
      later = again.stop();
    }
    await waitFor(`the retried run's cat-file children (${later.join(', ')}) to end`, () => !later.some(isRunning), 10_000);
  });
});
