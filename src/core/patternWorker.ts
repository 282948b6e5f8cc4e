// Patterns a model writes (search regexes, list_files and search globs) are evaluated in a
// worker thread with a deadline, never on the main thread. JavaScript's regex engine
// backtracks: `^(a+)+$` takes exponential time on "aaaa…!", and the regexes picomatch makes
// of globs take polynomial time (`*a*a*a*a*a*b` on a long name). A match cannot be
// interrupted on the thread that runs it, and while it runs nothing else does: no other
// agent, no cancel, no timeout. A worker can be terminated at any moment.
//
// Why a worker rather than the alternatives:
// - a linear-time engine (RE2): `re2` is a native module (node-gyp at install, which
//   fresh machines fail), `re2js` is a JS port several times slower than V8 on ordinary
//   patterns, and neither has lookaround or backreferences: not the "JavaScript regular
//   expression" the search tool promises, and unable to run picomatch's glob regexes.
// - git grep alone: it sees the base commit only, not the overlay's files, and it
//   backtracks too (`git grep -E '^(a|aa)+\1$'` ran 6 minutes here); it runs in its own
//   process with a deadline of its own (overlayWorkspace.ts).
// The worker keeps JavaScript's exact semantics and costs one thread start (~20–50 ms),
// paid once: idle workers are kept for the next search.
//
// Budget: every batch of work (at most BATCH_CHARS of text, BATCH_ITEMS paths) must be
// answered within `budgetMs` (default DEFAULT_BUDGET_MS). An ordinary pattern needs a few
// milliseconds for a batch; one that needs seconds is too costly, and the caller gets a
// PatternCostError that says so.
import { Worker } from 'node:worker_threads';
import picomatch from 'picomatch';
import { isNegatedGlob, normalizeGlob } from './glob';

export const DEFAULT_BUDGET_MS = 3000;
/** Longest search pattern accepted (characters). */
export const MAX_PATTERN_LENGTH = 2000;
/** Longest glob accepted (characters). */
export const MAX_GLOB_LENGTH = 1000;
/** Characters of a matching line sent back (the tools show 300). */
const MAX_HIT_TEXT = 1000;
const BATCH_CHARS = 4_000_000;
const BATCH_ITEMS = 50_000;
const IDLE_WORKERS = 2;
const IDLE_TIMEOUT_MS = 30_000;

/** A pattern too costly to evaluate: it did not finish within its budget. */
export class PatternCostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternCostError';
  }
}

export interface RegexSource {
  readonly source: string;
  readonly flags: string;
}

/** A glob set as picomatch evaluates it: a path matches a glob when it equals it or its regex matches. */
export interface GlobSource {
  readonly positive: ReadonlyArray<{ readonly glob: string; readonly re: RegexSource }>;
  readonly negative: ReadonlyArray<{ readonly glob: string; readonly re: RegexSource }>;
}

/**
 * One thing to look at: a path only (kept when the glob matches), a file's text (its lines
 * are searched), or one line of a file (`line` set; tested as it is).
 */
export interface PatternItem {
  readonly path: string;
  readonly text?: string;
  readonly line?: number;
}

export interface PatternJob {
  readonly glob?: GlobSource;
  readonly regex?: RegexSource;
  readonly items: readonly PatternItem[];
  /** Stop after this many hits. */
  readonly maxHits?: number;
}

export interface PatternHit {
  /** Index into the job's items. */
  readonly item: number;
  /** 1-based line number. */
  readonly line: number;
  readonly text: string;
}

export interface PatternResult {
  /** Indexes of the path-only items (and text items when there is no regex) the glob kept. */
  readonly paths: number[];
  readonly hits: PatternHit[];
}

export interface PatternBudget {
  /** Per batch of work; default DEFAULT_BUDGET_MS. */
  readonly budgetMs?: number;
  readonly signal?: AbortSignal;
  /** What is evaluated, for the error message, e.g. `the search pattern "(a+)+$"`. */
  readonly what: string;
}

/** The search regex (no flags), or why it is refused. Compiling is linear; matching is not. */
export function compileSearchRegex(pattern: string): RegexSource {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new Error(`The pattern is ${pattern.length} characters long; search takes patterns of at most ${MAX_PATTERN_LENGTH}.`);
  }
  try {
    new RegExp(pattern);
  } catch (e) {
    throw new Error(`Invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
  return { source: pattern, flags: '' };
}

const PM_OPTIONS = { dot: true } as const; // as compileGlobs (core/glob.ts)

/** The regexes of a glob set, split into positive and `!negated` globs exactly as compileGlobs (core/glob.ts) does. */
export function compileGlobSource(globs: readonly string[]): GlobSource {
  const positive: Array<{ glob: string; re: RegexSource }> = [];
  const negative: Array<{ glob: string; re: RegexSource }> = [];
  for (const raw of globs) {
    if (raw.length > MAX_GLOB_LENGTH) {
      throw new Error(`The glob is ${raw.length} characters long; globs of at most ${MAX_GLOB_LENGTH} are accepted.`);
    }
    const g = normalizeGlob(raw);
    const neg = isNegatedGlob(g);
    const glob = neg ? g.slice(1) : g;
    if (glob === '') continue; // picomatch refuses empty patterns; they match nothing
    const re = picomatch.makeRe(glob, PM_OPTIONS);
    (neg ? negative : positive).push({ glob, re: { source: re.source, flags: re.flags } });
  }
  return { positive, negative };
}

/**
 * Evaluates a job off the main thread, in batches. Rejects with PatternCostError when a
 * batch does not finish within the budget, and with the signal's reason when it aborts.
 */
export async function evaluatePatterns(job: PatternJob, budget: PatternBudget): Promise<PatternResult> {
  const max = job.maxHits ?? Infinity;
  const paths: number[] = [];
  const hits: PatternHit[] = [];
  let start = 0;
  while (start < job.items.length && hits.length < max) {
    let end = start;
    let chars = 0;
    while (end < job.items.length && end - start < BATCH_ITEMS && (end === start || chars < BATCH_CHARS)) {
      const it = job.items[end] as PatternItem;
      chars += it.path.length + (it.text?.length ?? 0);
      end++;
    }
    const reply = await pool.run(
      { ...(job.glob && { glob: job.glob }), ...(job.regex && { regex: job.regex }), items: job.items.slice(start, end), maxHits: max - hits.length, maxText: MAX_HIT_TEXT },
      budget,
      chars,
    );
    for (const i of reply.paths) paths.push(start + i);
    for (const [i, line, text] of reply.hits) hits.push({ item: start + i, line, text });
    start = end;
  }
  return { paths, hits };
}

interface WireReply {
  readonly ok: boolean;
  readonly message?: string;
  readonly paths: number[];
  readonly hits: Array<[number, number, string]>;
}

// Plain JavaScript (a string, not a function's source: transpilers add helpers to function
// bodies that would not exist in the worker).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const cache = new Map();
const compile = (r) => {
  const key = r.flags + '/' + r.source;
  let re = cache.get(key);
  if (!re) {
    if (cache.size > 64) cache.clear();
    re = new RegExp(r.source, r.flags);
    cache.set(key, re);
  }
  return re;
};
const globOf = (list) => list.map((g) => ({ glob: g.glob, re: compile(g.re) }));
const anyGlob = (list, p) => list.some((g) => p === g.glob || g.re.test(p));
parentPort.on('message', (job) => {
  try {
    const pos = job.glob ? globOf(job.glob.positive) : undefined;
    const neg = job.glob ? globOf(job.glob.negative) : [];
    const inGlob = (p) => !pos || (anyGlob(pos, p) && !anyGlob(neg, p));
    const re = job.regex ? compile(job.regex) : undefined;
    const cut = (t) => (t.length > job.maxText ? t.slice(0, job.maxText) : t);
    const paths = [];
    const hits = [];
    const max = job.maxHits;
    for (let i = 0; i < job.items.length && hits.length < max; i++) {
      const it = job.items[i];
      if (!inGlob(it.path)) continue;
      if (!re || it.text === undefined) {
        paths.push(i);
        continue;
      }
      if (it.line !== undefined) {
        if (re.test(it.text)) hits.push([i, it.line, cut(it.text)]);
        continue;
      }
      const lines = it.text.split('\\n');
      for (let n = 0; n < lines.length && hits.length < max; n++) {
        let t = lines[n];
        if (t.endsWith('\\r')) t = t.slice(0, -1);
        if (n === lines.length - 1 && t === '') break;
        if (re.test(t)) hits.push([i, n + 1, cut(t)]);
      }
    }
    parentPort.postMessage({ ok: true, paths, hits });
  } catch (e) {
    parentPort.postMessage({ ok: false, message: String((e && e.message) || e), paths: [], hits: [] });
  }
});
`;

/**
 * Worker threads for pattern jobs: one per job in flight, up to IDLE_WORKERS kept idle
 * (unreferenced, so they never keep the process alive) for IDLE_TIMEOUT_MS. One pool per
 * process, like libuv's thread pool: workers are a process resource, not a run's.
 */
class PatternWorkerPool {
  private idle: Worker[] = [];
  private idleTimer: NodeJS.Timeout | undefined;

  run(job: object, budget: PatternBudget, chars: number): Promise<WireReply> {
    const { signal } = budget;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const reused = this.idle.pop();
    const worker = reused ?? new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 512 } });
    worker.ref();
    const budgetMs = budget.budgetMs ?? DEFAULT_BUDGET_MS;
    return new Promise<WireReply>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const settle = (after: () => void, keepWorker: boolean) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.off('online', startClock);
        if (keepWorker) this.release(worker);
        else void worker.terminate();
        after();
      };
      const onMessage = (m: WireReply) =>
        settle(() => (m.ok ? resolve(m) : reject(new Error(`Could not evaluate ${budget.what}: ${m.message ?? 'unknown error'}`))), true);
      const onError = (e: Error) => {
        const oom = (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        settle(() => reject(oom ? new PatternCostError(`${capitalize(budget.what)} needs too much memory to evaluate; simplify it.`) : e), false);
      };
      const onExit = () => settle(() => reject(new Error(`The worker evaluating ${budget.what} stopped unexpectedly.`)), false);
      const onAbort = () => settle(() => reject(abortError(signal)), false);
      const startClock = () => {
        timer = setTimeout(
          () =>
            settle(
              () =>
                reject(
                  new PatternCostError(
                    `${capitalize(budget.what)} is too costly: it ran for more than ${seconds(budgetMs)} on ` +
                      `${describeSize(chars)} without finishing and was stopped. Patterns with nested or overlapping ` +
                      'repetition, such as "(a+)+", "(a|aa)*" or "(.*,)*", can take exponential time. Simplify the ' +
                      'pattern, anchor it, or narrow the files with a glob.',
                  ),
                ),
              false,
            ),
          budgetMs,
        );
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      // A new worker's start-up time does not count against the pattern's budget.
      if (reused) startClock();
      else worker.once('online', startClock);
      worker.postMessage(job);
    });
  }

  private release(worker: Worker): void {
    if (this.idle.length >= IDLE_WORKERS) {
      void worker.terminate();
      return;
    }
    worker.unref();
    this.idle.push(worker);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      for (const w of this.idle.splice(0)) void w.terminate();
    }, IDLE_TIMEOUT_MS);
    this.idleTimer.unref();
  }
}

const pool = new PatternWorkerPool();

function abortError(signal: AbortSignal | undefined): Error {
  const r: unknown = signal?.reason;
  return r instanceof Error ? r : new Error('The search was cancelled.');
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

function describeSize(chars: number): string {
  if (chars < 10_000) return `${chars} characters of text`;
  if (chars < 10_000_000) return `${Math.round(chars / 1000)} KB of text`;
  return `${Math.round(chars / 1_000_000)} MB of text`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
