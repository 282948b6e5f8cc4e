// A test double, never shown to users as an AI: a chat model provider registered through
// VS Code's own provider API, replaying scripted turns the way test/fake-anthropic does for
// the Messages API. Conversations are told apart by the "Task id: X" line of the system
// prompt (which leads the first user message); the turn served is the number of assistant
// messages so far.
//
// VS Code 1.100 has the provider API as the proposal `chatProvider` (this extension's
// package.json enables it; code-server lets any extension use proposals it declares):
//   vscode.lm.registerChatModelProvider(id, provider, metadata): Disposable
//   provider.provideLanguageModelResponse(messages, options, extensionId, progress, token)
//     progress.report({ index, part: LanguageModelTextPart | LanguageModelToolCallPart })
//   provider.provideTokenCount(text | message, token): Thenable<number>
//   metadata: { vendor (a contributed `languageModels` vendor), name, family, version,
//     maxInputTokens, maxOutputTokens, isUserSelectable?, capabilities?: { toolCalling? } }
// (the shape in src/vs/workbench/api/common/extHostLanguageModels.ts of 1.100). @types/vscode
// has no proposals, so the declaration below is that shape.
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';

interface ChatResponseFragment2 {
  index: number;
  part: vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart;
}

interface ProposedChatProvider {
  provideLanguageModelResponse(
    messages: vscode.LanguageModelChatMessage[],
    options: { tools?: vscode.LanguageModelChatTool[] },
    extensionId: string,
    progress: vscode.Progress<ChatResponseFragment2>,
    token: vscode.CancellationToken,
  ): Thenable<void>;
  provideTokenCount(text: string | vscode.LanguageModelChatMessage, token: vscode.CancellationToken): Thenable<number>;
}

interface ProposedLm {
  registerChatModelProvider(
    id: string,
    provider: ProposedChatProvider,
    metadata: {
      vendor: string;
      name: string;
      family: string;
      version: string;
      maxInputTokens: number;
      maxOutputTokens: number;
      isUserSelectable?: boolean;
      capabilities?: { toolCalling?: boolean };
    },
  ): vscode.Disposable;
}

export type LmFault = 'NoPermissions' | 'Blocked' | 'NotFound';

export interface ScriptedTurn {
  text?: string;
  toolCalls?: { name: string; input: Record<string, unknown> }[];
  /** Faults thrown at the first attempts at this turn, one per attempt, in order. */
  faults?: LmFault[];
  /**
   * Streams `text`, then holds the reply open until the request is cancelled or `release()`
   * is called; then (not cancelled) streams the tool calls.
   */
  hold?: boolean;
  delayMs?: number;
  /** Serves this turn only once a fault was thrown for that task (then after `delayMs`). */
  afterFaultOf?: string;
}

export type LmScript = Record<string, ScriptedTurn[]>;

export interface SeenRequest {
  readonly taskId: string | undefined;
  readonly turn: number;
  readonly at: number;
  readonly tools: readonly string[];
  /** The tool results this request carries (tool name unknown to the model side: by call id). */
  readonly toolResults: readonly string[];
  outcome: 'served' | 'fault' | 'cancelled' | 'unscripted' | 'open';
  fault?: LmFault;
}

export interface ScriptedLmApi {
  readonly modelId: string;
  readonly vendor: string;
  readonly family: string;
  readonly name: string;
  setScript(script: LmScript): void;
  readonly requests: SeenRequest[];
  /** Registers the model (again); `false`: removes it, as when its extension goes away. */
  setRegistered(on: boolean): void;
  /** Lets every held reply go on. */
  release(): void;
}

const TASK_ID_RE = /^Task id: (\S+)\s*$/m;
const VENDOR = 'pa-scripted';
const FAMILY = 'scripted-1';
const MODEL_ID = 'scripted-model';

// Messages reach a provider as VS Code's classes or, when counted through the main thread,
// as their plain data: parts are read by shape (`value` text, `callId` + `content` results).
type PartLike = { value?: unknown; callId?: unknown; content?: unknown; name?: unknown };

function partText(p: unknown): string {
  const v = (p as PartLike).value;
  return typeof v === 'string' ? v : '';
}

function textOf(m: { content: readonly unknown[] }): string {
  return m.content.map(partText).join('');
}

function toolResultsOf(m: { content: readonly unknown[] }): string[] {
  return m.content.flatMap((p) => {
    const r = p as PartLike;
    return typeof r.callId === 'string' && r.name === undefined && Array.isArray(r.content) ? [r.content.map(partText).join('')] : [];
  });
}

export function activate(context: vscode.ExtensionContext): ScriptedLmApi {
  let script: LmScript = {};
  const attempts = new Map<string, number>();
  const requests: SeenRequest[] = [];
  let callIds = 0;
  const held = new Set<() => void>();
  const faulted = new Set<string>();
  const onFault = new Set<() => void>();

  const provider: ProposedChatProvider = {
    async provideLanguageModelResponse(messages, options, _extensionId, progress, token) {
      const first = messages[0] ? textOf(messages[0]) : '';
      const taskId = TASK_ID_RE.exec(first)?.[1];
      const turn = messages.filter((m) => m.role === vscode.LanguageModelChatMessageRole.Assistant).length;
      const toolResults = messages.flatMap(toolResultsOf);
      const seen: SeenRequest = { taskId, turn, at: Date.now(), tools: (options.tools ?? []).map((t) => t.name), toolResults, outcome: 'open' };
      requests.push(seen);
      const scripted = taskId !== undefined ? script[taskId]?.[turn] : undefined;
      if (!scripted) {
        seen.outcome = 'unscripted';
        progress.report({ index: 0, part: new vscode.LanguageModelTextPart(`(no scripted turn ${turn} for task ${taskId ?? '?'})`) });
        return;
      }
      const key = `${taskId}#${turn}`;
      const attempt = attempts.get(key) ?? 0;
      attempts.set(key, attempt + 1);
      const fault = scripted.faults?.[attempt];
      if (fault) {
        seen.outcome = 'fault';
        seen.fault = fault;
        faulted.add(taskId as string);
        for (const f of [...onFault]) f();
        throw vscode.LanguageModelError[fault](`scripted ${fault} for task ${taskId}, turn ${turn}`);
      }
      const after = scripted.afterFaultOf;
      if (after !== undefined) {
        await new Promise<void>((resolve) => {
          const check = () => {
            if (!faulted.has(after) && !token.isCancellationRequested) return;
            onFault.delete(check);
            resolve();
          };
          onFault.add(check);
          check();
          token.onCancellationRequested(check);
        });
      }
      if (scripted.delayMs) await new Promise((r) => setTimeout(r, scripted.delayMs));
      if (scripted.text) progress.report({ index: 0, part: new vscode.LanguageModelTextPart(scripted.text) });
      if (scripted.hold) {
        await new Promise<void>((resolve) => {
          if (token.isCancellationRequested) resolve();
          token.onCancellationRequested(() => resolve());
          held.add(resolve);
        });
        if (token.isCancellationRequested) {
          seen.outcome = 'cancelled';
          throw new vscode.CancellationError();
        }
      }
      for (const call of scripted.toolCalls ?? []) {
        progress.report({ index: 0, part: new vscode.LanguageModelToolCallPart(`call_${++callIds}`, call.name, call.input) });
      }
      seen.outcome = 'served';
    },
    async provideTokenCount(text) {
      const s = typeof text === 'string' ? text : textOf(text as { content: readonly unknown[] });
      return Math.ceil(s.length / 4);
    },
  };

  let registration: vscode.Disposable | undefined;
  const setRegistered = (on: boolean) => {
    registration?.dispose();
    registration = undefined;
    if (!on) return;
    registration = (vscode.lm as unknown as ProposedLm).registerChatModelProvider(MODEL_ID, provider, {
      vendor: VENDOR,
      name: 'Scripted Model',
      family: FAMILY,
      version: '1',
      maxInputTokens: 100_000,
      maxOutputTokens: 8_000,
      isUserSelectable: true,
      capabilities: { toolCalling: true },
    });
  };
  setRegistered(true);
  context.subscriptions.push({ dispose: () => registration?.dispose() });
  // The UI suite cannot reach this API from the browser: it hands the script over as a JSON
  // file named in the extension host's environment.
  const scriptFile = process.env['PA_SCRIPTED_LM_SCRIPT'];
  if (scriptFile) script = JSON.parse(readFileSync(scriptFile, 'utf8')) as LmScript;

  return {
    modelId: MODEL_ID,
    vendor: VENDOR,
    family: FAMILY,
    name: 'Scripted Model',
    setScript(s) {
      script = s;
      attempts.clear();
      faulted.clear();
    },
    requests,
    setRegistered,
    release() {
      for (const r of [...held]) r();
      held.clear();
    },
  };
}
