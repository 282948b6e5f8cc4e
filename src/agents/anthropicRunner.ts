// Agent tasks: one agent's loop on a model provider (by default Anthropic's SDK tool runner,
// client.beta.messages.toolRunner, streaming) with the file tools of tools.ts on the task's
// TaskWorkspace.
//
// Outcomes (AgentTaskResult):
// - succeeded / 'done': the model ended its turn; `output` is its last text.
// - succeeded / 'maxTurns' | 'tokenBudget' | 'usdBudget': a budget stopped the agent. Budgets are
//   checked after each model turn that asks for tools: the tool calls of that turn still run
//   (the work so far is kept), then no further request is sent. `output` is the model's last
//   text followed by a note saying which budget stopped it, so dependents know the work may be
//   incomplete. (A budget can be overshot by at most one turn.)
// - cancelled / 'cancelled': the caller's AbortSignal fired. The promise resolves within a
//   second whatever the agent was doing (a request, the SDK's backoff, a tool call); from the
//   moment of the abort no write, edit or delete reaches the workspace (a workspace call already
//   under way is awaited, for at most 500 ms, before the promise resolves).
// - failed / 'error': an API error the SDK's retries did not cure, a 401 (the shared ApiGate
//   trips and every agent of the run fails with "set a valid API key"), a retry-after too long
//   to wait on, a refusal, or a reply cut at max_tokens; on another provider, its ModelError
//   (an 'auth' one trips the gate like a 401: every agent fails with its message).
//
// The loop is provider-neutral: a ModelProvider (modelProvider.ts) holds the conversation
// with its model. `anthropicProvider` (the SDK's tool runner, prompt caching, message threads;
// a reply stream that breaks off is never acted on and is sent again up to `maxStreamRetries`
// times) is used when the request passes `client`; VS Code's models come in as `provider`.
// Tools, guards, budgets, progress and the outcomes above are the same for every provider;
// a provider whose cost is unknown (`pricesKnown: false`) reports costUsd 0 and no usd budget.
import type Anthropic from '@anthropic-ai/sdk';
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import type { AgentCommandView, Task, TaskWorkspace } from '../core';
import {
  addUsage,
  emptyUsage,
  type StopReason,
  type TaskOutput,
  type TaskProgress,
  type TokenUsage,
  type TranscriptEntry,
} from '../core';
import { ApiGate, ApiGateError } from './apiGate';
import { anthropicProvider } from './anthropicProvider';
import type { ConversationEnd, ModelProvider, ModelSource } from './modelProvider';
import { createWritePolicy } from './pathGuard';
import { budgetTokens, costUsd, type PriceTable } from './pricing';
import { buildSystemPrompt, firstUserMessage, type AgentInstance } from './systemPrompt';
import { createFileTools, type ToolName } from './tools';
import { toolLabel } from './commandTool';
import { DEFAULT_MAX_TOKENS, DEFAULT_MODEL } from './models';
import { traceAgent } from './agentTrace';

export interface AgentTaskRequest {
  task: Task;
  workspace: TaskWorkspace;
  /** Workspace-relative path of the run's task file (writable only when owned by name). */
  taskFilePath: string;
  /** Outputs of the tasks this one depends on, shown in the system prompt. */
  dependencies: readonly TaskOutput[];
  /** The model source (anthropicProvider, the VS Code LM provider). Wins over `client`. */
  provider?: ModelProvider;
  /** Compatibility: an Anthropic client, used through anthropicProvider when no `provider` is given. */
  client?: Anthropic;
  /** The run's model, for a task that names none (a task's own `model` wins); else DEFAULT_MODEL. */
  model?: string;
  /** The run's shared limiter / circuit breaker. */
  gate: ApiGate;
  /** Overrides or extends DEFAULT_PRICES. */
  prices?: PriceTable;
  signal: AbortSignal;
  onProgress?: (progress: TaskProgress) => void;
  onTranscript?: (entry: TranscriptEntry) => void;
  /** Output-token cap per turn (default DEFAULT_MAX_TOKENS). */
  maxTokens?: number;
  /** How often a turn whose reply stream broke off is sent again (default 2). */
  maxStreamRetries?: number;
  /** One of several agents of the same task (attempt, voter, judge); see systemPrompt.ts. */
  instance?: AgentInstance;
  /** The file tools the agent gets (default all six; voters and judges get the read-only ones). */
  fileTools?: readonly ToolName[];
  /** Tools beside the file tools (the strategies' `vote` and `rank_attempts`). */
  extraTools?: readonly BetaRunnableTool<any>[];
  /** Asked after each turn's tool calls ran: true ends the agent there as done (e.g. once it voted). */
  finishWhen?: () => boolean;
  /** Where the agent's run_command tool runs (a task with `commands: true`); no tool without one. */
  commandView?: AgentCommandView;
}

export interface AgentTaskResult {
  status: 'succeeded' | 'failed' | 'cancelled';
  stopReason: StopReason;
  output: string;
  tokens: TokenUsage;
  costUsd: number;
  /** Model turns completed (replies received in full). */
  turns: number;
  error?: string;
  /** Workspace-relative paths the agent changed (from `workspace.changes()`). */
  changed: string[];
  model: string;
  /** Where the model came from; with 'vscode' the cost is unknown (costUsd is 0). */
  modelSource: ModelSource;
}

const BUDGET_NOTES: Partial<Record<StopReason, string>> = {
  maxTurns: 'the maximum number of turns',
  tokenBudget: 'the token budget',
  usdBudget: 'the cost budget',
};

function sameUsage(a: TokenUsage, b: TokenUsage): boolean {
  return a.input === b.input && a.output === b.output && a.cacheRead === b.cacheRead && a.cacheWrite === b.cacheWrite;
}

function providerOf(req: AgentTaskRequest): ModelProvider | undefined {
  if (req.provider) return req.provider;
  return req.client ? anthropicProvider(req.client) : undefined;
}

export async function runAgentTask(req: AgentTaskRequest): Promise<AgentTaskResult> {
  const { task } = req;
  const started = Date.now();
  const agent = req.instance ? `${task.id}#${req.instance.id}` : task.id;
  traceAgent(agent, 'start');
  const provider = providerOf(req);
  const model = provider ? provider.modelFor(task.model ?? req.model ?? DEFAULT_MODEL) : (task.model ?? req.model ?? DEFAULT_MODEL);
  const priced = provider?.pricesKnown ?? true;
  const cost = (t: TokenUsage) => (priced ? costUsd(t, model, req.prices) : 0);
  let tokens = emptyUsage();
  let liveTurn = emptyUsage();
  let turns = 0;
  let currentTool: string | undefined;

  const transcript = (type: TranscriptEntry['type'], data: unknown) => {
    try {
      req.onTranscript?.({ at: Date.now(), type, data });
    } catch {
      /* a listener's failure never stops the agent */
    }
  };
  const live = () => addUsage(tokens, liveTurn);
  const progress = (textDelta?: string) => {
    try {
      const t = live();
      req.onProgress?.({
        taskId: task.id,
        ...(currentTool ? { currentTool } : {}),
        ...(textDelta ? { textDelta } : {}),
        tokens: t,
        costUsd: cost(t),
        turns,
        elapsedMs: Date.now() - started,
      });
    } catch {
      /* ignore */
    }
  };
  const result = (
    status: AgentTaskResult['status'],
    stopReason: StopReason,
    output: string,
    error?: string,
  ): AgentTaskResult => {
    const t = live();
    const r: AgentTaskResult = {
      status,
      stopReason,
      output,
      tokens: t,
      costUsd: cost(t),
      turns,
      changed: req.workspace.changes().map((c) => c.path),
      model,
      modelSource: provider?.source ?? 'anthropic',
      ...(error !== undefined ? { error } : {}),
    };
    transcript('event', { kind: 'end', status, stopReason, ...(error ? { error } : {}) });
    traceAgent(agent, 'end');
    return r;
  };

  if (req.signal.aborted) return result('cancelled', 'cancelled', '');
  if (req.gate.isTripped) return result('failed', 'error', '', req.gate.tripMessage);
  if (!task.prompt?.trim()) {
    return result('failed', 'error', '', `Task "${task.id}" has no prompt (agent tasks need prompt or promptFile).`);
  }
  if (!provider) return result('failed', 'error', '', 'No model to run the agent on: the request has neither a provider nor an Anthropic client.');

  // Aborted by the caller's signal or by a tripped gate.
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  req.signal.addEventListener('abort', onAbort, { once: true });
  const gateSub = req.gate.onDidChangeState((s) => {
    if (s.kind === 'tripped') ac.abort();
  });

  const { tools: fileTools, fence } = createFileTools({
    workspace: req.workspace,
    policy: createWritePolicy(task.owns, req.taskFilePath),
    signal: ac.signal,
    ...(req.commandView !== undefined && { commandView: req.commandView, network: task.network === true }),
    remainingTokens: () => (task.budget?.tokens !== undefined ? task.budget.tokens - budgetTokens(live()) : undefined),
    hooks: {
      onStart(name, id, input) {
        traceAgent(agent, 'toolStart');
        currentTool = toolLabel(name, input);
        transcript('tool_use', { id, name, input });
        progress();
      },
      onEnd(name, id, content, isError) {
        transcript('tool_result', { id, name, content, is_error: isError });
        currentTool = undefined;
        progress();
        traceAgent(agent, 'toolEnd');
      },
    },
  });
  const wanted = req.fileTools;
  const tools = [...(wanted ? fileTools.filter((t) => wanted.includes(t.name as ToolName)) : fileTools), ...(req.extraTools ?? [])];
  const system = buildSystemPrompt({
    task,
    taskFilePath: req.taskFilePath,
    dependencies: req.dependencies,
    ...(req.instance !== undefined && { instance: req.instance }),
    commands: tools.some((t) => t.name === 'run_command'),
  });
  const userText = firstUserMessage(task);
  transcript('system', { model, system: system.map((b) => b.text).join('\n\n'), tools: tools.map((t) => t.name) });
  transcript('user', { text: userText });
  traceAgent(agent, 'prompt');

  const budgetStop = (): StopReason | undefined => {
    if (task.maxTurns !== undefined && turns >= task.maxTurns) return 'maxTurns';
    if (task.budget?.tokens !== undefined && budgetTokens(tokens) >= task.budget.tokens) return 'tokenBudget';
    if (priced && task.budget?.usd !== undefined && cost(tokens) >= task.budget.usd) return 'usdBudget';
    return undefined;
  };

  let lastText = '';
  const loop = (): Promise<ConversationEnd> =>
    provider.converse({
      agent,
      model,
      system,
      userText,
      tools,
      maxTokens: req.maxTokens ?? DEFAULT_MAX_TOKENS,
      maxStreamRetries: req.maxStreamRetries ?? 2,
      signal: ac.signal,
      gate: req.gate,
      onLiveUsage(usage) {
        // Providers report it per stream event; most events (text and tool input) leave it as it was.
        if (sameUsage(usage, liveTurn)) return;
        liveTurn = usage;
        progress();
      },
      onTextDelta: (delta) => progress(delta),
      onTurn(turn) {
        liveTurn = emptyUsage();
        tokens = addUsage(tokens, turn.usage);
        turns++;
        if (turn.text) lastText = turn.text;
        // The transcript keeps the Messages API's usage names (transcriptFormat.ts reads them).
        const usage = turn.rawUsage ?? {
          input_tokens: turn.usage.input,
          output_tokens: turn.usage.output,
          cache_read_input_tokens: turn.usage.cacheRead,
          cache_creation_input_tokens: turn.usage.cacheWrite,
        };
        transcript('assistant', { content: turn.content, stop_reason: turn.stopReason, usage });
        progress();
      },
      onRetry(message) {
        // A failed turn is still billed for what streamed.
        tokens = addUsage(tokens, liveTurn);
        liveTurn = emptyUsage();
        transcript('event', { kind: 'retry', message });
      },
      budgetStop,
      ...(req.finishWhen && { finishWhen: req.finishWhen }),
    });

  const aborted = new Promise<'aborted'>((resolve) => {
    if (ac.signal.aborted) resolve('aborted');
    else ac.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  const running = loop().then(
    (end) => ({ ok: true as const, end }),
    (error: unknown) => ({ ok: false as const, error }),
  );

  try {
    const outcome = await Promise.race([running, aborted]);
    if (outcome === 'aborted' || (!outcome.ok && ac.signal.aborted)) {
      await Promise.race([fence.settled(), new Promise((r) => setTimeout(r, 500))]);
      if (req.gate.isTripped && !req.signal.aborted) {
        return result('failed', 'error', lastText, req.gate.tripMessage);
      }
      return result('cancelled', 'cancelled', lastText);
    }
    if (!outcome.ok) {
      if (outcome.error instanceof ApiGateError && req.gate.isTripped) {
        return result('failed', 'error', lastText, req.gate.tripMessage);
      }
      return result('failed', 'error', lastText, provider.describeError(outcome.error));
    }
    const { stop, final } = outcome.end;
    const note = BUDGET_NOTES[stop];
    if (note) {
      const out = `${lastText}${lastText ? '\n\n' : ''}[Stopped after ${turns} turns: ${note} was reached before the agent finished.]`;
      transcript('event', { kind: 'budget', stopReason: stop });
      return result('succeeded', stop, out);
    }
    if (final?.stopReason === 'refusal') return result('failed', 'error', lastText, 'The model declined the task (stop_reason: refusal).');
    if (final?.stopReason === 'max_tokens') {
      return result('failed', 'error', lastText, `The model's reply was cut at max_tokens (${req.maxTokens ?? DEFAULT_MAX_TOKENS}).`);
    }
    return result('succeeded', 'done', lastText);
  } finally {
    gateSub.dispose();
    req.signal.removeEventListener('abort', onAbort);
  }
}
