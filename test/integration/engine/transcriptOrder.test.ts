// A task's transcript (JSONL) lists entries in the order they happened: each model turn
// before the tool calls it asked for, each tool call before its result. Appends are
// batched per burst; two batches in flight at once must not land out of order (the
// Markdown transcript then shows a tool's result under the previous call).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { startRun } from '../../../src/engine';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { exampleRepo } from './fixture';
import { fourStepScript } from './fourStepScript';

interface Entry {
  type: string;
  data: { id?: string; content?: Array<{ type: string; id?: string }> };
}

describe('engine: transcripts in the order things happened', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let repo: ReturnType<typeof exampleRepo>;
  beforeEach(async () => {
    fake = await startFakeAnthropic({ script: fourStepScript(), latencyMs: 0, apiKey: 'test-key' });
    repo = exampleRepo();
  });
  afterEach(async () => {
    await fake.close();
    repo.cleanup();
  });

  it('every tool_use follows the assistant turn that asked for it, and every tool_result its tool_use', async () => {
    const run = await startRun({ workspace: repo.dir, apiKey: 'test-key', baseURL: fake.baseURL, maxRetries: 0 });
    const record = await run.done;
    run.dispose();
    for (const id of ['tests', 'docs', 'changelog']) {
      const file = path.join(repo.dir, '.git/parallel-agents/runs', record.runId, `${id}.jsonl`);
      const entries = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Entry);
      const asked = new Set<string>();
      const started = new Set<string>();
      for (const [i, e] of entries.entries()) {
        if (e.type === 'assistant') for (const c of e.data.content ?? []) if (c.type === 'tool_use' && c.id) asked.add(c.id);
        if (e.type === 'tool_use') {
          assert.ok(asked.has(e.data.id!), `${id}.jsonl entry ${i}: tool_use ${e.data.id} before the turn that asked for it (${entries.map((x) => x.type).join(', ')})`);
          started.add(e.data.id!);
        }
        if (e.type === 'tool_result') assert.ok(started.has(e.data.id!), `${id}.jsonl entry ${i}: tool_result ${e.data.id} before its tool_use`);
      }
      assert.ok(started.size > 0, `${id} made tool calls`);
    }
  });
});
