// The tool loop for a provider whose model answers one turn at a time and has no tool runner
// of its own (VS Code's language models): send the conversation with the tool definitions,
// run the tool calls of the reply through the shared runnable tools (tools.ts: the same
// parse, guards, write policy and MutationFence as on Anthropic), send the results back, until
// the model ends its turn without a tool call, a budget stops it, or finishWhen ends it.
//
// Every request passes the run's ApiGate first (`acquire`), so a cooldown or a trip holds
// every agent of the run whatever its provider. A ModelError from the model is handled as the
// seam says (modelProvider.ts): 'auth' trips the gate; 'rateLimit' / 'overloaded' start the
// gate's cooldown and send the turn again (at most `maxRateLimitRetries` times in a row);
// anything else fails the agent. The tool calls of a reply that failed never run.
import type { BetaToolUseBlock } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import { runRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import type { TokenUsage } from '../core';
import { ModelError, type AgentTool, type Conversation, type ConversationEnd, type ModelTurn } from './modelProvider';

export type ChatPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'tool_call'; readonly id: string; readonly name: string; readonly input: unknown }
  | { readonly type: 'tool_result'; readonly id: string; readonly content: string; readonly isError: boolean };

export interface ChatMessage {
  readonly role: 'user' | 'assistant';
  readonly parts: readonly ChatPart[];
}

/** A tool definition as a chat model takes it (JSON schema input). */
export interface ChatToolSpec {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: object;
}

export interface ChatTurnRequest {
  readonly model: string;
  /** The system prompt; models without a system role get it ahead of the first user message. */
  readonly system: string;
  readonly messages: readonly ChatMessage[];
  readonly tools: readonly ChatToolSpec[];
  readonly maxTokens: number;
  readonly signal: AbortSignal;
  onTextDelta(delta: string): void;
  /** Usage of the turn so far, when the model can say. */
  onLiveUsage?(usage: TokenUsage): void;
}

export interface ChatReply {
  /** Text and tool_call parts, in the order the model sent them. */
  readonly parts: readonly ChatPart[];
  readonly usage: TokenUsage;
  readonly stopReason?: ModelTurn['stopReason'];
}

/** One model that answers one turn at a time. Throws ModelError for what it can classify. */
export interface ChatModel {
  send(request: ChatTurnRequest): Promise<ChatReply>;
}

export interface TurnLoopOptions {
  /** Consecutive rate-limit / overloaded replies retried before the agent fails (default 4). */
  readonly maxRateLimitRetries?: number;
}

/** Custom tools (ours are all zod ones) carry a JSON schema; server tool types have none. */
function specOf(tool: AgentTool): ChatToolSpec {
  const custom = tool as { description?: string; input_schema?: object };
  return { name: tool.name, description: custom.description ?? '', inputSchema: custom.input_schema ?? { type: 'object' } };
}

function resultText(content: string | ReadonlyArray<{ type: string; text?: string }>): string {
  if (typeof content === 'string') return content;
  return content.map((b) => (b.type === 'text' ? (b.text ?? '') : `[${b.type}]`)).join('\n');
}

async function runCall(conv: Conversation, call: Extract<ChatPart, { type: 'tool_call' }>): Promise<ChatPart> {
  const tool = conv.tools.find((t) => t.name === call.name);
  if (!tool) {
    const names = conv.tools.map((t) => t.name).join(', ');
    return { type: 'tool_result', id: call.id, content: `There is no tool "${call.name}". The tools are: ${names}.`, isError: true };
  }
  const toolUse = { type: 'tool_use', id: call.id, name: call.name, input: call.input } as BetaToolUseBlock;
  const out = await runRunnableTool(tool, call.input, { toolUse, toolUseBlock: toolUse, signal: conv.signal });
  return { type: 'tool_result', id: call.id, content: resultText(out.content), isError: out.isError };
}

async function sendTurn(model: ChatModel, conv: Conversation, request: Omit<ChatTurnRequest, 'signal'>, maxRetries: number): Promise<ChatReply> {
  for (let retries = 0; ; retries++) {
    await conv.gate.acquire(conv.signal);
    try {
      const reply = await model.send({ ...request, signal: conv.signal });
      conv.gate.noteSuccess();
      return reply;
    } catch (e) {
      if (conv.signal.aborted || !(e instanceof ModelError)) throw e;
      if (e.kind === 'auth') {
        conv.gate.trip(e.message, 'auth');
        throw e;
      }
      if ((e.kind !== 'rateLimit' && e.kind !== 'overloaded') || retries >= maxRetries) throw e;
      conv.gate.noteRateLimited(e.retryAfterMs, e.message);
      conv.onRetry(`${e.message} Every agent of the run waits for the cooldown; then the turn is sent again.`);
    }
  }
}

export async function runTurnLoop(model: ChatModel, conv: Conversation, options: TurnLoopOptions = {}): Promise<ConversationEnd> {
  const messages: ChatMessage[] = [{ role: 'user', parts: [{ type: 'text', text: conv.userText }] }];
  const base = {
    model: conv.model,
    system: conv.system.map((b) => b.text).join('\n\n'),
    tools: conv.tools.map(specOf),
    maxTokens: conv.maxTokens,
    onTextDelta: (d: string) => conv.onTextDelta(d),
    onLiveUsage: (u: TokenUsage) => conv.onLiveUsage(u),
  };
  for (;;) {
    const reply = await sendTurn(model, conv, { ...base, messages: [...messages] }, options.maxRateLimitRetries ?? 4);
    const calls = reply.parts.filter((p): p is Extract<ChatPart, { type: 'tool_call' }> => p.type === 'tool_call');
    const text = reply.parts
      .filter((p): p is Extract<ChatPart, { type: 'text' }> => p.type === 'text')
      .map((p) => p.text)
      .join('')
      .trim();
    const final: ModelTurn = {
      text,
      usage: reply.usage,
      stopReason: calls.length ? 'tool_use' : (reply.stopReason ?? 'end_turn'),
      content: reply.parts,
    };
    conv.onTurn(final);
    if (!calls.length) return { stop: 'done', final };
    messages.push({ role: 'assistant', parts: reply.parts });
    const results: ChatPart[] = [];
    for (const call of calls) results.push(await runCall(conv, call));
    messages.push({ role: 'user', parts: results });
    const stop = conv.budgetStop();
    if (stop) return { stop };
    if (conv.finishWhen?.()) return { stop: 'done', final };
  }
}
