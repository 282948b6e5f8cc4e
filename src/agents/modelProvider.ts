// The model provider seam: what runAgentTask (anthropicRunner.ts) needs from a model, so
// that the same agent loop, tools, guards, budgets and progress run on any model source.
//
// runAgentTask owns everything that is the same for every model: the task's tools (tools.ts,
// zod, with their write policy and MutationFence), the system prompt, budgets, finishWhen,
// progress and transcript entries, cancellation within a second, and the result. A provider
// owns the conversation with its model: it sends the conversation with the tool definitions,
// streams text and tool calls back, runs the tools the model asks for through the shared
// runnable tools (never copies of them), reports usage where the model has it, and honours
// the AbortSignal. Providers with their own tool runner (Anthropic's SDK) keep it; others use
// runTurnLoop (turnLoop.ts), which drives the tools over a per-turn `ChatModel`.
//
// Errors: a provider throws what it cannot cure. A `ModelError` says which kind it is, and the
// kinds share the run's ApiGate the same way for every provider:
// - 'auth': the model cannot be used at all with these credentials or permissions; the gate
//   trips and every agent of the run fails with the error's message (which says what to do);
// - 'rateLimit' / 'overloaded': the turn is retried after the gate's cooldown, which holds
//   every agent of the run (the shared back-off);
// - 'fatal': this agent fails with the message (model not found, bad request, …).
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import type { StopReason, TokenUsage } from '../core';
import type { ApiGate } from './apiGate';

/** Where an agent's model comes from; front ends name it beside the model. */
export type ModelSource = 'anthropic' | 'vscode';

/**
 * A tool as every provider gets it: the runnable zod tools of tools.ts (and the strategies'
 * vote / rank_attempts, cmdtool's run_command): name, description, JSON schema, parse, run.
 */
export type AgentTool = BetaRunnableTool<any>;

/** A block of the system prompt (systemPrompt.ts); `cache_control` matters to Anthropic only. */
export interface SystemBlock {
  readonly type: 'text';
  readonly text: string;
}

/** A model turn received in full. */
export interface ModelTurn {
  /** The turn's text (trimmed, may be empty). */
  readonly text: string;
  /** Usage of this turn as the provider reports or counts it. */
  readonly usage: TokenUsage;
  /** 'tool_use' when the model asked for tools (they run before the next turn). */
  readonly stopReason: 'end_turn' | 'tool_use' | 'max_tokens' | 'refusal' | (string & {});
  /** The provider's own form of the reply, for the transcript. */
  readonly content: unknown;
  /** The provider's own usage record, for the transcript (default: `usage` in the Messages API's names). */
  readonly rawUsage?: unknown;
}

/** One agent's conversation, as runAgentTask hands it to a provider. */
export interface Conversation {
  /** The agent's id for traces (agentTrace.ts): the task id, with `#instance` for one of several. */
  readonly agent?: string;
  readonly model: string;
  readonly system: readonly SystemBlock[];
  readonly userText: string;
  readonly tools: readonly AgentTool[];
  readonly maxTokens: number;
  readonly maxStreamRetries: number;
  /** Aborted by the caller or a tripped gate; the provider stops its request at once. */
  readonly signal: AbortSignal;
  readonly gate: ApiGate;
  /** Usage of the turn under way (replaces the previous live value). */
  onLiveUsage(usage: TokenUsage): void;
  onTextDelta(delta: string): void;
  /** A turn received in full (before its tools run). */
  onTurn(turn: ModelTurn): void;
  /** A turn that failed and is sent again (the reason, for the transcript). */
  onRetry(message: string): void;
  /** Checked after a tool_use turn's tools ran: a budget that stops the agent there. */
  budgetStop(): StopReason | undefined;
  /** Checked after a tool_use turn's tools ran: true ends the agent as done. */
  readonly finishWhen?: () => boolean;
}

export interface ConversationEnd {
  readonly stop: StopReason;
  /** The last turn received (its stopReason says refusal / max_tokens). */
  readonly final?: ModelTurn;
}

export interface ModelProvider {
  readonly source: ModelSource;
  /** What front ends show for the run's model ("VS Code · copilot gpt-4o (GPT-4o)"). */
  readonly label: string;
  /**
   * The model an agent runs on, from the one the run resolved (task, instance, run, default):
   * Anthropic takes it as it is; VS Code maps it onto a model VS Code offers.
   */
  modelFor(requested: string): string;
  /** Whether token counts can be priced (USD cost and `budget.usd`); false: cost is unknown. */
  readonly pricesKnown: boolean;
  converse(conversation: Conversation): Promise<ConversationEnd>;
  /** A user-facing sentence for an error `converse` threw. */
  describeError(error: unknown): string;
}

export type ModelErrorKind = 'auth' | 'rateLimit' | 'overloaded' | 'fatal';

/** An error a provider classified; see the kinds above. */
export class ModelError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    /** For rateLimit / overloaded: how long the model asked to wait, if it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}
