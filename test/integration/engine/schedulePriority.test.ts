// The run starts ready tasks longest remaining path first, as the plan's list schedule
// (expectedMakespan) assumes. It ranked them by "critical path − earliest start", which ties
// a short independent task with the head of a long chain: at concurrency 1 the short one
// went first when it came first in the file, and the chain finished a task later
// (layered16 at concurrency 3 lost 0.5 s of 6.5 s to that alone). And once earlier runs
// measured the tasks, their durations weigh the paths: a chain of slow tasks before an
// equally long chain of quick ones.
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
  const dirs: string[] = [];
  before(async () => {
    const slow = [{ text: 'Done.', delayMs: 400 }];
    fake = await startFakeAnthropic({ latencyMs: 0, apiKey: 'test-key', script: { slow1: slow, slow2: slow }, fallbackTurn: () => ({ text: 'Done.' }) });
  });
  after(async () => {
    await fake.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A repository whose task file has these tasks (id → dependsOn), at concurrency 1. */
  function graph(tasks: Record<string, string[]>): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'pa-priority-'));
    dirs.push(dir);
    mkdirSync(path.join(dir, '.agents'));
    const lines = ['version: 1', 'concurrency: 1', 'tasks:'];
    for (const [id, deps] of Object.entries(tasks)) {
      lines.push(`  ${id}:`, '    prompt: Say done.', `    owns: [${id}.txt]`);
      if (deps.length) lines.push(`    dependsOn: [${deps.join(', ')}]`);
    }
    writeFileSync(path.join(dir, '.agents/tasks.yaml'), `${lines.join('\n')}\n`);
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'graph');
    return dir;
  }

  async function startOrder(dir: string): Promise<string[]> {
    const run = await startRun({ workspace: dir, apiKey: 'test-key', baseURL: fake.baseURL, maxRetries: 0 });
    const record = await run.done;
    run.dispose();
    assert.equal(record.status, 'succeeded');
    return [...record.tasks].sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0)).map((t) => t.id);
  }

  it('the head of the longest chain before a short independent task listed first', async () => {
    const order = await startOrder(graph({ short: [], chain1: [], chain2: ['chain1'], chain3: ['chain2'] }));
    // then chain3 and short tie (one task left each): the file's order decides
    assert.deepEqual(order, ['chain1', 'chain2', 'short', 'chain3']);
  });

  it('after a first run, the chain its tasks took longest in before an equally long quick one', async () => {
    const dir = graph({ quick1: [], quick2: ['quick1'], slow1: [], slow2: ['slow1'] });
    assert.deepEqual(await startOrder(dir), ['quick1', 'slow1', 'quick2', 'slow2'], 'no history: 1 per task, the file order breaks ties');
    assert.deepEqual(await startOrder(dir), ['slow1', 'slow2', 'quick1', 'quick2']);
  });
});
