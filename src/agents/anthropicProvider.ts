// The Anthropic model provider: the SDK's tool runner (client.beta.messages.toolRunner,
// streaming) with prompt caching (the last tool definition and both system blocks carry
// cache_control), the SDK's message threads, and the run's ApiGate in each request's
// middleware. Outcomes are those of the contract at the top of anthropicRunner.ts.
//
// A reply stream that breaks off before `message_stop` is never acted on: its tool calls do
// not run. The turn is sent again (up to `maxStreamRetries` times; the SDK's message thread
// then replays the full history under a new thread).
import type Anthropic from '@anthropic-ai/sdk';
import { APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { BetaMessage, BetaUsage } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import type { TokenUsage } from '../core';
import { ApiGate, ApiGateError } from './apiGate';
import { agentTraced, traceAgent } from './agentTrace';
import type { Conversation, ConversationEnd, ModelProvider, ModelTurn } from './modelProvider';

function usageOf(u: Partial<BetaUsage> | undefined): TokenUsage {
  return {
    input: u?.input_tokens ?? 0,
    output: u?.output_tokens ?? 0,
    cacheRead: u?.cache_read_input_tokens ?? 0,
    cacheWrite: u?.cache_creation_input_tokens ?? 0,
  };
}

function textOf(msg: BetaMessage): string {
  return msg.content
    .filter((b): b is Extract<typeof b, { type: 'text' }> => b.type === 'text')
    .map((b) => b.text)
    .join('\n')
    .trim();
}

/** Errors after which the turn is worth sending again: the reply stream broke off. */
function isInterruptedStream(e: unknown): boolean {
  if (e instanceof ApiGateError || e instanceof APIUserAbortError) return false;
  if (e instanceof APIError && typeof e.status === 'number') return false;
  return true;
}

function describeError(e: unknown): string {
  if (e instanceof ApiGateError) return e.message;
  if (e instanceof APIError) {
    const status = typeof e.status === 'number' ? ` (HTTP ${e.status})` : '';
    return `The model API failed${status}: ${e.message}`;
  }
  return e instanceof Error ? e.message : String(e);
}

// The run's gate goes into each request's middleware (the SDK runs request middleware after the
// client's, on every attempt, retries included) rather than into a copy of the client per run:
// `client.withOptions` builds a whole client (0.4–0.9 ms), on the first task's path to its request.
function gateOptions(client: Anthropic, gate: ApiGate): { middleware?: [ApiGate['middleware']] } {
  return client.middleware.includes(gate.middleware) ? {} : { middleware: [gate.middleware] };
}

function turnOf(msg: BetaMessage): ModelTurn {
  return { text: textOf(msg), usage: usageOf(msg.usage), stopReason: msg.stop_reason ?? 'end_turn', content: msg.content, rawUsage: msg.usage };
}

/** Today's path: Anthropic's Messages API through `client`, gated by `gate` (the run's). */
export function anthropicProvider(client: Anthropic, label = 'Anthropic API'): ModelProvider {
  return {
    source: 'anthropic',
    label,
    pricesKnown: true,
    modelFor: (requested) => requested,
    describeError,
    converse: (conv) => converse(client, conv),
  };
}

async function converse(client: Anthropic, conv: Conversation): Promise<ConversationEnd> {
  const tools = [...conv.tools];
  // The last tool definition closes the first cache breakpoint (tools); the system blocks add two more.
  if (tools.length) Object.assign(tools[tools.length - 1] as object, { cache_control: { type: 'ephemeral' } });
  const runner = client.beta.messages.toolRunner(
    {
      model: conv.model,
      max_tokens: conv.maxTokens,
      system: [...conv.system],
      tools,
      messages: [{ role: 'user', content: conv.userText }],
      stream: true,
    },
    { signal: conv.signal, ...gateOptions(client, conv.gate) },
  );

  let retriesLeft = conv.maxStreamRetries;
  for (;;) {
    try {
      let final: ModelTurn | undefined;
      for await (const stream of runner) {
        const agent = conv.agent ?? '';
        traceAgent(agent, 'turn');
        if (agentTraced()) {
          stream.on('connect', () => traceAgent(agent, 'connect'));
          stream.once('streamEvent', () => traceAgent(agent, 'firstEvent'));
        }
        stream.on('streamEvent', (_event, snapshot) => conv.onLiveUsage(usageOf(snapshot.usage)));
        stream.on('text', (delta) => conv.onTextDelta(delta));
        // On failure the body ends quietly: the runner then rethrows the error itself, and
        // stays iterable, so a broken-off turn can be sent again.
        const msg = await stream.finalMessage().catch(() => undefined);
        if (!msg) continue;
        traceAgent(agent, 'parsed');
        final = turnOf(msg);
        conv.onTurn(final);
        if (msg.stop_reason === 'tool_use') {
          const stop = conv.budgetStop();
          if (stop) {
            await runner.generateToolResponse(conv.signal);
            return { stop };
          }
          if (conv.finishWhen) {
            await runner.generateToolResponse(conv.signal);
            if (conv.finishWhen()) return { stop: 'done', final };
          }
        }
      }
      return final ? { stop: 'done', final } : { stop: 'done' };
    } catch (e) {
      // A failed turn is still billed for what streamed: onRetry (and the result) count it.
      if (conv.signal.aborted || !isInterruptedStream(e) || retriesLeft <= 0) throw e;
      retriesLeft--;
      conv.onRetry(`The reply stream broke off (${describeError(e)}); nothing of it was applied. Sending the turn again.`);
    }
  }
}
