// What a failed VS Code language-model request means for the run, as the model seam's error
// kinds (agents/modelProvider.ts). Pure (no `vscode` import): errors are recognised by the
// `code` VS Code's LanguageModelError carries (its static constructors' names), so the
// mapping is unit-tested in Node.
//
// - NoPermissions: the user did not allow this extension to use the model (or withdrew it).
//   'auth': the run's gate trips, and every agent fails with a message that says what to do.
// - Blocked: VS Code or the model's provider refuses requests for now (quota, rate limit).
//   'rateLimit': the shared back-off (the gate's cooldown holds every agent), then the turn
//   is sent again.
// - NotFound: the model is gone (its extension was disabled, the user signed out).
//   'fatal', naming the command that chooses another model.
// - anything else: a provider-specific error; a message that reads like a rate limit or an
//   overload gets the back-off, the rest fails the agent with the provider's message.
// The result is the kind and message of the engine's ModelError (lmProvider.ts makes it: the
// class comes with the lazily loaded engine).
import type { ModelErrorKind } from '../agents';

export interface LmErrorClass {
  readonly kind: ModelErrorKind;
  readonly message: string;
}

export const CHOOSE_MODEL_HINT = 'choose another with "Parallel Agents: Choose VS Code Model…"';

const lmError = (kind: ModelErrorKind, message: string): LmErrorClass => ({ kind, message });

function codeOf(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function detail(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.trim() ? `: ${m.trim().replace(/\.$/, '')}` : '';
}

/** `model` is what the user knows the model by (its name and vendor). */
export function classifyLmError(e: unknown, model: string): LmErrorClass {
  const code = codeOf(e);
  const why = detail(e);
  if (code === 'NoPermissions') {
    return lmError(
      'auth',
      `VS Code did not allow Parallel Agents to use the language model ${model} (NoPermissions${why}). ` +
        'Run the tasks again and choose "Allow" when VS Code asks, or allow it under Accounts › Manage Language Model Access; ' +
        'to use an Anthropic API key instead, set parallelAgents.modelSource to "anthropic".',
    );
  }
  if (code === 'Blocked') {
    return lmError('rateLimit', `VS Code's language model ${model} refused the request for now (Blocked${why}; a quota or rate limit).`);
  }
  if (code === 'NotFound') {
    return lmError('fatal', `The language model ${model} is no longer available in VS Code (NotFound${why}); ${CHOOSE_MODEL_HINT}, then run again.`);
  }
  const text = e instanceof Error ? e.message : String(e);
  if (/rate.?limit|quota|too many requests|\b429\b/i.test(text)) {
    return lmError('rateLimit', `The language model ${model} is rate limited${why}.`);
  }
  if (/overload|capacity|\b529\b|\b503\b/i.test(text)) {
    return lmError('overloaded', `The language model ${model} is overloaded${why}.`);
  }
  return lmError('fatal', `The language model ${model} failed${code && code !== 'Unknown' ? ` (${code})` : ''}${why}.`);
}
