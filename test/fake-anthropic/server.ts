// A fake Anthropic Messages API for tests, the demo mode and benchmarks. It is a test double:
// every reply comes from a script, nothing is generated. It speaks the wire format the SDK
// expects over real HTTP on 127.0.0.1:
//
// - POST /v1/messages, JSON or SSE (`stream: true`) framed like the real API: message_start,
//   content_block_start / content_block_delta (text_delta, input_json_delta) / content_block_stop,
//   ping, message_delta (stop_reason, usage), message_stop;
// - message threads as the SDK (1.14) uses them by default in its tool runner: the first request
//   carries `thread: {type: 'create'}` and the full history; later ones
//   `thread: {type: 'continue', previous_message_id}` with only the new messages and without
//   `system`/`tools` (which the server keeps). Unknown ids get the API's 404 `thread_not_found`;
//   `system`/`tools` repeated on a continue get a 400, as the API does;
// - usage with a simulated prompt cache: the prefix up to the last `cache_control` breakpoint of
//   tools + system is written once (cache_creation_input_tokens) and read by every later request
//   with the same prefix (cache_read_input_tokens), across conversations;
// - scripted turns per conversation, found by the "Task id: X" line of the system prompt (or a
//   matcher function); the turn served is the number of assistant messages in the history, so a
//   retried request gets the same turn again;
// - injected latency and faults: 429 with retry-after, 529, 500, 401, a spend-limit 429, a stream
//   dropped mid-message, an error event mid-stream, a request that never answers.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';

export interface FakeToolCall {
  name: string;
  input: unknown;
  id?: string;
}

export interface FakeUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

export type FaultKind =
  | 'rate_limit' // 429 rate_limit_error (+ retry-after when given)
  | 'overloaded' // 529 overloaded_error
  | 'server_error' // 500 api_error
  | 'unauthorized' // 401 authentication_error
  | 'spend_limit' // 429 with details.error_code enforced_spend_limit_reached
  | 'drop_stream' // SSE: the connection is cut after `dropAfterEvents` events
  | 'stream_error' // SSE: an `event: error` (overloaded) after `dropAfterEvents` events
  | 'thread_lost' // 404 not_found_error with details.error_code thread_not_found (the SDK replays the history)
  | 'hang'; // never answers (until the client gives up or the server closes)

export interface Fault {
  kind: FaultKind;
  /** `retry-after` header, in seconds. */
  retryAfterSeconds?: number;
  /** `retry-after-ms` header (the SDK prefers it; keeps tests fast). */
  retryAfterMs?: number;
  /** For drop_stream / stream_error: events sent before the cut (default: mid tool input or mid text). */
  dropAfterEvents?: number;
  message?: string;
}

export interface FakeTurn {
  text?: string;
  toolCalls?: FakeToolCall[];
  /** Default: 'tool_use' when there are tool calls, else 'end_turn'. */
  stopReason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'refusal' | 'stop_sequence';
  /** Overrides the computed usage numbers. */
  usage?: FakeUsage;
  /** Extra latency before this turn's response starts. */
  delayMs?: number;
  /** Faults served to the first attempts at this turn, one per attempt, in order. */
  faults?: Fault[];
}

/** What a script sees of a request. */
export interface ConversationView {
  taskId: string | undefined;
  /** The system prompt as text (blocks joined). */
  system: string;
  /** The full conversation (reconstructed from the thread on a continue). */
  messages: unknown[];
  /** Index of the turn to serve: the number of assistant messages so far. */
  turn: number;
  body: Record<string, unknown>;
}

export type TurnSource = FakeTurn[] | ((view: ConversationView) => FakeTurn | undefined);

export interface ScriptEntry {
  match: string | RegExp | ((view: ConversationView) => boolean);
  turns: TurnSource;
}

/** Task id → turns, or a list of matchers. */
export type FakeScript = Record<string, TurnSource> | ScriptEntry[];

export interface FaultRule extends Fault {
  /** Only requests of this task. */
  taskId?: string;
  /** Only at this turn. */
  turn?: number;
  /** How many requests it hits (default 1). */
  times?: number;
}

export interface FakeAnthropicOptions {
  script?: FakeScript;
  /** Delay before every response starts (ms). */
  latencyMs?: number;
  /** Delay between SSE events (ms). */
  eventDelayMs?: number;
  /** Faults applied to matching requests, before per-turn faults. */
  faults?: FaultRule[] | ((view: ConversationView, request: RecordedRequest) => Fault | undefined);
  /** When set, any other x-api-key gets a 401. */
  apiKey?: string;
  /** Served when a conversation has no script or has run out of turns. */
  fallbackTurn?: (view: ConversationView) => FakeTurn;
  /** Characters per text_delta / input_json_delta (default 24). */
  chunkSize?: number;
}

export interface RecordedRequest {
  index: number;
  at: number;
  /** When its body had arrived and when its response began (performance.timeOrigin + performance.now(): below 1 ms, comparable across processes). */
  receivedAt: number;
  answeredAt?: number;
  /** When the connection it came on was accepted (same clock as receivedAt). */
  connectedAt: number;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  taskId: string | undefined;
  turn: number;
  /** System prompt as sent (create) or kept by the thread (continue). */
  system: unknown;
  systemText: string;
  tools: unknown[];
  /** Full conversation the turn answers. */
  messages: unknown[];
  thread: { type: string; previous_message_id?: string } | undefined;
  stream: boolean;
  status: number;
  fault?: FaultKind;
  /** Id of the reply, when one was sent in full. */
  replyId?: string;
}

export interface FakeAnthropic {
  /** Pass as the SDK's `baseURL`. */
  readonly baseURL: string;
  /** Every request received, in order (faulted ones too). */
  readonly requests: RecordedRequest[];
  /** Conversations held as message threads, by reply id. */
  readonly threadCount: number;
  close(): Promise<void>;
}

interface StoredThread {
  system: unknown;
  tools: unknown[];
  messages: unknown[];
  continued: boolean;
}

const TASK_ID_RE = /^Task id: (\S+)\s*$/m;

function id(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

function estTokens(x: unknown): number {
  const s = typeof x === 'string' ? x : JSON.stringify(x ?? '');
  return Math.max(1, Math.ceil(s.length / 4));
}

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (Array.isArray(system)) return system.map((b) => (b as { text?: string }).text ?? '').join('\n\n');
  return '';
}

function firstUserText(messages: unknown[]): string {
  const m = messages.find((x) => (x as { role?: string }).role === 'user') as { content?: unknown } | undefined;
  if (!m) return '';
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) return m.content.map((b) => (b as { text?: string }).text ?? '').join('\n');
  return '';
}

function hasCacheControl(x: unknown): boolean {
  return typeof x === 'object' && x !== null && 'cache_control' in x && (x as { cache_control?: unknown }).cache_control != null;
}

/** The prefixes of tools + system that end at a cache_control breakpoint, shortest first. */
function cachePrefixes(tools: unknown[], system: unknown): unknown[][] {
  const items: unknown[] = [...tools, ...(Array.isArray(system) ? system : system ? [system] : [])];
  const out: unknown[][] = [];
  items.forEach((it, i) => {
    if (hasCacheControl(it)) out.push(items.slice(0, i + 1));
  });
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Until performance.now() reaches `deadline`: a timer for all but the last millisecond (timers
 * fire on the loop's millisecond clock, often a millisecond late), then checks between loop
 * turns, so that a reply is neither early nor late by more than a fraction of a millisecond.
 */
async function sleepUntil(deadline: number): Promise<void> {
  for (let left = deadline - performance.now(); left > 1; left = deadline - performance.now()) await sleep(left - 1);
  while (performance.now() < deadline) await new Promise<void>((r) => setImmediate(r));
}

function chunks(s: string, size: number): string[] {
  if (s === '') return [''];
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

function errorBody(type: string, message: string, details?: Record<string, unknown>) {
  return {
    type: 'error',
    error: { type, message, ...(details ? { details } : {}) },
    request_id: id('req'),
  };
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const threads = new Map<string, StoredThread>();
  const cache = new Set<string>();
  const turnAttempts = new Map<string, number>();
  const ruleHits = new Map<number, number>();
  const chunkSize = options.chunkSize ?? 24;
  const open = new Set<http.ServerResponse>();
  const connectedAt = new WeakMap<Socket, number>();
  let closing = false;

  const entries: ScriptEntry[] =
    Array.isArray(options.script) ? options.script
    : Object.entries(options.script ?? {}).map(([taskId, turns]) => ({ match: taskId, turns }));

  function findEntry(view: ConversationView): ScriptEntry | undefined {
    return entries.find((e) => {
      if (typeof e.match === 'string') return view.taskId === e.match;
      if (e.match instanceof RegExp) return e.match.test(view.system) || e.match.test(firstUserText(view.messages));
      return e.match(view);
    });
  }

  function turnFor(view: ConversationView): FakeTurn {
    const entry = findEntry(view);
    let turn: FakeTurn | undefined;
    if (entry) turn = Array.isArray(entry.turns) ? entry.turns[view.turn] : entry.turns(view);
    if (turn) return turn;
    if (options.fallbackTurn) return options.fallbackTurn(view);
    return {
      text:
        entry ?
          `[fake-anthropic] The script for ${view.taskId ?? 'this conversation'} has no turn ${view.turn}.`
        : `[fake-anthropic] No script matches ${view.taskId ? `task ${view.taskId}` : 'this conversation'}.`,
    };
  }

  function pickFault(view: ConversationView, rec: RecordedRequest, turn: FakeTurn): Fault | undefined {
    if (typeof options.faults === 'function') {
      const f = options.faults(view, rec);
      if (f) return f;
    } else if (options.faults) {
      for (let i = 0; i < options.faults.length; i++) {
        const rule = options.faults[i] as FaultRule;
        if (rule.taskId !== undefined && rule.taskId !== view.taskId) continue;
        if (rule.turn !== undefined && rule.turn !== view.turn) continue;
        const hits = ruleHits.get(i) ?? 0;
        if (hits >= (rule.times ?? 1)) continue;
        ruleHits.set(i, hits + 1);
        return rule;
      }
    }
    if (turn.faults?.length) {
      const key = `${view.taskId ?? '?'}#${view.turn}`;
      const n = turnAttempts.get(key) ?? 0;
      turnAttempts.set(key, n + 1);
      return turn.faults[n];
    }
    return undefined;
  }

  function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const data = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'request-id': id('req'),
      'content-length': Buffer.byteLength(data),
      ...headers,
    });
    res.end(data);
  }

  function sendFault(res: http.ServerResponse, fault: Fault): number {
    const ra: Record<string, string> = {};
    if (fault.retryAfterSeconds !== undefined) ra['retry-after'] = String(fault.retryAfterSeconds);
    if (fault.retryAfterMs !== undefined) {
      ra['retry-after-ms'] = String(fault.retryAfterMs);
      if (fault.retryAfterSeconds === undefined) ra['retry-after'] = String(Math.ceil(fault.retryAfterMs / 1000));
    }
    switch (fault.kind) {
      case 'rate_limit':
        sendJson(res, 429, errorBody('rate_limit_error', fault.message ?? 'Number of request tokens has exceeded your per-minute rate limit.'), ra);
        return 429;
      case 'spend_limit':
        sendJson(
          res,
          429,
          errorBody('rate_limit_error', fault.message ?? 'Your organization has reached its monthly API spend limit.', {
            error_code: 'enforced_spend_limit_reached',
          }),
          { ...ra, 'x-should-retry': 'false' },
        );
        return 429;
      case 'overloaded':
        sendJson(res, 529, errorBody('overloaded_error', fault.message ?? 'Overloaded'), ra);
        return 529;
      case 'server_error':
        sendJson(res, 500, errorBody('api_error', fault.message ?? 'Internal server error'), ra);
        return 500;
      case 'thread_lost':
        sendJson(res, 404, errorBody('not_found_error', fault.message ?? 'The thread was not found.', { error_code: 'thread_not_found' }));
        return 404;
      case 'unauthorized':
        sendJson(res, 401, errorBody('authentication_error', fault.message ?? 'invalid x-api-key'));
        return 401;
      default:
        return 0;
    }
  }

  /** `arrived`: performance.now() when the request came in. */
  async function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string, arrived: number): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'POST' || url.pathname !== '/v1/messages') {
      sendJson(res, 404, errorBody('not_found_error', `Not found: ${req.method} ${url.pathname}`));
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      sendJson(res, 400, errorBody('invalid_request_error', 'The request body is not valid JSON.'));
      return;
    }
    const thread = body['thread'] as RecordedRequest['thread'];
    const stream = body['stream'] === true;
    const rec: RecordedRequest = {
      index: requests.length,
      at: Date.now(),
      receivedAt: performance.timeOrigin + arrived,
      connectedAt: connectedAt.get(req.socket) ?? performance.timeOrigin + arrived,
      method: req.method ?? 'POST',
      path: url.pathname + url.search,
      headers: { ...req.headers },
      body,
      taskId: undefined,
      turn: 0,
      system: body['system'],
      systemText: '',
      tools: (body['tools'] as unknown[]) ?? [],
      messages: [],
      thread,
      stream,
      status: 0,
    };
    requests.push(rec);
    const reply = (status: number, payload: unknown, headers?: Record<string, string>) => {
      rec.status = status;
      sendJson(res, status, payload, headers);
    };

    // The SDK (1.14) sends the key as `Authorization: Bearer …`; older clients as `x-api-key`.
    const auth = req.headers['authorization'];
    const bearer = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    if (options.apiKey !== undefined && req.headers['x-api-key'] !== options.apiKey && bearer !== options.apiKey) {
      reply(401, errorBody('authentication_error', 'invalid x-api-key'));
      return;
    }

    // Reconstruct the conversation.
    let system = body['system'];
    let tools = (body['tools'] as unknown[]) ?? [];
    const newMessages = (body['messages'] as unknown[]) ?? [];
    let history: unknown[] = [];
    if (thread) {
      const betas = String(req.headers['anthropic-beta'] ?? '');
      if (!betas.includes('message-threads-')) {
        reply(400, errorBody('invalid_request_error', 'thread: requires the message-threads beta'));
        return;
      }
    }
    if (thread?.type === 'continue') {
      const prev = thread.previous_message_id ?? '';
      const held = threads.get(prev);
      if (!held) {
        reply(404, errorBody('not_found_error', `No thread holds message ${prev}.`, { error_code: 'thread_not_found' }));
        return;
      }
      if (body['system'] !== undefined || body['tools'] !== undefined) {
        reply(400, errorBody('invalid_request_error', 'system and tools cannot be sent when continuing a thread'));
        return;
      }
      if (held.continued) {
        reply(400, errorBody('invalid_request_error', `Message ${prev} was already continued.`, { error_code: 'thread_already_continued' }));
        return;
      }
      system = held.system;
      tools = held.tools;
      history = held.messages;
    }
    const messages = [...history, ...newMessages];
    const sysText = systemText(system);
    const taskId = TASK_ID_RE.exec(sysText)?.[1] ?? TASK_ID_RE.exec(firstUserText(messages))?.[1];
    const turnIndex = messages.filter((m) => (m as { role?: string }).role === 'assistant').length;
    Object.assign(rec, { taskId, turn: turnIndex, system, systemText: sysText, tools, messages });
    const view: ConversationView = { taskId, system: sysText, messages, turn: turnIndex, body };

    const turn = turnFor(view);
    const fault = pickFault(view, rec, turn);
    const delay = (options.latencyMs ?? 0) + (turn.delayMs ?? 0);
    // The reply is made before the latency has passed, so that the time after it is only the
    // writing: the latency runs from the request's arrival, as the real API's does.
    const frame = (e: { event: string; data: unknown }) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
    const prepare = () => {
      // Usage, with the simulated prompt cache: the longest cached breakpoint prefix is read,
      // the rest up to the last breakpoint is written, and every breakpoint prefix is cached.
      const prefixes = cachePrefixes(tools, system);
      const keyOf = (prefix: unknown[]) =>
        createHash('sha256').update(String(body['model'])).update(JSON.stringify(prefix)).digest('hex');
      let cacheRead = 0;
      let cacheWrite = 0;
      const all = estTokens([...tools, ...(Array.isArray(system) ? system : system ? [system] : [])]);
      let input = estTokens(messages) + all;
      const longest = prefixes.at(-1);
      if (longest) {
        const hit = [...prefixes].reverse().find((pre) => cache.has(keyOf(pre)));
        cacheRead = hit ? estTokens(hit) : 0;
        cacheWrite = Math.max(0, estTokens(longest) - cacheRead);
        for (const pre of prefixes) cache.add(keyOf(pre));
        input = Math.max(1, input - cacheRead - cacheWrite);
      }

      const content: Array<Record<string, unknown>> = [];
      if (turn.text !== undefined) content.push({ type: 'text', text: turn.text, citations: null });
      for (const call of turn.toolCalls ?? []) {
        content.push({ type: 'tool_use', id: call.id ?? id('toolu'), name: call.name, input: call.input });
      }
      const stopReason = turn.stopReason ?? (turn.toolCalls?.length ? 'tool_use' : 'end_turn');
      const usage = {
        input_tokens: turn.usage?.input_tokens ?? input,
        output_tokens: turn.usage?.output_tokens ?? estTokens(content),
        cache_read_input_tokens: turn.usage?.cache_read_input_tokens ?? cacheRead,
        cache_creation_input_tokens: turn.usage?.cache_creation_input_tokens ?? cacheWrite,
      };
      const message = {
        id: id('msg'),
        type: 'message',
        role: 'assistant',
        model: String(body['model'] ?? 'unknown'),
        content,
        stop_reason: stopReason,
        stop_sequence: null,
        usage,
      };
      const store = () => {
        rec.replyId = message.id;
        if (thread?.type === 'continue') {
          const held = threads.get(thread.previous_message_id ?? '');
          if (held) held.continued = true;
        }
        if (thread) {
          threads.set(message.id, {
            system,
            tools,
            messages: [...messages, { role: 'assistant', content }],
            continued: false,
          });
        }
      };

      // SSE, framed like the real API.
      const events: Array<{ event: string; data: unknown }> = [];
      events.push({
        event: 'message_start',
        data: {
          type: 'message_start',
          message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
        },
      });
      let midEvent = -1;
      content.forEach((block, index) => {
        if (block['type'] === 'text') {
          events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } } });
          if (index === 0) events.push({ event: 'ping', data: { type: 'ping' } });
          for (const c of chunks(String(block['text']), chunkSize)) {
            events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text: c } } });
            if (midEvent < 0 && !turn.toolCalls?.length) midEvent = events.length;
          }
        } else {
          events.push({
            event: 'content_block_start',
            data: { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block['id'], name: block['name'], input: {} } },
          });
          for (const c of chunks(JSON.stringify(block['input'] ?? {}), chunkSize)) {
            events.push({
              event: 'content_block_delta',
              data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: c } },
            });
            if (midEvent < 0) midEvent = events.length; // after the first piece of tool input
          }
        }
        events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
      });
      events.push({
        event: 'message_delta',
        data: {
          type: 'message_delta',
          delta: { stop_reason: stopReason, stop_sequence: null },
          usage: {
            input_tokens: usage.input_tokens,
            output_tokens: usage.output_tokens,
            cache_read_input_tokens: usage.cache_read_input_tokens,
            cache_creation_input_tokens: usage.cache_creation_input_tokens,
          },
        },
      });
      events.push({ event: 'message_stop', data: { type: 'message_stop' } });

      const cutAt =
        fault && (fault.kind === 'drop_stream' || fault.kind === 'stream_error') ?
          (fault.dropAfterEvents ?? (midEvent > 0 ? midEvent : 2))
        : -1;
      // The whole reply as it goes out in one write, framed before the latency's sleep so that
      // the answer leaves `latency` ms after the request arrived, not that plus the framing.
      const wire = stream && cutAt < 0 && !options.eventDelayMs ? events.map(frame).join('') : undefined;
      return { message, store, events, cutAt, wire };
    };
    const prepared = !fault || fault.kind === 'drop_stream' || fault.kind === 'stream_error' ? prepare() : undefined;
    if (delay > 0) await sleepUntil(arrived + delay);
    if (res.destroyed || closing) return;
    rec.answeredAt = performance.timeOrigin + performance.now();

    if (fault) {
      rec.fault = fault.kind;
      if (fault.kind === 'hang') return; // answered never; closed with the server
      const status = sendFault(res, fault);
      if (status) {
        rec.status = status;
        return;
      }
    }
    const { message, store, events, cutAt, wire } = prepared as ReturnType<typeof prepare>;
    if (!stream) {
      store();
      reply(200, message);
      return;
    }

    rec.status = 200;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': id('req'),
    });
    if (wire !== undefined) {
      // Nothing between the events: the whole reply in one write, as it would arrive once the
      // model had finished (the latency stands for the whole turn).
      store();
      res.end(wire);
      return;
    }
    for (let i = 0; i < events.length; i++) {
      if (i === cutAt) {
        if (fault?.kind === 'stream_error') {
          res.end(`event: error\ndata: ${JSON.stringify(errorBody('overloaded_error', 'Overloaded'))}\n\n`);
        } else {
          // Everything written so far has reached the socket: the client sees the events, then the cut.
          await new Promise((r) => setTimeout(r, 20));
          res.socket?.destroy();
        }
        return;
      }
      const e = events[i] as { event: string; data: unknown };
      if (e.event === 'message_stop') store();
      if (res.destroyed) return;
      await new Promise<void>((r) => res.write(frame(e), () => r()));
      if (options.eventDelayMs) await sleep(options.eventDelayMs);
    }
    res.end();
  }

  const server = http.createServer((req, res) => {
    const arrived = performance.now();
    open.add(res);
    res.on('close', () => open.delete(res));
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(parts).toString('utf8'), arrived).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, errorBody('api_error', `fake-anthropic: ${String(err)}`));
        else res.destroy();
      });
    });
  });
  server.on('connection', (socket: Socket) => connectedAt.set(socket, performance.timeOrigin + performance.now()));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    get threadCount() {
      return threads.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const r of open) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
