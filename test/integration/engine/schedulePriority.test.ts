// The run starts ready tasks longest remaining path first, as the plan's list schedule
// (expectedMakespan) assumes. It ranked them by "critical path − earliest start", which ties
// a short independent task with the head of a long chain: at concurrency 1 the short one
// went first when it came first in the file, and the chain finished a task later
// (layered16 at concurrency 3 lost 0.5 s of 6.5 s to that alone).
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startRun } from '../../../src/engine';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { git } from './fixture';

describe('engine: which ready task starts first', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let dir: string;
  before(async () => {
    fake = await startFakeAnthropic({ latencyMs: 0, apiKey: 'test-key', fallbackTurn: () => ({ text: 'Done.' }) });
    dir = mkdtempSync(path.join(tmpdir(), 'pa-priority-'));
    mkdirSync(path.join(dir, '.agents'));
    writeFileSync(
      path.join(dir, '.agents/tasks.yaml'),
      [
        'version: 1',
        'concurrency: 1',
        'tasks:',
        '  short:',
        '    prompt: Say done.',
        '    owns: [short.txt]',
        '  chain1:',
        '    prompt: Say done.',
        '    owns: [c1.txt]',
        '  chain2:',
        '    prompt: Say done.',
        '    owns: [c2.txt]',
        '    dependsOn: [chain1]',
        '  chain3:',
        '    prompt: Say done.',
        '    owns: [c3.txt]',
        '    dependsOn: [chain2]',
        '',
      ].join('\n'),
    );
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'graph');
  });
  after(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the head of the longest chain before a short independent task listed first', async () => {
    const run = await startRun({ workspace: dir, apiKey: 'test-key', baseURL: fake.baseURL, maxRetries: 0 });
    const record = await run.done;
    run.dispose();
    assert.equal(record.status, 'succeeded');
    const order = [...record.tasks].sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0)).map((t) => t.id);
    // then chain3 and short tie (one task left each): the file's order decides
    assert.deepEqual(order, ['chain1', 'chain2', 'short', 'chain3']);
  });
});
