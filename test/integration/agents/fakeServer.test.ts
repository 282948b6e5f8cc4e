// The fake Messages API itself, through the real SDK.
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { MemoryWorkspace } from '../../../src/agents/memoryWorkspace';
import { agentTask, fakeClient, runAgent } from './helpers';

describe('test/fake-anthropic', () => {
  let fake: FakeAnthropic;
  afterEach(async () => fake?.close());

  it('answers non-streaming requests with a JSON message and usage', async () => {
    fake = await startFakeAnthropic({ script: [{ match: /hello/, turns: [{ text: 'scripted reply' }] }] });
    const msg = await fakeClient(fake.baseURL).messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hello there' }],
    });
    assert.equal(msg.content[0]?.type === 'text' && msg.content[0].text, 'scripted reply');
    assert.equal(msg.stop_reason, 'end_turn');
    assert.ok(msg.usage.input_tokens > 0 && msg.usage.output_tokens > 0);
    assert.equal(fake.requests[0]?.stream, false);
  });

  it('streams text and tool calls that the SDK assembles', async () => {
    fake = await startFakeAnthropic({
      script: [{ match: /go/, turns: [{ text: 'Let me write it.', toolCalls: [{ name: 'write_file', input: { path: 'a', content: 'b'.repeat(100) } }] }] }],
      chunkSize: 7,
    });
    const stream = fakeClient(fake.baseURL).messages.stream({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'go' }] });
    let text = '';
    stream.on('text', (d) => (text += d));
    const msg = await stream.finalMessage();
    assert.equal(text, 'Let me write it.');
    const call = msg.content[1];
    assert.ok(call?.type === 'tool_use');
    assert.deepEqual(call.input, { path: 'a', content: 'b'.repeat(100) });
    assert.equal(msg.stop_reason, 'tool_use');
  });

  it('applies global fault rules by task and turn, a limited number of times', async () => {
    fake = await startFakeAnthropic({
      script: { a: [{ toolCalls: [{ name: 'list_files', input: {} }] }, { text: 'ok' }] },
      faults: [{ kind: 'overloaded', taskId: 'a', turn: 1, times: 2, retryAfterMs: 10 }],
    });
    const r = await runAgent(fake, agentTask('a', ['**']), new MemoryWorkspace(), { client: fakeClient(fake.baseURL, 3) });
    assert.equal(r.status, 'succeeded', r.error);
    assert.deepEqual(fake.requests.map((q) => q.status), [200, 529, 529, 200]);
  });

  it('rejects a wrong API key with 401 when apiKey is set', async () => {
    fake = await startFakeAnthropic({ apiKey: 'right' });
    const client = new Anthropic({ apiKey: 'wrong', baseURL: fake.baseURL, maxRetries: 0, logLevel: 'off' });
    await assert.rejects(
      client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
      (e: unknown) => e instanceof Anthropic.AuthenticationError,
    );
  });

  it('holds message threads; a lost thread makes the SDK replay the full history under a new one', async () => {
    fake = await startFakeAnthropic({
      script: { a: [{ toolCalls: [{ name: 'list_files', input: {} }] }, { text: 'ok', faults: [{ kind: 'thread_lost' }] }] },
    });
    const r = await runAgent(fake, agentTask('a', ['**']), new MemoryWorkspace());
    assert.equal(r.status, 'succeeded', r.error);
    assert.deepEqual(fake.requests.map((q) => [q.thread?.type, q.status]), [['create', 200], ['continue', 404], ['create', 200]]);
    assert.equal((fake.requests[2]?.body['messages'] as unknown[]).length, 3);
    assert.equal(fake.threadCount, 2);
  });

  it('serves a clear fallback reply for conversations without a script', async () => {
    fake = await startFakeAnthropic();
    const r = await runAgent(fake, agentTask('unknown', ['**']), new MemoryWorkspace());
    assert.equal(r.status, 'succeeded');
    assert.match(r.output, /\[fake-anthropic\] No script matches task unknown/);
  });
});
