// Faults and cancellation: the real SDK over HTTP against the fake API's injected faults.
import assert from 'node:assert/strict';
import { startFakeAnthropic, type FakeAnthropic, type FakeTurn } from '../../fake-anthropic';
import { MemoryWorkspace } from '../../../src/agents/memoryWorkspace';
import { ApiGate, type ApiGateState } from '../../../src/agents/apiGate';
import { agentTask, fakeClient, Recorder, runAgent, until } from './helpers';

const write = (path: string, content = 'x'): FakeTurn => ({ toolCalls: [{ name: 'write_file', input: { path, content } }] });

describe('agents/faults (fake API over HTTP)', function () {
  let fake: FakeAnthropic;
  afterEach(async () => fake?.close());

  describe('rate limits and server errors', () => {
    it('retries a 429 with the SDK backoff (honouring retry-after) and cools the gate down', async () => {
      fake = await startFakeAnthropic({
        script: { a: [{ ...write('a/1.txt'), faults: [{ kind: 'rate_limit', retryAfterMs: 150 }] }, { text: 'ok' }] },
      });
      const gate = new ApiGate();
      const states: ApiGateState['kind'][] = [];
      gate.onDidChangeState((s) => states.push(s.kind));
      const ws = new MemoryWorkspace();
      const r = await runAgent(fake, agentTask('a', ['a/**']), ws, { gate });
      assert.equal(r.status, 'succeeded', r.error);
      assert.deepEqual(fake.requests.map((q) => q.status), [429, 200, 200]);
      assert.ok(states.includes('cooling'));
      assert.equal(ws.text('a/1.txt'), 'x');
    });

    it("one agent's 429 holds the other agents' next requests until the retry-after has passed", async () => {
      fake = await startFakeAnthropic({
        script: {
          a: [{ ...write('a/1.txt'), faults: [{ kind: 'rate_limit', retryAfterMs: 500 }] }, { text: 'a done' }],
          b: [{ ...write('b/1.txt'), delayMs: 100 }, { text: 'b done' }],
        },
      });
      const gate = new ApiGate();
      const [ra, rb] = await Promise.all([
        runAgent(fake, agentTask('a', ['a/**']), new MemoryWorkspace(), { gate }),
        runAgent(fake, agentTask('b', ['b/**']), new MemoryWorkspace(), { gate }),
      ]);
      assert.equal(ra.status, 'succeeded');
      assert.equal(rb.status, 'succeeded');
      const limited = fake.requests.find((q) => q.status === 429);
      const bSecond = fake.requests.find((q) => q.taskId === 'b' && q.turn === 1);
      assert.ok(limited && bSecond);
      assert.ok(bSecond.at - limited.at >= 400, `b's next request came ${bSecond.at - limited.at} ms after a's 429`);
    });

    for (const kind of ['overloaded', 'server_error'] as const) {
      it(`retries a ${kind === 'overloaded' ? 529 : 500} and succeeds`, async () => {
        fake = await startFakeAnthropic({ script: { a: [{ text: 'ok', faults: [{ kind, retryAfterMs: 50 }] }] } });
        const r = await runAgent(fake, agentTask('a', ['a/**']), new MemoryWorkspace());
        assert.equal(r.status, 'succeeded', r.error);
        assert.deepEqual(fake.requests.map((q) => q.status), [kind === 'overloaded' ? 529 : 500, 200]);
      });
    }

    it('does not wait silently on a retry-after above 60 s: the task fails saying so, and so do later requests', async () => {
      fake = await startFakeAnthropic({ script: { a: [{ text: 'ok', faults: [{ kind: 'rate_limit', retryAfterSeconds: 120 }] }], b: [{ text: 'ok' }] } });
      const gate = new ApiGate();
      const r = await runAgent(fake, agentTask('a', ['a/**']), new MemoryWorkspace(), { gate });
      assert.equal(r.status, 'failed');
      assert.match(r.error ?? '', /wait 120 s .*retry-after.*longer than the 60 s/);
      assert.equal(fake.requests.length, 1, 'no retry');
      const rb = await runAgent(fake, agentTask('b', ['b/**']), new MemoryWorkspace(), { gate });
      assert.equal(rb.status, 'failed');
      assert.match(rb.error ?? '', /120 s/);
      assert.equal(fake.requests.length, 1, 'b never reached the API');
    });

    it("with longRetryAfter: 'pause', a long retry-after pauses the run until resume()", async () => {
      fake = await startFakeAnthropic({ script: { a: [{ text: 'ok', faults: [{ kind: 'rate_limit', retryAfterSeconds: 600 }] }] } });
      const gate = new ApiGate({ longRetryAfter: 'pause' });
      const states: ApiGateState[] = [];
      gate.onDidChangeState((s) => states.push(s));
      const running = runAgent(fake, agentTask('a', ['a/**']), new MemoryWorkspace(), { gate });
      await until(() => gate.isPaused, 'pause');
      const paused = states.find((s) => s.kind === 'paused');
      assert.ok(paused && paused.kind === 'paused' && paused.reason === 'rateLimit' && paused.resumeAt !== undefined);
      assert.match(paused.message, /600 s/);
      gate.resume();
      const r = await running;
      assert.equal(r.status, 'succeeded');
      assert.deepEqual(fake.requests.map((q) => q.status), [429, 200]);
      gate.dispose();
    });
  });

  it('a 401 stops every agent with "set a valid API key", without retries', async () => {
    const slow = (n: number): FakeTurn[] => Array.from({ length: n }, (_, i) => ({ ...write(`f${i}.txt`), delayMs: 100 }));
    fake = await startFakeAnthropic({
      script: { a: [write('a/1.txt'), { text: 'a', faults: [{ kind: 'unauthorized' }] }], b: slow(50), c: slow(50) },
    });
    const gate = new ApiGate();
    const t0 = Date.now();
    const results = await Promise.all(
      ['a', 'b', 'c'].map((id) => runAgent(fake, agentTask(id, ['**']), new MemoryWorkspace(), { gate, client: fakeClient(fake.baseURL, 5) })),
    );
    for (const r of results) {
      assert.equal(r.status, 'failed');
      assert.match(r.error ?? '', /Set a valid API key/);
    }
    assert.equal(fake.requests.filter((q) => q.status === 401).length, 1, 'the 401 is not retried');
    assert.equal(gate.state.kind, 'tripped');
    assert.ok(Date.now() - t0 < 3000, 'b and c stop at once instead of running their 50 turns');
    assert.ok(fake.requests.filter((q) => q.taskId === 'b').length < 10);
  });

  it('a spend-limit 429 pauses the run; resume() sends the request again and the task completes', async () => {
    fake = await startFakeAnthropic({
      script: { a: [write('a/1.txt'), { text: 'done', faults: [{ kind: 'spend_limit' }] }] },
    });
    const gate = new ApiGate();
    const states: ApiGateState[] = [];
    gate.onDidChangeState((s) => states.push(s));
    let settled = false;
    const running = runAgent(fake, agentTask('a', ['a/**']), new MemoryWorkspace(), { gate }).finally(() => (settled = true));
    await until(() => gate.isPaused, 'pause');
    const paused = states.find((s) => s.kind === 'paused');
    assert.ok(paused && paused.kind === 'paused' && paused.reason === 'spendLimit');
    assert.match(paused.message, /spend limit/);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(settled, false, 'the agent waits while paused');
    assert.equal(fake.requests.length, 2, 'nothing is sent while paused');
    gate.resume();
    const r = await running;
    assert.equal(r.status, 'succeeded', r.error);
    assert.equal(r.output, 'done');
    assert.deepEqual(fake.requests.map((q) => q.status), [200, 429, 200]);
  });

  describe('a stream cut mid-message', () => {
    it('never applies the half-received tool call; the turn is sent again and applied once', async () => {
      fake = await startFakeAnthropic({
        script: { a: [{ ...write('a/big.txt', 'y'.repeat(200)), faults: [{ kind: 'drop_stream' }] }, { text: 'ok' }] },
      });
      const rec = new Recorder();
      const ws = new MemoryWorkspace();
      const r = await runAgent(fake, agentTask('a', ['a/**']), ws, { recorder: rec });
      assert.equal(r.status, 'succeeded', r.error);
      assert.equal(ws.text('a/big.txt'), 'y'.repeat(200));
      assert.equal(rec.of('tool_use').length, 1);
      assert.equal(fake.requests[0]?.fault, 'drop_stream');
      assert.ok(rec.of('event').some((e) => (e.data as { kind: string }).kind === 'retry'));
    });

    it('later in a conversation: the thread is replayed in full under a new thread', async () => {
      fake = await startFakeAnthropic({
        script: { a: [write('a/1.txt'), { ...write('a/2.txt'), faults: [{ kind: 'drop_stream' }] }, { text: 'ok' }] },
      });
      const ws = new MemoryWorkspace();
      const r = await runAgent(fake, agentTask('a', ['a/**']), ws);
      assert.equal(r.status, 'succeeded', r.error);
      assert.deepEqual(r.changed, ['a/1.txt', 'a/2.txt']);
      const [, dropped, replay] = fake.requests;
      assert.equal(dropped?.thread?.type, 'continue');
      assert.equal(replay?.thread?.type, 'create');
      assert.equal((replay?.body['messages'] as unknown[]).length, 3, 'full history');
    });

    it('an error event mid-stream is handled the same way', async () => {
      fake = await startFakeAnthropic({ script: { a: [{ ...write('a/1.txt'), faults: [{ kind: 'stream_error' }] }, { text: 'ok' }] } });
      const ws = new MemoryWorkspace();
      const r = await runAgent(fake, agentTask('a', ['a/**']), ws);
      assert.equal(r.status, 'succeeded', r.error);
      assert.deepEqual(r.changed, ['a/1.txt']);
    });

    it('fails cleanly, with nothing written, when the stream keeps breaking', async () => {
      fake = await startFakeAnthropic({ script: { a: [{ ...write('a/1.txt'), faults: [{ kind: 'drop_stream' }, { kind: 'drop_stream' }] }] } });
      const ws = new MemoryWorkspace();
      const r = await runAgent(fake, agentTask('a', ['a/**']), ws, { maxStreamRetries: 1 });
      assert.equal(r.status, 'failed');
      assert.deepEqual(ws.changes(), []);
    });
  });

  describe('cancellation stops the task within a second, and nothing is written after it', () => {
    it('during a request', async () => {
      fake = await startFakeAnthropic({ script: { a: [write('a/1.txt'), { ...write('a/2.txt'), faults: [{ kind: 'hang' }] }] } });
      const ac = new AbortController();
      const ws = new MemoryWorkspace();
      const running = runAgent(fake, agentTask('a', ['a/**']), ws, { signal: ac.signal });
      await until(() => fake.requests.length === 2, 'second request');
      const t0 = Date.now();
      ac.abort();
      const r = await running;
      assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
      assert.equal(r.status, 'cancelled');
      assert.equal(r.stopReason, 'cancelled');
      assert.deepEqual(r.changed, ['a/1.txt']);
    });

    it('during the SDK backoff after a 429', async () => {
      fake = await startFakeAnthropic({ script: { a: [{ ...write('a/1.txt'), faults: [{ kind: 'rate_limit', retryAfterSeconds: 30 }] }] } });
      const ac = new AbortController();
      const ws = new MemoryWorkspace();
      const running = runAgent(fake, agentTask('a', ['a/**']), ws, { signal: ac.signal });
      await until(() => fake.requests.some((q) => q.status === 429), 'the 429');
      await new Promise((r) => setTimeout(r, 50));
      const t0 = Date.now();
      ac.abort();
      const r = await running;
      assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
      assert.equal(r.status, 'cancelled');
      assert.equal(fake.requests.length, 1);
      assert.deepEqual(ws.changes(), []);
    });

    it('during a tool call', async () => {
      fake = await startFakeAnthropic({
        script: { a: [{ toolCalls: [{ name: 'edit_file', input: { path: 'a/1.txt', old_text: 'old', new_text: 'new' } }] }, { text: 'ok' }] },
      });
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let reading = false;
      const ws = new MemoryWorkspace({ 'a/1.txt': 'old' }, '/mem', {
        beforeRead: async () => {
          reading = true;
          await held;
        },
      });
      const ac = new AbortController();
      const running = runAgent(fake, agentTask('a', ['a/**']), ws, { signal: ac.signal });
      await until(() => reading, 'the tool call');
      const t0 = Date.now();
      ac.abort();
      const r = await running;
      assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
      assert.equal(r.status, 'cancelled');
      release();
      await new Promise((res) => setTimeout(res, 50));
      assert.equal(ws.text('a/1.txt'), 'old', 'the edit that was under way when cancelled is not applied');
      assert.deepEqual(ws.changes(), []);
      assert.equal(fake.requests.length, 1);
    });

    it('before it starts', async () => {
      fake = await startFakeAnthropic({ script: {} });
      const ac = new AbortController();
      ac.abort();
      const r = await runAgent(fake, agentTask('a', ['a/**']), new MemoryWorkspace(), { signal: ac.signal });
      assert.equal(r.status, 'cancelled');
      assert.equal(fake.requests.length, 0);
    });
  });
});
