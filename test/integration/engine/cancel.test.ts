import * as assert from 'node:assert/strict';
import { startRun } from '../../../src/engine';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { exampleRepo, git, whenRunning } from './fixture';
import { fourStepScript } from './fourStepScript';

describe('engine: cancellation and retry', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let repo: ReturnType<typeof exampleRepo>;
  beforeEach(async () => {
    // Slow turns, so that cancels land mid-request.
    fake = await startFakeAnthropic({ script: fourStepScript(), latencyMs: 400 });
    repo = exampleRepo();
  });
  afterEach(async () => {
    await fake.close();
    repo.cleanup();
  });

  it('cancelling one task skips its dependents while the others finish; retry runs both', async () => {
    const run = await startRun({ workspace: repo.dir, apiKey: 'k', baseURL: fake.baseURL, maxRetries: 0 });
    await whenRunning(run, 'tests');
    assert.ok(run.cancelTask('tests'));
    const view = await run.done;
    const status = Object.fromEntries(view.tasks.map((t) => [t.id, t.status]));
    assert.deepEqual(status, { tests: 'cancelled', docs: 'succeeded', lint: 'succeeded', changelog: 'skipped' });
    assert.equal(view.status, 'cancelled');

    assert.ok(run.retry('tests'));
    const again = await run.whenIdle();
    assert.deepEqual(
      again.tasks.map((t) => [t.id, t.status]),
      [['tests', 'succeeded'], ['docs', 'succeeded'], ['lint', 'succeeded'], ['changelog', 'succeeded']],
    );
    assert.equal(again.status, 'succeeded');
    run.dispose();
  });

  it('cancelling the run stops every task promptly; the working tree is untouched', async () => {
    const before = git(repo.dir, 'status', '--porcelain');
    const controller = new AbortController();
    const run = await startRun({ workspace: repo.dir, apiKey: 'k', baseURL: fake.baseURL, maxRetries: 0, signal: controller.signal });
    await whenRunning(run, 'docs');
    const t0 = Date.now();
    controller.abort();
    const view = await run.done;
    assert.ok(Date.now() - t0 < 5000, 'the run settled soon after the cancel');
    for (const t of view.tasks) assert.ok(['cancelled', 'skipped', 'succeeded'].includes(t.status), `${t.id}: ${t.status}`);
    assert.equal(view.tasks.find((t) => t.id === 'changelog')?.status !== 'succeeded', true);
    assert.equal(git(repo.dir, 'status', '--porcelain'), before);
    run.dispose();
  });

  it('a run with agent tasks and no API key is refused before anything is written', async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      await assert.rejects(startRun({ workspace: repo.dir, baseURL: fake.baseURL }), /no API key: set ANTHROPIC_API_KEY/);
      assert.equal(git(repo.dir, 'for-each-ref', 'refs/parallel-agents'), '');
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
    }
  });
});
