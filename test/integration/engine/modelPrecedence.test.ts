// The model rule at the runner (agents/anthropicRunner.ts): a task's own `model` beats
// the request's, which is the run's default (the task file's top-level model, else the
// setting). The engine's whole rule is modelResolver (engine/taskContext.ts).
import * as assert from 'node:assert/strict';
import { MemoryWorkspace } from '../../../src/agents/memoryWorkspace';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { agentTask, runAgent } from '../agents/helpers';

describe('engine: model precedence at the agent runner', () => {
  let fake: FakeAnthropic;
  afterEach(async () => fake?.close());

  it("a task's own model beats the request's default model", async () => {
    fake = await startFakeAnthropic({ script: { short: [{ text: 'finished' }] } });
    const r = await runAgent(fake, agentTask('short', ['out/**'], { model: 'task-own-model' }), new MemoryWorkspace(), { model: 'run-default-model' });
    assert.equal(r.status, 'succeeded', r.error);
    assert.equal(fake.requests[0]?.body['model'], 'task-own-model');
    assert.equal(r.model, 'task-own-model');
  });

  it("without a task model the request's model is used", async () => {
    fake = await startFakeAnthropic({ script: { short: [{ text: 'finished' }] } });
    const r = await runAgent(fake, agentTask('short', ['out/**']), new MemoryWorkspace(), { model: 'run-default-model' });
    assert.equal(fake.requests[0]?.body['model'], 'run-default-model');
    assert.equal(r.model, 'run-default-model');
  });
});
