// The VS Code language-model provider: agents run on a model VS Code offers (vscode.lm,
// chosen in lmModels.ts), through the engine's provider-neutral tool loop (runTurnLoop):
// the same tools, guards, budgets and ApiGate as on Anthropic.
//
// - A turn is one `sendRequest` with the conversation and the tools (LanguageModelChatTool,
//   the tools' own JSON schemas); the reply streams LanguageModelTextPart and
//   LanguageModelToolCallPart; tool results go back as LanguageModelToolResultPart.
// - The system prompt leads the first user message: VS Code 1.100 has no system role.
// - The first request of a run asks for the user's consent when the model's provider wants
//   it; runs start from a user action (Run), as the API requires, with a justification.
// - Cancelling: the agent's AbortSignal cancels the request's CancellationToken.
// - Usage: VS Code reports none, so tokens are counted with the model's countTokens (input:
//   every message sent, counted once per message; output: the reply). Cost is unknown
//   (`pricesKnown: false`): the provider's own terms apply, nothing is invented.
// - Errors: lmErrors.ts.
// The engine's ModelError and runTurnLoop are passed in (`EngineParts`): they come with the
// lazily loaded engine chunk, and the extension must load one copy of the agent layer.
import * as vscode from 'vscode';
import { emptyUsage, type TokenUsage } from '../core';
import type { ChatMessage, ChatModel, ChatPart, ChatReply, ChatTurnRequest, ModelError, ModelProvider, runTurnLoop } from '../agents';
import { classifyLmError } from './lmErrors';
import { describeLmModel } from './lmModels';

const JUSTIFICATION = 'Parallel Agents runs the agent tasks of your task file on this model: the agents read and change files of the workspace through its tools.';

function toVscodeMessage(m: ChatMessage, systemPrefix: string | undefined): vscode.LanguageModelChatMessage {
  if (m.role === 'assistant') {
    const parts = m.parts.flatMap((p): (vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart)[] => {
      if (p.type === 'text') return p.text ? [new vscode.LanguageModelTextPart(p.text)] : [];
      if (p.type === 'tool_call') return [new vscode.LanguageModelToolCallPart(p.id, p.name, (p.input ?? {}) as object)];
      return [];
    });
    return vscode.LanguageModelChatMessage.Assistant(parts);
  }
  const parts = m.parts.flatMap((p): (vscode.LanguageModelTextPart | vscode.LanguageModelToolResultPart)[] => {
    if (p.type === 'text') return [new vscode.LanguageModelTextPart(p.text)];
    if (p.type === 'tool_result') {
      // 1.100's tool results have no error flag: the text says it (as Anthropic's is_error would).
      const text = p.isError && !/^error\b/i.test(p.content) ? `Error: ${p.content}` : p.content;
      return [new vscode.LanguageModelToolResultPart(p.id, [new vscode.LanguageModelTextPart(text)])];
    }
    return [];
  });
  if (systemPrefix !== undefined) parts.unshift(new vscode.LanguageModelTextPart(`${systemPrefix}\n\n`));
  return vscode.LanguageModelChatMessage.User(parts);
}

/** Counts each message once (the conversation only grows), so a turn costs the new messages only. */
class TokenCounter {
  private readonly counted = new WeakMap<ChatMessage, number>();
  constructor(private readonly model: vscode.LanguageModelChat) {}

  async input(messages: readonly ChatMessage[], converted: readonly vscode.LanguageModelChatMessage[], token: vscode.CancellationToken): Promise<number> {
    let total = 0;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i] as ChatMessage;
      let n = this.counted.get(m);
      if (n === undefined) {
        n = await this.count(converted[i] as vscode.LanguageModelChatMessage, token);
        this.counted.set(m, n);
      }
      total += n;
    }
    return total;
  }

  async count(what: string | vscode.LanguageModelChatMessage, token: vscode.CancellationToken): Promise<number> {
    try {
      return await this.model.countTokens(what, token);
    } catch {
      return 0; // a model that cannot count leaves usage unknown (0), never a guess
    }
  }
}

/** What this provider takes from the engine chunk (src/engine/index.ts). */
export interface EngineParts {
  readonly ModelError: typeof ModelError;
  readonly runTurnLoop: typeof runTurnLoop;
}

function chatModelOf(engine: EngineParts, models: ReadonlyMap<string, vscode.LanguageModelChat>): ChatModel {
  const counters = new Map<string, TokenCounter>();
  return {
    async send(req: ChatTurnRequest): Promise<ChatReply> {
      const model = models.get(req.model);
      if (!model) throw new engine.ModelError('fatal', `The language model "${req.model}" is not one VS Code offered when the run started.`);
      const label = describeLmModel(model);
      const counter = counters.get(model.id) ?? new TokenCounter(model);
      counters.set(model.id, counter);
      const cts = new vscode.CancellationTokenSource();
      const onAbort = () => cts.cancel();
      req.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const messages = req.messages.map((m, i) => toVscodeMessage(m, i === 0 ? req.system : undefined));
        const parts: ChatPart[] = [];
        let text = '';
        try {
          const response = await model.sendRequest(
            messages,
            {
              justification: JUSTIFICATION,
              tools: req.tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })),
              toolMode: vscode.LanguageModelChatToolMode.Auto,
            },
            cts.token,
          );
          for await (const part of response.stream) {
            if (part instanceof vscode.LanguageModelTextPart) {
              text += part.value;
              req.onTextDelta(part.value);
            } else if (part instanceof vscode.LanguageModelToolCallPart) {
              if (text) parts.push({ type: 'text', text });
              text = '';
              parts.push({ type: 'tool_call', id: part.callId, name: part.name, input: part.input });
            }
          }
        } catch (e) {
          if (req.signal.aborted) throw e;
          const c = classifyLmError(e, label);
          throw new engine.ModelError(c.kind, c.message);
        }
        if (text) parts.push({ type: 'text', text });
        const usage: TokenUsage = emptyUsage();
        usage.input = await counter.input(req.messages, messages, cts.token);
        const said = parts.map((p) => (p.type === 'text' ? p.text : p.type === 'tool_call' ? `${p.name} ${JSON.stringify(p.input)}` : '')).join('\n');
        usage.output = said ? await counter.count(said, cts.token) : 0;
        return { parts, usage };
      } finally {
        req.signal.removeEventListener('abort', onAbort);
        cts.dispose();
      }
    },
  };
}

/**
 * Agents on VS Code's models: `chosen` for every agent, unless the run asks for a model that
 * is one of `available` by id or family (a task's `model: gpt-4o` on a model VS Code has).
 */
export function vscodeLmProvider(engine: EngineParts, chosen: vscode.LanguageModelChat, available: readonly vscode.LanguageModelChat[] = [chosen]): ModelProvider {
  const byId = new Map<string, vscode.LanguageModelChat>([[chosen.id, chosen]]);
  for (const m of available) if (!byId.has(m.id)) byId.set(m.id, m);
  const chat = chatModelOf(engine, byId);
  return {
    source: 'vscode',
    label: `VS Code · ${describeLmModel(chosen)}`,
    pricesKnown: false,
    modelFor(requested) {
      const exact = byId.get(requested) ?? available.find((m) => m.family === requested);
      return (exact ?? chosen).id;
    },
    converse: (conv) => engine.runTurnLoop(chat, conv),
    describeError: (e) => (e instanceof Error ? e.message : String(e)),
  };
}
