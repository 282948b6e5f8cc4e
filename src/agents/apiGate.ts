// The API gate: one object per run, shared by every agent of the run (the caller creates
// it once and passes it to each runAgentTask). It sits in the SDK's middleware chain, so it
// sees every HTTP attempt of every agent, inside the SDK's own retry loop:
//
// - 429 / 529 with a short (≤ maxRetryAfterMs) or no `retry-after`: the SDK retries with its
//   backoff as usual, and the gate starts a cooldown that holds *every* agent's next request
//   until it ends; requests released after a cooldown are spaced `staggerMs` apart until one
//   succeeds, so ten agents do not hit the API at the same moment.
// - 429 / 529 with a `retry-after` above maxRetryAfterMs (default 60 s): not waited on
//   silently. With `longRetryAfter: 'fail'` (default) the request fails with an ApiGateError
//   saying how long the API asked to wait, and so does every request until then; with
//   'pause' the gate pauses (state `paused`, reason `rateLimit`, `resumeAt` set) and resumes
//   by itself at that time, or earlier on `resume()`.
// - 401: the gate trips. Every request, now and later, of every agent fails with
//   "set a valid API key" and is never retried; agents subscribed to `onDidChangeState`
//   stop at once, even between requests.
// - A spend-limit 429 (error code `enforced_spend_limit_reached` / `contract_spend_limit_reached`,
//   or a `billing_error`, or a 402): the gate pauses (reason `spendLimit`). Requests wait in
//   the gate, holding their agents where they are; nothing is lost.
//
// Resuming: `resume()` ends a pause (e.g. after the user raised the limit: the VS Code
// "Resume" action, or the CLI on a keypress). The request that hit the limit and every
// request that queued behind it are then sent again, as they were. To give up instead,
// cancel the tasks (their AbortSignals), or `trip(message)` to fail every agent with that
// message.
import type { Middleware } from '@anthropic-ai/sdk';
import { Emitter, type Event, type IDisposable } from '../core';

export type ApiGateState =
  | { readonly kind: 'open' }
  | { readonly kind: 'cooling'; readonly until: number; readonly message: string }
  | {
      readonly kind: 'paused';
      readonly reason: 'spendLimit' | 'rateLimit';
      readonly message: string;
      /** When a `rateLimit` pause ends by itself (ms since the epoch). */
      readonly resumeAt?: number;
    }
  | { readonly kind: 'tripped'; readonly reason: 'auth' | 'manual'; readonly message: string };

export type ApiGateErrorKind = 'auth' | 'tripped' | 'retryAfterTooLong';

/** Thrown into the SDK by the gate's middleware; the SDK passes it on unchanged and does not retry it. */
export class ApiGateError extends Error {
  constructor(
    readonly kind: ApiGateErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ApiGateError';
  }
}

export interface ApiGateOptions {
  /** The longest `retry-after` waited on without asking (default 60 000 ms). */
  maxRetryAfterMs?: number;
  /** What a longer `retry-after` does (default 'fail'). */
  longRetryAfter?: 'fail' | 'pause';
  /** Cooldown after a 429/529 without `retry-after`, doubled per consecutive one (default 1000 ms). */
  baseCooldownMs?: number;
  /** Cap of that cooldown (default 30 000 ms). */
  maxCooldownMs?: number;
  /** Spacing of the requests released after a cooldown (default 200 ms). */
  staggerMs?: number;
}

export const AUTH_MESSAGE =
  'The API rejected the API key (401 authentication_error). Set a valid API key ' +
  '(ANTHROPIC_API_KEY, or the key stored by the extension) and run again.';

const SPEND_LIMIT_CODES = new Set(['enforced_spend_limit_reached', 'contract_spend_limit_reached']);

interface Classified {
  kind: 'auth' | 'spendLimit' | 'rateLimit' | 'overloaded' | 'other';
  message: string;
  retryAfterMs?: number;
}

/** `retry-after-ms`, else `retry-after` (seconds or an HTTP date), as the SDK reads them. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms) {
    const v = parseFloat(ms);
    if (!Number.isNaN(v)) return v;
  }
  const ra = headers.get('retry-after');
  if (ra) {
    const s = parseFloat(ra);
    if (!Number.isNaN(s)) return s * 1000;
    const d = Date.parse(ra);
    if (!Number.isNaN(d)) return d - now;
  }
  return undefined;
}

async function classify(res: Response): Promise<Classified> {
  let body: { error?: { type?: string; message?: string; details?: { error_code?: string } } } | undefined;
  try {
    body = (await res.clone().json()) as typeof body;
  } catch {
    body = undefined;
  }
  const type = body?.error?.type;
  const code = body?.error?.details?.error_code;
  const message = body?.error?.message ?? `HTTP ${res.status}`;
  const ra = retryAfterMs(res.headers);
  const withRa = ra === undefined ? {} : { retryAfterMs: ra };
  if (res.status === 401) return { kind: 'auth', message };
  if (res.status === 402 || type === 'billing_error' || (code !== undefined && SPEND_LIMIT_CODES.has(code))) {
    return { kind: 'spendLimit', message };
  }
  if (res.status === 429) return { kind: 'rateLimit', message, ...withRa };
  if (res.status === 529) return { kind: 'overloaded', message, ...withRa };
  return { kind: 'other', message };
}

function isMessagesCall(url: string): boolean {
  try {
    return new URL(url).pathname.endsWith('/v1/messages');
  } catch {
    return false;
  }
}

function abortError(): Error {
  const e = new Error('The request was cancelled.');
  e.name = 'AbortError';
  return e;
}

async function discard(res: Response): Promise<void> {
  try {
    await res.body?.cancel();
  } catch {
    /* already consumed */
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

export class ApiGate implements IDisposable {
  private readonly _onDidChangeState = new Emitter<ApiGateState>();
  /** Fires on every change: open → cooling → open, paused, resumed, tripped. */
  readonly onDidChangeState: Event<ApiGateState> = this._onDidChangeState.event;

  private readonly maxRetryAfterMs: number;
  private readonly longRetryAfter: 'fail' | 'pause';
  private readonly baseCooldownMs: number;
  private readonly maxCooldownMs: number;
  private readonly staggerMs: number;

  private tripped: Extract<ApiGateState, { kind: 'tripped' }> | undefined;
  private pausedState: Extract<ApiGateState, { kind: 'paused' }> | undefined;
  private cooldownUntil = 0;
  private cooldownMessage = '';
  private blocked: { until: number; message: string } | undefined;
  private consecutive = 0;
  private recovering = false;
  private nextSlot = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters = new Set<() => void>();
  private lastFired: ApiGateState = { kind: 'open' };
  private disposed = false;

  constructor(options: ApiGateOptions = {}) {
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    this.longRetryAfter = options.longRetryAfter ?? 'fail';
    this.baseCooldownMs = options.baseCooldownMs ?? 1000;
    this.maxCooldownMs = options.maxCooldownMs ?? 30_000;
    this.staggerMs = options.staggerMs ?? 200;
  }

  get state(): ApiGateState {
    if (this.tripped) return this.tripped;
    if (this.pausedState) return this.pausedState;
    if (this.cooldownUntil > Date.now()) {
      return { kind: 'cooling', until: this.cooldownUntil, message: this.cooldownMessage };
    }
    return { kind: 'open' };
  }

  get isPaused(): boolean {
    return !this.tripped && this.pausedState !== undefined;
  }

  get isTripped(): boolean {
    return this.tripped !== undefined;
  }

  /** The message of a tripped gate. */
  get tripMessage(): string | undefined {
    return this.tripped?.message;
  }

  /** Fail every agent's current and future requests with `message`. Final. */
  trip(message: string, reason: 'auth' | 'manual' = 'manual'): void {
    if (this.tripped) return;
    this.tripped = { kind: 'tripped', reason, message };
    this.changed();
  }

  /** Hold every request until `resume()` (or `resumeAt`). */
  pause(reason: 'spendLimit' | 'rateLimit', message: string, resumeAt?: number): void {
    if (this.tripped) return;
    this.pausedState = { kind: 'paused', reason, message, ...(resumeAt !== undefined ? { resumeAt } : {}) };
    if (resumeAt !== undefined) {
      this.after(resumeAt - Date.now(), () => {
        if (this.pausedState?.resumeAt === resumeAt) this.resume();
      });
    }
    this.changed();
  }

  /** End a pause; the requests that waited are sent again. Also ends a cooldown or a retry-after block. */
  resume(): void {
    if (!this.pausedState && !this.blocked && this.cooldownUntil <= Date.now()) return;
    this.pausedState = undefined;
    this.blocked = undefined;
    this.cooldownUntil = 0;
    this.changed();
  }

  /** Record a 429/529 that the SDK is about to retry: every agent waits for the cooldown. */
  noteRateLimited(retryAfter?: number, message = 'rate limited'): void {
    this.consecutive++;
    const delay =
      retryAfter !== undefined && retryAfter > 0 ?
        retryAfter
      : Math.min(this.baseCooldownMs * 2 ** (this.consecutive - 1), this.maxCooldownMs);
    const until = Date.now() + delay;
    this.recovering = true;
    if (until > this.cooldownUntil) {
      this.cooldownUntil = until;
      this.cooldownMessage = message;
      this.after(delay + 1, () => this.changed());
    }
    this.changed();
  }

  noteSuccess(): void {
    this.consecutive = 0;
    this.recovering = false;
  }

  /**
   * Resolves when a request may be sent; rejects with an ApiGateError when the gate is
   * tripped or blocked, or with an AbortError when `signal` aborts.
   */
  async acquire(signal?: AbortSignal): Promise<void> {
    let slot: number | undefined;
    for (;;) {
      if (signal?.aborted) throw abortError();
      if (this.tripped) throw new ApiGateError(this.tripped.reason === 'auth' ? 'auth' : 'tripped', this.tripped.message);
      const now = Date.now();
      if (this.blocked && this.blocked.until > now) throw new ApiGateError('retryAfterTooLong', this.blocked.message);
      if (this.pausedState) {
        await this.wait(undefined, signal);
        continue;
      }
      if (this.cooldownUntil > now) {
        await this.wait(this.cooldownUntil - now, signal);
        continue;
      }
      if (this.recovering && slot === undefined) {
        slot = Math.max(now, this.nextSlot);
        this.nextSlot = slot + this.staggerMs;
      }
      if (slot !== undefined && slot > now) {
        await this.wait(slot - now, signal);
        continue;
      }
      return;
    }
  }

  /** The SDK middleware; the agents add it to each of their requests (anthropicProvider.ts). */
  readonly middleware: Middleware = async (request, next) => {
    if (!isMessagesCall(request.url)) return next(request);
    const signal = request.signal ?? undefined;
    for (;;) {
      await this.acquire(signal);
      const res = await next(request);
      if (res.ok) {
        this.noteSuccess();
        return res;
      }
      const c = await classify(res);
      switch (c.kind) {
        case 'auth':
          await discard(res);
          this.trip(AUTH_MESSAGE, 'auth');
          throw new ApiGateError('auth', AUTH_MESSAGE);
        case 'spendLimit':
          await discard(res);
          this.pause(
            'spendLimit',
            `The API refused the request because a spend limit was reached: ${c.message} ` +
              'The run is paused: raise the limit, then resume the run (or cancel it).',
          );
          continue;
        case 'rateLimit':
        case 'overloaded': {
          const what = c.kind === 'rateLimit' ? 'rate limited (429)' : 'overloaded (529)';
          if (c.retryAfterMs !== undefined && c.retryAfterMs > this.maxRetryAfterMs) {
            await discard(res);
            const until = Date.now() + c.retryAfterMs;
            const msg =
              `The API is ${what} and asks to wait ${seconds(c.retryAfterMs)} before retrying (retry-after), ` +
              `longer than the ${seconds(this.maxRetryAfterMs)} this run waits on its own.`;
            if (this.longRetryAfter === 'pause') {
              this.pause('rateLimit', `${msg} The run is paused until then; resume it to retry sooner.`, until);
              continue;
            }
            this.blocked = { until, message: `${msg} Run the task again later.` };
            this.changed();
            throw new ApiGateError('retryAfterTooLong', this.blocked.message);
          }
          this.noteRateLimited(c.retryAfterMs, `API ${what}: ${c.message}`);
          return res;
        }
        default:
          return res;
      }
    }
  };

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const w of [...this.waiters]) w();
    this._onDidChangeState.dispose();
  }

  private after(ms: number, fn: () => void): void {
    if (this.disposed) return;
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(0, Math.min(ms, 2 ** 31 - 1)),
    );
    this.timers.add(t);
  }

  private changed(): void {
    for (const w of [...this.waiters]) w();
    const s = this.state;
    if (JSON.stringify(s) === JSON.stringify(this.lastFired)) return;
    this.lastFired = s;
    this._onDidChangeState.fire(s);
  }

  /** Waits for `ms`, a state change, or abort (rejects). */
  private wait(ms: number | undefined, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup = () => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
      };
      const done = () => {
        cleanup();
        resolve();
      };
      const onAbort = () => {
        cleanup();
        reject(abortError());
      };
      if (ms !== undefined) timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
