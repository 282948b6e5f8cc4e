// A settled run holds no child process (issue 12 §4): the `git cat-file --batch` children
// its agents read the repository through end when it finishes, and a retry of the settled
// run reads through new ones, which end when it settles again. Agents answered by the
// scripted Messages API (test/fake-anthropic).
import * as assert from 'node:assert/strict';
import { startRun } from '../../../src/engine';
import { procAvailable, watchChildren, whenEnded } from '../../childProcesses';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { exampleRepo, whenRunning } from './fixture';
import { fourStepScript } from './fourStepScript';

describe('engine: a settled run releases its git children', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let repo: ReturnType<typeof exampleRepo>;
  before(function () {
    if (!procAvailable()) this.skip();
  });
  beforeEach(async () => {
    // Slow turns: the run's readers are alive for a while before it settles.
    fake = await startFakeAnthropic({ script: fourStepScript(), latencyMs: 200 });
    repo = exampleRepo();
  });
  afterEach(async () => {
    await fake?.close();
    repo?.cleanup();
  });

  it('ends its cat-file children when it finishes, and again after a retry', async () => {
    const first = watchChildren('cat-file');
    const run = await startRun({ workspace: repo.dir, apiKey: 'k', baseURL: fake.baseURL, maxRetries: 0 });
    try {
      await whenRunning(run, 'tests');
      assert.ok(run.cancelTask('tests'));
      const view = await run.done;
      const pids = first.stop();
      assert.equal(view.tasks.find((t) => t.id === 'docs')?.status, 'succeeded');
      assert.ok(pids.length > 0, 'the agents read the repository through no cat-file child');
      await whenEnded(pids);

      const second = watchChildren('cat-file');
      assert.ok(run.retry('tests'));
      const again = await run.whenIdle();
      const later = second.stop();
      assert.equal(again.tasks.find((t) => t.id === 'tests')?.status, 'succeeded', 'the retry read the repository again');
      assert.ok(later.length > 0, 'the retry read the repository through no cat-file child');
      await whenEnded(later);
    } finally {
      run.dispose();
    }
  });
});
