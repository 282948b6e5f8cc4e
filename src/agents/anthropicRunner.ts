// Agent tasks: the SDK's tool runner (client.beta.messages.toolRunner, streaming) with the
// file tools of tools.ts on the task's TaskWorkspace.
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
//   to wait on, a refusal, or a reply cut at max_tokens.
//
// A reply stream that breaks off before `message_stop` is never acted on: its tool calls do
// not run. The turn is sent again (up to `maxStreamRetries` times; the SDK's message thread
// then replays the full history under a new thread).
import type Anthropic from '@anthropic-ai/sdk';
import { APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { BetaMessage, BetaUsage } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import type { CommandView, Task, TaskWorkspace } from '../core';
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
import { createWritePolicy } from './pathGuard';
import { budgetTokens, costUsd, type PriceTable } from './pricing';
import { buildSystemPrompt, firstUserMessage, type AgentInstance } from './systemPrompt';
import { createFileTools, type ToolName } from './tools';
import { toolLabel } from './commandTool';
import { DEFAULT_MAX_TOKENS, DEFAULT_MODEL } from './models';

export interface AgentTaskRequest {
  task: Task;
  workspace: TaskWorkspace;
  /** Workspace-relative path of the run's task file (writable only when owned by name). */
  taskFilePath: string;
  /** Outputs of the tasks this one depends on, shown in the system prompt. */
  dependencies: readonly TaskOutput[];
  client: Anthropic;
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
  commandView?: CommandView;
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
}

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

function withGate(client: Anthropic, gate: ApiGate): Anthropic {
  const others = client.middleware.filter((m) => m !== gate.middleware);
  return client.withOptions({ middleware: [...others, gate.middleware] });
}

const BUDGET_NOTES: Partial<Record<StopReason, string>> = {
  maxTurns: 'the maximum number of turns',
  tokenBudget: 'the token budget',
  usdBudget: 'the cost budget',
};

export async function runAgentTask(req: AgentTaskRequest): Promise<AgentTaskResult> {
  const { task } = req;
  const started = Date.now();
  const model = task.model ?? req.model ?? DEFAULT_MODEL;
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
        costUsd: costUsd(t, model, req.prices),
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
      costUsd: costUsd(t, model, req.prices),
      turns,
      changed: req.workspace.changes().map((c) => c.path),
      model,
      ...(error !== undefined ? { error } : {}),
    };
    transcript('event', { kind: 'end', status, stopReason, ...(error ? { error } : {}) });
    return r;
  };

  if (req.signal.aborted) return result('cancelled', 'cancelled', '');
  if (req.gate.isTripped) return result('failed', 'error', '', req.gate.tripMessage);
  if (!task.prompt?.trim()) {
    return result('failed', 'error', '', `Task "${task.id}" has no prompt (agent tasks need prompt or promptFile).`);
  }

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
        currentTool = toolLabel(name, input);
        transcript('tool_use', { id, name, input });
        progress();
      },
      onEnd(name, id, content, isError) {
        transcript('tool_result', { id, name, content, is_error: isError });
        currentTool = undefined;
        progress();
      },
    },
  });
  const wanted = req.fileTools;
  const tools = [...(wanted ? fileTools.filter((t) => wanted.includes(t.name as ToolName)) : fileTools), ...(req.extraTools ?? [])];
  // The last tool definition closes the first cache breakpoint (tools); the system blocks add two more.
  Object.assign(tools[tools.length - 1] as object, { cache_control: { type: 'ephemeral' } });
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

  const client = withGate(req.client, req.gate);
  const runner = client.beta.messages.toolRunner(
    {
      model,
      max_tokens: req.maxTokens ?? DEFAULT_MAX_TOKENS,
      system,
      tools,
      messages: [{ role: 'user', content: userText }],
      stream: true,
    },
    { signal: ac.signal },
  );

  const budgetStop = (): StopReason | undefined => {
    if (task.maxTurns !== undefined && turns >= task.maxTurns) return 'maxTurns';
    if (task.budget?.tokens !== undefined && budgetTokens(tokens) >= task.budget.tokens) return 'tokenBudget';
    if (task.budget?.usd !== undefined && costUsd(tokens, model, req.prices) >= task.budget.usd) return 'usdBudget';
    return undefined;
  };

  let lastText = '';
  type LoopEnd = { stop: StopReason; final?: BetaMessage };
  const loop = async (): Promise<LoopEnd> => {
    let retriesLeft = req.maxStreamRetries ?? 2;
    for (;;) {
      try {
        let final: BetaMessage | undefined;
        for await (const stream of runner) {
          liveTurn = emptyUsage();
          stream.on('streamEvent', (_event, snapshot) => {
            liveTurn = usageOf(snapshot.usage);
            progress();
          });
          stream.on('text', (delta) => progress(delta));
          // On failure the body ends quietly: the runner then rethrows the error itself, and
          // stays iterable, so a broken-off turn can be sent again.
          const msg = await stream.finalMessage().catch(() => undefined);
          if (!msg) continue;
          liveTurn = emptyUsage();
          tokens = addUsage(tokens, usageOf(msg.usage));
          turns++;
          const text = textOf(msg);
          if (text) lastText = text;
          transcript('assistant', { content: msg.content, stop_reason: msg.stop_reason, usage: msg.usage });
          progress();
          final = msg;
          if (msg.stop_reason === 'tool_use') {
            const stop = budgetStop();
            if (stop) {
              await runner.generateToolResponse(ac.signal);
              return { stop };
            }
            if (req.finishWhen) {
              await runner.generateToolResponse(ac.signal);
              if (req.finishWhen()) return { stop: 'done', final: msg };
            }
          }
        }
        return final ? { stop: 'done', final } : { stop: 'done' };
      } catch (e) {
        // A failed turn is still billed for what streamed.
        tokens = addUsage(tokens, liveTurn);
        liveTurn = emptyUsage();
        if (ac.signal.aborted || !isInterruptedStream(e) || retriesLeft <= 0) throw e;
        retriesLeft--;
        transcript('event', {
          kind: 'retry',
          message: `The reply stream broke off (${describeError(e)}); nothing of it was applied. Sending the turn again.`,
        });
      }
    }
  };

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
      return result('failed', 'error', lastText, describeError(outcome.error));
    }
    const { stop, final } = outcome.end;
    const note = BUDGET_NOTES[stop];
    if (note) {
      const out = `${lastText}${lastText ? '\n\n' : ''}[Stopped after ${turns} turns: ${note} was reached before the agent finished.]`;
      transcript('event', { kind: 'budget', stopReason: stop });
      return result('succeeded', stop, out);
    }
    if (final?.stop_reason === 'refusal') return result('failed', 'error', lastText, 'The model declined the task (stop_reason: refusal).');
    if (final?.stop_reason === 'max_tokens') {
      return result('failed', 'error', lastText, `The model's reply was cut at max_tokens (${req.maxTokens ?? DEFAULT_MAX_TOKENS}).`);
    }
    return result('succeeded', 'done', lastText);
  } finally {
    gateSub.dispose();
    req.signal.removeEventListener('abort', onAbort);
  }
}
