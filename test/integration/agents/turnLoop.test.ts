// runAgentTask on a provider without its own tool runner (runTurnLoop): the shared tools and
// guards, budgets, the ApiGate's back-off and trip, and cancellation, as on Anthropic. The
// model is a scripted ChatModel (a test double of "one turn at a time"), the workspace real.
import assert from 'node:assert/strict';
import { ApiGate } from '../../../src/agents/apiGate';
import { runAgentTask } from '../../../src/agents/anthropicRunner';
import { MemoryWorkspace } from '../../../src/agents/memoryWorkspace';
import { ModelError, type ModelProvider } from '../../../src/agents/modelProvider';
import { runTurnLoop, type ChatModel, type ChatPart, type ChatTurnRequest } from '../../../src/agents/turnLoop';
import { agentTask, Recorder } from './helpers';

type Step = { parts: ChatPart[] } | { error: ModelError } | { hold: true };

/** Serves `steps` in order, one per request; records what each request carried. */
function scripted(steps: Step[]): { model: ChatModel; requests: ChatTurnRequest[]; at: number[] } {
  const requests: ChatTurnRequest[] = [];
  const at: number[] = [];
  let i = 0;
  return {
    requests,
    at,
    model: {
      async send(req) {
        requests.push(req);
        at.push(Date.now());
        const step = steps[i++];
        if (!step) return { parts: [{ type: 'text', text: 'done' }], usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 } };
        if ('error' in step) throw step.error;
        if ('hold' in step) {
          return new Promise((_resolve, reject) => req.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
        }
        return { parts: step.parts, usage: { input: 10, output: 5, cacheRead: 0, cacheWrite: 0 } };
      },
    },
  };
}

function provider(model: ChatModel): ModelProvider {
  return {
    source: 'vscode',
    label: 'scripted',
    pricesKnown: false,
    modelFor: () => 'scripted-model',
    converse: (conv) => runTurnLoop(model, conv),
    describeError: (e) => (e instanceof Error ? e.message : String(e)),
  };
}

const call = (id: string, name: string, input: unknown): ChatPart => ({ type: 'tool_call', id, name, input });

function run(model: ChatModel, opts: { gate?: ApiGate; signal?: AbortSignal; owns?: string[]; maxTurns?: number; rec?: Recorder } = {}) {
  const ws = new MemoryWorkspace({ 'src/a.ts': 'export const a = 1;\n', 'docs/readme.md': '# Docs\n' });
  const rec = opts.rec ?? new Recorder();
  const result = runAgentTask({
    task: agentTask('t', opts.owns ?? ['src/**'], opts.maxTurns !== undefined ? { maxTurns: opts.maxTurns } : {}),
    workspace: ws,
    taskFilePath: '.agents/tasks.yaml',
    dependencies: [],
    provider: provider(model),
    gate: opts.gate ?? new ApiGate(),
    signal: opts.signal ?? new AbortController().signal,
    onProgress: rec.onProgress,
    onTranscript: rec.onTranscript,
  });
  return { ws, rec, result };
}

describe('agents/runTurnLoop (a per-turn model through the model provider seam)', () => {
  it('runs the tool calls through the shared tools: an owned write lands, a write outside owns is refused as a tool error', async () => {
    const s = scripted([
      { parts: [{ type: 'text', text: 'Writing.' }, call('1', 'write_file', { path: 'docs/readme.md', content: 'x' }), call('2', 'edit_file', { path: 'src/a.ts', old_text: '1', new_text: '2' })] },
      { parts: [{ type: 'text', text: 'Edited src/a.ts.' }] },
    ]);
    const { ws, rec, result } = run(s.model);
    const r = await result;
    assert.equal(r.status, 'succeeded', r.error);
    assert.equal(r.output, 'Edited src/a.ts.');
    // The transcript's turns carry usage in the Messages API's names, as on Anthropic (transcriptFormat.ts).
    assert.deepEqual((rec.of('assistant')[0]?.data as { usage?: unknown }).usage, { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
    assert.equal(r.modelSource, 'vscode');
    assert.equal(r.turns, 2);
    assert.deepEqual(r.tokens, { input: 20, output: 10, cacheRead: 0, cacheWrite: 0 });
    assert.equal(r.costUsd, 0); // the provider's prices are unknown: nothing invented
    assert.equal(ws.text('src/a.ts'), 'export const a = 2;\n');
    assert.equal(ws.text('docs/readme.md'), '# Docs\n');
    // The model got the tool definitions (zod's JSON schema) and, next turn, both results.
    assert.deepEqual(s.requests[0]?.tools.map((t) => t.name), ['read_file', 'list_files', 'search', 'write_file', 'edit_file', 'delete_file']);
    assert.equal((s.requests[0]?.tools[0]?.inputSchema as { type?: string }).type, 'object');
    assert.match(s.requests[0]?.system ?? '', /Task id: t/);
    const results = s.requests[1]?.messages.at(-1)?.parts ?? [];
    assert.deepEqual(results.map((p) => (p.type === 'tool_result' ? [p.id, p.isError] : p.type)), [['1', true], ['2', false]]);
    assert.match((results[0] as { content: string }).content, /write_file refused: "docs\/readme\.md" is outside what this task owns/);
  });

  it('answers a call of a tool it does not have with an error listing the tools', async () => {
    const s = scripted([{ parts: [call('1', 'run_shell', { cmd: 'ls' })] }, { parts: [{ type: 'text', text: 'ok' }] }]);
    const r = await run(s.model).result;
    assert.equal(r.status, 'succeeded');
    const res = s.requests[1]?.messages.at(-1)?.parts[0];
    assert.ok(res?.type === 'tool_result' && res.isError && /There is no tool "run_shell"\. The tools are: read_file, /.test(res.content), JSON.stringify(res));
  });

  it('a rate limit starts the gate cooldown that holds the next request, then the turn is sent again', async () => {
    const gate = new ApiGate({ baseCooldownMs: 300 });
    const states: string[] = [];
    gate.onDidChangeState((st) => states.push(st.kind));
    const s = scripted([{ error: new ModelError('rateLimit', 'Blocked: quota.') }, { parts: [{ type: 'text', text: 'fine' }] }]);
    const rec = new Recorder();
    const r = await run(s.model, { gate, rec }).result;
    assert.equal(r.status, 'succeeded', r.error);
    assert.equal(s.requests.length, 2);
    assert.ok((s.at[1] as number) - (s.at[0] as number) >= 290, `the retry did not wait for the cooldown (${(s.at[1] as number) - (s.at[0] as number)} ms)`);
    assert.ok(states.includes('cooling'), JSON.stringify(states));
    assert.ok(rec.of('event').some((e) => (e.data as { kind?: string }).kind === 'retry'));
  });

  it("an 'auth' error trips the run's gate: this agent and every later one fail with its message", async () => {
    const gate = new ApiGate();
    const s = scripted([{ error: new ModelError('auth', 'VS Code did not allow it; allow it and run again.') }]);
    const r = await run(s.model, { gate }).result;
    assert.equal(r.status, 'failed');
    assert.equal(r.error, 'VS Code did not allow it; allow it and run again.');
    assert.ok(gate.isTripped);
    const later = await run(scripted([]).model, { gate }).result;
    assert.equal(later.status, 'failed');
    assert.equal(later.error, 'VS Code did not allow it; allow it and run again.');
  });

  it("a 'fatal' error fails the agent with the provider's message", async () => {
    const s = scripted([{ error: new ModelError('fatal', 'The model is gone (NotFound).') }]);
    const r = await run(s.model).result;
    assert.equal(r.status, 'failed');
    assert.equal(r.error, 'The model is gone (NotFound).');
  });

  it('maxTurns stops it after the turn whose tools ran', async () => {
    const s = scripted([{ parts: [call('1', 'write_file', { path: 'src/b.ts', content: 'b' })] }, { parts: [call('2', 'write_file', { path: 'src/c.ts', content: 'c' })] }]);
    const { ws, result } = run(s.model, { maxTurns: 1 });
    const r = await result;
    assert.equal(r.stopReason, 'maxTurns');
    assert.equal(ws.text('src/b.ts'), 'b');
    assert.equal(s.requests.length, 1);
  });

  it('cancelling during a request ends the agent cancelled, with nothing written', async () => {
    const ac = new AbortController();
    const s = scripted([{ hold: true }]);
    const { ws, result } = run(s.model, { signal: ac.signal });
    while (!s.requests.length) await new Promise((r) => setTimeout(r, 5));
    assert.equal(s.requests[0]?.signal.aborted, false);
    ac.abort();
    const r = await result;
    assert.equal(r.status, 'cancelled');
    assert.equal(s.requests[0]?.signal.aborted, true); // the model's request was told
    assert.deepEqual(ws.changes(), []);
  });
});
