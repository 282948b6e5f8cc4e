// A run opens its first agents' connections to the API while it is set up
// (agents/connections.ts): their first requests come on connections the API accepted before
// those tasks started, not on ones made after. Agents answered by the scripted Messages API.
import * as assert from 'node:assert/strict';
import { startRun } from '../../../src/engine';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { exampleRepo } from './fixture';
import { fourStepScript } from './fourStepScript';

describe('engine: connections to the API opened ahead of the first wave', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let repo: ReturnType<typeof exampleRepo>;
  beforeEach(async () => {
    fake = await startFakeAnthropic({ script: fourStepScript() });
    repo = exampleRepo();
  });
  afterEach(async () => {
    await fake?.close();
    repo?.cleanup();
  });

  it("the first agents' first requests come on connections made before they started", async () => {
    const run = await startRun({ workspace: repo.dir, apiKey: 'k', baseURL: fake.baseURL, maxRetries: 0 });
    try {
      const view = await run.done;
      assert.equal(view.status, 'succeeded');
      // tests and docs depend on nothing: the first wave's agents.
      for (const id of ['tests', 'docs']) {
        const task = view.tasks.find((t) => t.id === id);
        const first = fake.requests.find((r) => r.taskId === id);
        assert.ok(task?.startedAt !== undefined && first, `${id} ran and sent a request`);
        assert.ok(first.connectedAt < task.startedAt, `${id}: its first request's connection was accepted ${(first.connectedAt - task.startedAt).toFixed(1)} ms after the task started`);
      }
    } finally {
      run.dispose();
    }
  });
});
