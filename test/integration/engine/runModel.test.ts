// The run's model rule, end to end: a task's own `model`, then the task file's top-level
// `model`, then the caller's (the CLI's option, VS Code's `parallelAgents.model` setting),
// then the default — the more specific the place, the more it counts, as the setting's
// description says.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startRun } from '../../../src/engine';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { git } from './fixture';

function repoWith(taskFile: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-model-'));
  mkdirSync(path.join(dir, '.agents'));
  writeFileSync(path.join(dir, '.agents', 'tasks.yaml'), taskFile);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'tasks');
  return dir;
}

describe('engine: which model a run uses', function () {
  this.timeout(30_000);
  let fake: FakeAnthropic;
  let dir: string;
  afterEach(async () => {
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function modelsSent(taskFile: string, callerModel?: string): Promise<unknown[]> {
    fake = await startFakeAnthropic({ script: { short: [{ text: 'finished' }] } });
    dir = repoWith(taskFile);
    const run = await startRun({ workspace: dir, apiKey: 'k', baseURL: fake.baseURL, maxRetries: 0, ...(callerModel && { model: callerModel }) });
    const view = await run.done;
    run.dispose();
    assert.equal(view.status, 'succeeded', JSON.stringify(view.tasks.map((t) => t.error)));
    return fake.requests.map((r) => r.body['model']);
  }

  it("the task file's top-level model beats the caller's (setting or option)", async () => {
    const file = 'version: 1\nmodel: file-model\ntasks:\n  short:\n    prompt: Say finished.\n    owns: [a/**]\n';
    const sent = await modelsSent(file, 'setting-model');
    assert.deepEqual(sent, ['file-model']);
  });

  it("the caller's model is used when the task file names none", async () => {
    const file = 'version: 1\ntasks:\n  short:\n    prompt: Say finished.\n    owns: [a/**]\n';
    const sent = await modelsSent(file, 'setting-model');
    assert.deepEqual(sent, ['setting-model']);
  });
});
