// Issue 10 §2 end to end: an agent (the real SDK against the fake API) searches with a
// catastrophic pattern. Another agent of the same process keeps working meanwhile, the
// model gets a tool error saying the pattern is too costly and carries on, and a cancel
// during such a search ends the task at once.
import assert from 'node:assert/strict';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { MemoryWorkspace } from '../../../src/agents/memoryWorkspace';
import { agentTask, Recorder, runAgent, until } from './helpers';

const SLOW = `${'a'.repeat(40)}!\n`; // ^(a+)+$ backtracks 2^40 times on it

describe('agents: a catastrophic search pattern (fake API over HTTP)', function () {
  this.timeout(30_000);
  let fake: FakeAnthropic;
  afterEach(async () => fake?.close());

  it('comes back to the model as a tool error while another agent runs; the task then finishes', async () => {
    fake = await startFakeAnthropic({
      script: {
        slow: [{ toolCalls: [{ name: 'search', input: { pattern: '^(a+)+$' } }] }, { text: 'Searched with a simpler pattern instead.' }],
        quick: [{ toolCalls: [{ name: 'write_file', input: { path: 'src/q.ts', content: 'q\n' } }] }, { text: 'Wrote src/q.ts.' }],
      },
    });
    const slowWs = new MemoryWorkspace({ 'data/slow.txt': SLOW });
    const quickWs = new MemoryWorkspace({});
    const slow = runAgent(fake, agentTask('slow', ['src/**']), slowWs);
    const quick = await runAgent(fake, agentTask('quick', ['src/**']), quickWs);
    assert.equal(quick.status, 'succeeded');
    assert.equal(quickWs.text('src/q.ts'), 'q\n');
    const r = await slow;
    assert.equal(r.status, 'succeeded', r.error);
    assert.equal(r.output, 'Searched with a simpler pattern instead.');
    const result = (fake.requests.find((q) => JSON.stringify(q.body['messages']).includes('too costly'))?.body['messages'] as Array<{ content: Array<Record<string, unknown>> }> | undefined)?.[0]?.content[0];
    assert.equal(result?.['is_error'], true);
    assert.match(String(result?.['content']), /The search pattern "\^\(a\+\)\+\$" is too costly: it ran for more than 3 s/);
  });

  it('a cancel during the search ends the task as cancelled', async () => {
    fake = await startFakeAnthropic({ script: { slow: [{ toolCalls: [{ name: 'search', input: { pattern: '^(a+)+$' } }] }, { text: 'never' }] } });
    const rec = new Recorder();
    const ac = new AbortController();
    const run = runAgent(fake, agentTask('slow', ['src/**']), new MemoryWorkspace({ 'data/slow.txt': SLOW }), { recorder: rec, signal: ac.signal });
    await until(() => rec.of('tool_use').length > 0, 'the search to start');
    ac.abort();
    const r = await run;
    assert.equal(r.status, 'cancelled');
    // the search was ended by the cancel, not by its budget
    assert.ok(rec.of('tool_result').every((e) => !JSON.stringify(e.data).includes('too costly')), JSON.stringify(rec.of('tool_result')));
  });
});
