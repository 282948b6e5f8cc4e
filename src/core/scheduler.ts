// Event-driven task scheduler. A task starts in the same microtask chain in which its
// last dependency settles, if a slot is free: there is no polling and no timer anywhere.
// Tasks are plain async functions; the run engine plugs agents and commands in.
import type { TaskStatus } from './runModel';
import { Disposable, Emitter, type Event } from './lifecycle';

export interface TaskContext<R> {
  /** Aborted when this task or the whole run is cancelled. */
  readonly signal: AbortSignal;
  /** Results of the task's direct dependencies, by id. */
  readonly dependencies: ReadonlyMap<string, R>;
  /** 1 for the first try, 2 after one retry, … */
  readonly attempt: number;
}

export interface SchedulerTask<R> {
  readonly id: string;
  readonly dependsOn: readonly string[];
  /** Slots it occupies while running (competitive attempts, voters); default 1. */
  readonly slots?: number;
  run(ctx: TaskContext<R>): Promise<R>;
}

/** Throw this from a task to end it as `cancelled` rather than `failed`. */
export class TaskCancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'TaskCancelledError';
  }
}

/**
 * Throw this from a task that finished without reaching its decision (a consensus that
 * tied): it ends `undecided` with `result`. Its dependents are skipped, unless
 * `dependentsMayRun`, in which case they run on `result` as on a success.
 */
export class TaskUndecidedError<R> extends Error {
  constructor(
    readonly result: R,
    /** Why, in a sentence ("did not decide: a tie between A and B"). */
    message: string,
    readonly dependentsMayRun: boolean,
  ) {
    super(message);
    this.name = 'TaskUndecidedError';
  }
}

export interface TaskStateChange<R> {
  readonly taskId: string;
  readonly status: TaskStatus;
  readonly previous: TaskStatus;
  /** Epoch milliseconds of the change. */
  readonly at: number;
  readonly attempt: number;
  readonly result?: R;
  readonly error?: unknown;
  /** Why a task was skipped or cancelled. */
  readonly reason?: string;
}

export interface TaskState<R> {
  readonly id: string;
  readonly status: TaskStatus;
  readonly attempt: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly result?: R;
  readonly error?: unknown;
  readonly reason?: string;
  readonly history: readonly { status: TaskStatus; at: number }[];
}

export interface SchedulerOptions {
  /** How many slots run at once (at least 1). */
  readonly concurrency: number;
  /** Aborting it cancels the whole run. */
  readonly signal?: AbortSignal;
  /** Among ready tasks, higher runs first (e.g. remaining critical path); ties keep file order. */
  readonly priority?: (taskId: string) => number;
  readonly now?: () => number;
}

interface Entry<R> {
  task: SchedulerTask<R>;
  index: number;
  state: {
    status: TaskStatus;
    attempt: number;
    startedAt?: number;
    finishedAt?: number;
    result?: R;
    error?: unknown;
    reason?: string;
    history: { status: TaskStatus; at: number }[];
  };
  controller?: AbortController;
  cancelRequested?: string;
  /** Set when it ended `undecided` and its dependents may run on it. */
  dependentsMayRun?: boolean;
}

export class Scheduler<R> extends Disposable {
  private readonly _onDidChangeTask = this._register(new Emitter<TaskStateChange<R>>());
  /** Every state change of every task, in the order it happened. */
  readonly onDidChangeTask: Event<TaskStateChange<R>> = this._onDidChangeTask.event;

  private readonly _onDidBecomeIdle = this._register(new Emitter<void>());
  /** Fires when nothing is queued or running any more. */
  readonly onDidBecomeIdle: Event<void> = this._onDidBecomeIdle.event;

  private readonly entries = new Map<string, Entry<R>>();
  private readonly children = new Map<string, string[]>();
  private readonly concurrency: number;
  private readonly now: () => number;
  private readonly priority: (id: string) => number;
  private usedSlots = 0;
  private started = false;
  private idleWaiters: Array<() => void> = [];

  constructor(tasks: readonly SchedulerTask<R>[], options: SchedulerOptions) {
    super();
    this.concurrency = Math.max(1, Math.floor(options.concurrency));
    this.now = options.now ?? Date.now;
    this.priority = options.priority ?? (() => 0);
    tasks.forEach((task, index) => {
      if (this.entries.has(task.id)) throw new Error(`duplicate task id "${task.id}"`);
      this.entries.set(task.id, { task, index, state: { status: 'queued', attempt: 1, history: [{ status: 'queued', at: this.now() }] } });
    });
    for (const t of tasks) {
      for (const d of t.dependsOn) {
        if (!this.entries.has(d)) throw new Error(`task "${t.id}" depends on unknown task "${d}"`);
        this.children.set(d, [...(this.children.get(d) ?? []), t.id]);
      }
    }
    if (options.signal) {
      const signal = options.signal;
      // A string reason (e.g. "cancelled with Ctrl-C") becomes every task's reason.
      const onAbort = () => this.cancelAll(typeof signal.reason === 'string' ? signal.reason : 'run cancelled');
      if (signal.aborted) queueMicrotask(onAbort);
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        this._register({ dispose: () => signal.removeEventListener('abort', onAbort) });
      }
    }
  }

  /** Starts the run; resolves when every task has settled (succeeded, failed, cancelled, skipped or undecided). */
  start(): Promise<ReadonlyMap<string, TaskState<R>>> {
    if (!this.started) {
      this.started = true;
      this.pump();
    }
    return this.whenIdle();
  }

  /** Resolves when nothing is queued or running (again, after a retry). */
  whenIdle(): Promise<ReadonlyMap<string, TaskState<R>>> {
    if (this.isIdle()) return Promise.resolve(this.states());
    return new Promise((resolve) => this.idleWaiters.push(() => resolve(this.states())));
  }

  state(id: string): TaskState<R> | undefined {
    const e = this.entries.get(id);
    return e ? { id, ...e.state, history: [...e.state.history] } : undefined;
  }

  states(): ReadonlyMap<string, TaskState<R>> {
    return new Map([...this.entries.keys()].map((id) => [id, this.state(id) as TaskState<R>]));
  }

  /** Cancels one task: a queued one at once, a running one through its signal. Its dependents are skipped. */
  cancelTask(id: string, reason = 'cancelled by the user'): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    if (e.state.status === 'queued') {
      this.settle(e, 'cancelled', { reason });
      this.skipDependents(id, `dependency "${id}" was cancelled`);
      this.afterChange();
      return true;
    }
    if (e.state.status === 'running' && e.controller && !e.cancelRequested) {
      e.cancelRequested = reason;
      e.controller.abort(new TaskCancelledError(reason));
      return true;
    }
    return false;
  }

  cancelAll(reason = 'run cancelled'): void {
    // Queued first, so that no queued task grabs a slot freed by a cancelled running one.
    for (const e of this.entries.values()) if (e.state.status === 'queued') this.settle(e, 'cancelled', { reason });
    for (const e of this.entries.values()) if (e.state.status === 'running') this.cancelTask(e.task.id, reason);
    this.afterChange();
  }

  /**
   * Runs a failed, cancelled, skipped or undecided task again, and re-queues the dependents
   * that were skipped only because of it. Returns false when the task cannot be retried now.
   */
  retry(id: string): boolean {
    const e = this.entries.get(id);
    if (!e || !['failed', 'cancelled', 'skipped', 'undecided'].includes(e.state.status)) return false;
    for (const d of e.task.dependsOn) {
      const de = this.entries.get(d) as Entry<R>;
      if (!this.passes(de) && de.state.status !== 'queued' && de.state.status !== 'running') return false;
    }
    this.requeue(e);
    // Dependents skipped because of this task may run again once it succeeds.
    const visit = (parent: string) => {
      for (const c of this.children.get(parent) ?? []) {
        const ce = this.entries.get(c) as Entry<R>;
        if (ce.state.status !== 'skipped') continue;
        const blocked = ce.task.dependsOn.some((d) => {
          const de = this.entries.get(d) as Entry<R>;
          return !this.passes(de) && de.state.status !== 'queued' && de.state.status !== 'running';
        });
        if (!blocked) {
          this.requeue(ce);
          visit(c);
        }
      }
    };
    visit(id);
    this.started = true;
    this.pump();
    return true;
  }

  private requeue(e: Entry<R>): void {
    const previous = e.state.status;
    e.state = { status: 'queued', attempt: e.state.attempt + 1, history: e.state.history };
    delete e.cancelRequested;
    delete e.controller;
    delete e.dependentsMayRun;
    this.record(e, previous, e.state.finishedAt);
  }

  private isIdle(): boolean {
    for (const e of this.entries.values()) if (e.state.status === 'queued' || e.state.status === 'running') return false;
    return true;
  }

  /** Whether dependents may start on this task's result. */
  private passes(e: Entry<R>): boolean {
    return e.state.status === 'succeeded' || (e.state.status === 'undecided' && e.dependentsMayRun === true);
  }

  private ready(e: Entry<R>): boolean {
    return e.state.status === 'queued' && e.task.dependsOn.every((d) => this.passes(this.entries.get(d) as Entry<R>));
  }

  private slotsOf(e: Entry<R>): number {
    return Math.min(this.concurrency, Math.max(1, e.task.slots ?? 1));
  }

  /** Starts every ready task that fits, highest priority first. Synchronous. */
  private pump(): void {
    if (!this.started) return;
    const ready = [...this.entries.values()]
      .filter((e) => this.ready(e))
      .sort((a, b) => this.priority(b.task.id) - this.priority(a.task.id) || a.index - b.index);
    for (const e of ready) {
      const need = this.slotsOf(e);
      // Strict priority order: a wide task waits for its slots rather than being overtaken forever.
      if (this.usedSlots + need > this.concurrency) break;
      this.launch(e, need);
    }
  }

  private launch(e: Entry<R>, slots: number): void {
    this.usedSlots += slots;
    const controller = new AbortController();
    e.controller = controller;
    const previous = e.state.status;
    e.state.status = 'running';
    e.state.startedAt = this.now();
    this.record(e, previous, e.state.startedAt);
    const dependencies = new Map<string, R>();
    for (const d of e.task.dependsOn) dependencies.set(d, (this.entries.get(d) as Entry<R>).state.result as R);
    let promise: Promise<R>;
    try {
      promise = Promise.resolve(e.task.run({ signal: controller.signal, dependencies, attempt: e.state.attempt }));
    } catch (err) {
      promise = Promise.reject(err);
    }
    promise.then(
      (result) => this.onSettled(e, slots, { result }),
      (error: unknown) => this.onSettled(e, slots, { error }),
    );
  }

  private onSettled(e: Entry<R>, slots: number, outcome: { result?: R; error?: unknown }): void {
    this.usedSlots -= slots;
    if (outcome.error instanceof TaskUndecidedError) {
      const u = outcome.error as TaskUndecidedError<R>;
      if (u.dependentsMayRun) e.dependentsMayRun = true;
      this.settle(e, 'undecided', { result: u.result, reason: u.message });
      if (!u.dependentsMayRun) this.skipDependents(e.task.id, `dependency "${e.task.id}" did not decide`);
    } else if ('error' in outcome) {
      const cancelled = outcome.error instanceof TaskCancelledError || e.controller?.signal.aborted === true;
      const reason = cancelled
        ? (e.cancelRequested ?? (outcome.error instanceof Error ? outcome.error.message : 'cancelled'))
        : errorMessage(outcome.error);
      this.settle(e, cancelled ? 'cancelled' : 'failed', { error: outcome.error, reason });
      this.skipDependents(e.task.id, `dependency "${e.task.id}" ${cancelled ? 'was cancelled' : 'failed'}`);
    } else {
      // Work that finished is kept even if a cancel arrived while it was finishing.
      this.settle(e, 'succeeded', { result: outcome.result as R });
    }
    this.afterChange();
  }

  private afterChange(): void {
    this.pump();
    if (this.isIdle() && this.started) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      this._onDidBecomeIdle.fire();
      for (const w of waiters) w();
    }
  }

  private settle(e: Entry<R>, status: TaskStatus, extra: { result?: R; error?: unknown; reason?: string }): void {
    const previous = e.state.status;
    e.state.status = status;
    e.state.finishedAt = this.now();
    if ('result' in extra) e.state.result = extra.result as R;
    if (extra.error !== undefined) e.state.error = extra.error;
    if (extra.reason !== undefined) e.state.reason = extra.reason;
    delete e.controller;
    this.record(e, previous, e.state.finishedAt);
  }

  private skipDependents(id: string, reason: string): void {
    for (const c of this.children.get(id) ?? []) {
      const ce = this.entries.get(c) as Entry<R>;
      if (ce.state.status !== 'queued') continue;
      this.settle(ce, 'skipped', { reason });
      this.skipDependents(c, `dependency "${c}" was skipped`);
    }
  }

  private record(e: Entry<R>, previous: TaskStatus, at = this.now()): void {
    e.state.history.push({ status: e.state.status, at });
    this._onDidChangeTask.fire({
      taskId: e.task.id,
      status: e.state.status,
      previous,
      at,
      attempt: e.state.attempt,
      ...(e.state.result !== undefined && { result: e.state.result }),
      ...(e.state.error !== undefined && { error: e.state.error }),
      ...(e.state.reason !== undefined && { reason: e.state.reason }),
    });
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
