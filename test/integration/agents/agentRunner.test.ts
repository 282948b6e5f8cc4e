// runAgentTask with the real SDK over real HTTP against the fake Messages API.
import assert from 'node:assert/strict';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { MemoryWorkspace } from '../../../src/agents/memoryWorkspace';
import { ApiGate } from '../../../src/agents/apiGate';
import { SHARED_INSTRUCTIONS } from '../../../src/agents/systemPrompt';
import { agentTask, Recorder, runAgent } from './helpers';

describe('agents/runAgentTask (fake API over HTTP)', function () {
  let fake: FakeAnthropic;
  afterEach(async () => fake?.close());

  it('reads, lists, searches, writes, edits and deletes through scripted tool calls', async () => {
    fake = await startFakeAnthropic({
      script: {
        build: [
          { text: 'Looking around.', toolCalls: [{ name: 'list_files', input: {} }, { name: 'search', input: { pattern: 'TODO', glob: 'src/**' } }] },
          { toolCalls: [{ name: 'read_file', input: { path: 'src/app.ts' } }] },
          {
            toolCalls: [
              { name: 'write_file', input: { path: 'src/util.ts', content: 'export const two = 2;\n' } },
              { name: 'edit_file', input: { path: 'src/app.ts', old_text: '// TODO: two', new_text: "import { two } from './util';" } },
              { name: 'delete_file', input: { path: 'src/old.ts' } },
            ],
          },
          { text: 'Added src/util.ts, used it in src/app.ts and removed src/old.ts.' },
        ],
      },
    });
    const ws = new MemoryWorkspace({
      'src/app.ts': "// TODO: two\nconsole.log('app');\n",
      'src/old.ts': 'old\n',
      'README.md': '# demo\n',
    });
    const rec = new Recorder();
    const r = await runAgent(fake, agentTask('build', ['src/**']), ws, { recorder: rec });

    assert.equal(r.status, 'succeeded', r.error);
    assert.equal(r.stopReason, 'done');
    assert.equal(r.output, 'Added src/util.ts, used it in src/app.ts and removed src/old.ts.');
    assert.equal(r.turns, 4);
    assert.deepEqual(r.changed, ['src/app.ts', 'src/old.ts', 'src/util.ts']);
    assert.equal(ws.text('src/util.ts'), 'export const two = 2;\n');
    assert.equal(ws.text('src/app.ts'), "import { two } from './util';\nconsole.log('app');\n");
    assert.equal(ws.peek('src/old.ts'), undefined);

    // What the model was told, as the server received it.
    const results = fake.requests.flatMap((q) => q.messages).flatMap((m) => {
      const c = (m as { content?: unknown }).content;
      return Array.isArray(c) ? c.filter((b) => b.type === 'tool_result') : [];
    });
    const uniq = new Map(results.map((b) => [b.tool_use_id, b]));
    const texts = [...uniq.values()].map((b) => (typeof b.content === 'string' ? b.content : JSON.stringify(b.content)));
    assert.ok(texts.includes('README.md\nsrc/app.ts\nsrc/old.ts'), texts.join(' | '));
    assert.ok(texts.includes('src/app.ts:1: // TODO: two'));
    assert.ok(texts.includes("// TODO: two\nconsole.log('app');\n"));

    // The SDK's tool runner uses message threads: create once, then continue with only the new messages.
    assert.deepEqual(fake.requests.map((q) => q.thread?.type), ['create', 'continue', 'continue', 'continue']);
    assert.ok(fake.requests.slice(1).every((q) => q.body['system'] === undefined && (q.body['messages'] as unknown[]).length === 1));
    assert.ok(fake.requests.every((q) => q.stream));

    // Live progress and transcript.
    assert.ok(rec.progress.some((p) => p.currentTool === 'edit_file'));
    assert.equal(rec.progress.map((p) => p.textDelta ?? '').join(''), 'Looking around.' + r.output);
    const last = rec.progress.at(-1);
    assert.ok(last && last.tokens.input > 0 && last.tokens.output > 0 && last.costUsd > 0 && last.turns === 4);
    assert.deepEqual(rec.of('tool_use').map((e) => (e.data as { name: string }).name), [
      'list_files', 'search', 'read_file', 'write_file', 'edit_file', 'delete_file',
    ]);
    assert.equal(rec.of('tool_result').length, 6);
    assert.equal(rec.of('assistant').length, 4);
    assert.equal(rec.of('system').length, 1);
    assert.ok(r.tokens.input > 0 && r.tokens.output > 0 && r.costUsd > 0);
  });

  it('reports live usage when it changes, not once per stream event', async () => {
    fake = await startFakeAnthropic({ script: { talk: [{ text: 'word '.repeat(40) }] }, chunkSize: 5 });
    const rec = new Recorder();
    const r = await runAgent(fake, agentTask('talk', []), new MemoryWorkspace(), { recorder: rec });
    assert.equal(r.status, 'succeeded');
    const deltas = rec.progress.filter((p) => p.textDelta !== undefined);
    assert.equal(deltas.length, 40);
    // message_start and message_delta carry usage, and the finished turn is reported once.
    const others = rec.progress.filter((p) => p.textDelta === undefined);
    assert.ok(others.length <= 3, `${others.length} usage-only progress reports for one turn`);
    assert.ok((others.at(-1)?.tokens.output ?? 0) > 0);
  });

  it('refuses a write outside what the task owns as a tool error, and the task still succeeds', async () => {
    fake = await startFakeAnthropic({
      script: {
        ui: [
          { toolCalls: [{ name: 'write_file', input: { path: 'src/api/server.ts', content: 'hacked' } }] },
          { toolCalls: [{ name: 'write_file', input: { path: 'src/ui/view.ts', content: 'view' } }] },
          { text: 'Done; src/api/server.ts needs a change by its owner.' },
        ],
      },
    });
    const ws = new MemoryWorkspace({ 'src/api/server.ts': 'server' });
    const r = await runAgent(fake, agentTask('ui', ['src/ui/**']), ws);
    assert.equal(r.status, 'succeeded');
    assert.equal(ws.text('src/api/server.ts'), 'server');
    assert.deepEqual(r.changed, ['src/ui/view.ts']);
    const result = (fake.requests[1]?.body['messages'] as Array<{ content: Array<Record<string, unknown>> }>)[0]?.content[0];
    assert.equal(result?.['type'], 'tool_result');
    assert.equal(result?.['is_error'], true);
    assert.match(String(result?.['content']), /"src\/api\/server\.ts" is outside what this task owns \(owns: src\/ui\/\*\*\)/);
  });

  it("puts the task, its globs and its dependencies' outputs in the system prompt, with cache_control on the shared prefix", async () => {
    fake = await startFakeAnthropic({ script: { docs: [{ text: 'ok' }], other: [{ text: 'ok' }] } });
    const task = agentTask('docs', ['docs/**'], { prompt: 'Document the API.', reads: ['src/api/**'], dependsOn: ['api'] });
    const deps = [{ taskId: 'api', output: 'Built the REST API in src/api.', changed: ['src/api/server.ts', 'src/api/routes.ts'] }];
    const r = await runAgent(fake, task, new MemoryWorkspace(), { dependencies: deps });
    assert.equal(r.status, 'succeeded');

    const first = fake.requests[0];
    assert.ok(first);
    const system = first.body['system'] as Array<{ type: string; text: string; cache_control?: unknown }>;
    assert.equal(system.length, 2);
    assert.equal(system[0]?.text, SHARED_INSTRUCTIONS);
    const taskBlock = system[1]?.text ?? '';
    for (const needle of ['Task id: docs', 'Document the API.', '- docs/**', '- src/api/**', '## Task api', 'Built the REST API in src/api.', '- src/api/server.ts', '- src/api/routes.ts', '.agents/tasks.yaml']) {
      assert.ok(taskBlock.includes(needle), `system prompt lacks ${needle}`);
    }
    assert.deepEqual(system[0]?.cache_control, { type: 'ephemeral' });
    assert.deepEqual(system[1]?.cache_control, { type: 'ephemeral' });
    const tools = first.body['tools'] as Array<{ name: string; cache_control?: unknown }>;
    assert.deepEqual(tools.map((t) => t.name), ['read_file', 'list_files', 'search', 'write_file', 'edit_file', 'delete_file']);
    assert.deepEqual(tools.at(-1)?.cache_control, { type: 'ephemeral' });
    assert.ok(tools.slice(0, -1).every((t) => t.cache_control === undefined));

    // A second agent shares the tools + shared-instructions prefix: the (simulated) cache is read.
    const r2 = await runAgent(fake, agentTask('other', ['lib/**']), new MemoryWorkspace());
    assert.equal(r2.status, 'succeeded');
    assert.ok(r.tokens.cacheWrite > 0);
    assert.ok(r2.tokens.cacheRead > 0, 'the second agent reads the shared prefix from the cache');
    assert.deepEqual(fake.requests[1]?.tools, fake.requests[0]?.tools);
  });

  describe('budgets stop the agent cleanly, keeping its work', () => {
    const endless = (turn: number) => ({
      text: `step ${turn}`,
      toolCalls: [{ name: 'write_file', input: { path: `out/step${turn}.txt`, content: String(turn) } }],
      usage: { input_tokens: 100_000, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    });

    it('maxTurns', async () => {
      fake = await startFakeAnthropic({ script: [{ match: 'loop', turns: (v) => endless(v.turn) }] });
      const ws = new MemoryWorkspace();
      const r = await runAgent(fake, agentTask('loop', ['out/**'], { maxTurns: 3 }), ws);
      assert.equal(r.status, 'succeeded');
      assert.equal(r.stopReason, 'maxTurns');
      assert.equal(r.turns, 3);
      assert.equal(fake.requests.length, 3);
      assert.deepEqual(r.changed, ['out/step0.txt', 'out/step1.txt', 'out/step2.txt'], "the last turn's tool calls still ran");
      assert.match(r.output, /^step 2\n\n\[Stopped after 3 turns: the maximum number of turns/);
    });

    it('budget.tokens', async () => {
      fake = await startFakeAnthropic({ script: [{ match: 'loop', turns: (v) => endless(v.turn) }] });
      const r = await runAgent(fake, agentTask('loop', ['out/**'], { budget: { tokens: 250_000 } }), new MemoryWorkspace());
      assert.equal(r.status, 'succeeded');
      assert.equal(r.stopReason, 'tokenBudget');
      assert.equal(r.turns, 3);
      assert.equal(r.tokens.input, 300_000);
      assert.match(r.output, /token budget/);
    });

    it('budget.usd, with a caller-supplied price table', async () => {
      fake = await startFakeAnthropic({ script: [{ match: 'loop', turns: (v) => endless(v.turn) }] });
      const prices = { 'test-model': { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 } };
      const r = await runAgent(fake, agentTask('loop', ['out/**'], { budget: { usd: 0.5 } }), new MemoryWorkspace(), { model: 'test-model', prices });
      assert.equal(r.status, 'succeeded');
      assert.equal(r.stopReason, 'usdBudget');
      assert.equal(r.turns, 3);
      assert.ok(Math.abs(r.costUsd - 0.6) < 1e-9, String(r.costUsd));
      assert.equal(fake.requests[0]?.body['model'], 'test-model');
    });

    it('a model that finishes within its budget ends as done', async () => {
      fake = await startFakeAnthropic({ script: { short: [{ text: 'finished' }] } });
      const r = await runAgent(fake, agentTask('short', ['x/**'], { maxTurns: 1 }), new MemoryWorkspace());
      assert.deepEqual([r.status, r.stopReason, r.output], ['succeeded', 'done', 'finished']);
    });
  });

  it('fails a task without a prompt, and reports a refusal', async () => {
    fake = await startFakeAnthropic({ script: { no: [{ text: 'I cannot help with that.', stopReason: 'refusal' }] } });
    const empty = await runAgent(fake, agentTask('x', ['a/**'], { prompt: '' }), new MemoryWorkspace());
    assert.equal(empty.status, 'failed');
    assert.match(empty.error ?? '', /no prompt/);
    const refused = await runAgent(fake, agentTask('no', ['a/**']), new MemoryWorkspace());
    assert.equal(refused.status, 'failed');
    assert.match(refused.error ?? '', /refusal/);
  });

  it('runs several agents at once on one client and gate', async () => {
    const script: Record<string, Array<{ text?: string; toolCalls?: Array<{ name: string; input: unknown }> }>> = {};
    for (let i = 0; i < 5; i++) {
      script[`t${i}`] = [{ toolCalls: [{ name: 'write_file', input: { path: `p${i}/f.txt`, content: `${i}` } }] }, { text: `done ${i}` }];
    }
    fake = await startFakeAnthropic({ script, latencyMs: 10 });
    const gate = new ApiGate();
    const results = await Promise.all(
      Object.keys(script).map((id, i) => runAgent(fake, agentTask(id, [`p${i}/**`]), new MemoryWorkspace(), { gate })),
    );
    assert.deepEqual(results.map((r) => r.output), ['done 0', 'done 1', 'done 2', 'done 3', 'done 4']);
    assert.ok(results.every((r, i) => r.changed[0] === `p${i}/f.txt`));
  });
});
