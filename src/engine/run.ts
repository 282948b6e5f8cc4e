// A run in progress: the scheduler driving isolated agents and commands, their result
// commits, the journal, then analysis (and apply). The CLI and the extension observe it
// through its events and `record` (read-only copies of the run record); startRun.ts
// creates it.
import * as path from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import {
  Disposable,
  Emitter,
  type Event,
  slotsOf,
  type Plan,
  settledRunStatus,
  type TaskOutput,
  type TaskProgress,
  type TranscriptEntry,
  Scheduler,
  TaskCancelledError,
  TaskUndecidedError,
  type TaskStateChange,
} from '../core';
import type { Task } from '../core';
import type { ApiGate } from '../agents';
import { analyseRun, applyRun, diffTask, mergeBase, warmAttributes, warmTaskDiffs, type GitRepo, type ObjectReader } from '../git';
import { analysisInputs, applyInputs } from './runInputs';
import { RunJournalWriter, TranscriptWriter, tryReadRunRecord } from './runJournal';
import { repoRelativeStrategy, type RunRecord, type TaskRecord } from './runRecord';
import { chooseAttemptOf, type ChooseAttemptResult } from './strategies/chooseAttempt';
import { undecidedReason } from './strategies/consensus';
import { runTask } from './strategies/registry';
import { modelResolver, type TaskRunResult } from './taskContext';
import { RunCommandViews, type RunCommandsConfig } from './commandViews';
import type { RunOptions } from './types';

/** How long after the first tasks start their git processes are started (see warmSoon). */
const WARM_AFTER_MS = 100;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type LiveTask = Mutable<TaskRecord>;
/** The Run's own working copy of its record; everyone else gets read-only copies. */
type LiveRecord = Omit<Mutable<RunRecord>, 'tasks'> & { tasks: LiveTask[] };

export class Run extends Disposable {
  private readonly _onDidChangeTask = this._register(new Emitter<TaskRecord>());
  /** A task's status changed (queued → running → succeeded …); a copy of its record. */
  readonly onDidChangeTask: Event<TaskRecord> = this._onDidChangeTask.event;

  private readonly _onDidProgress = this._register(new Emitter<TaskProgress>());
  /** Live progress of a running task (streams often: coalesce in views). */
  readonly onDidProgress: Event<TaskProgress> = this._onDidProgress.event;

  private readonly _onDidFinish = this._register(new Emitter<RunRecord>());
  readonly onDidFinish: Event<RunRecord> = this._onDidFinish.event;

  private readonly _onDidPause = this._register(new Emitter<string | undefined>());
  /** The API asked the run to pause (spend limit): a message, or undefined when it resumed. */
  readonly onDidPause: Event<string | undefined> = this._onDidPause.event;

  /** Resolves with the final record once every task has settled (and the run was analysed). */
  readonly done: Promise<RunRecord>;

  private readonly state: LiveRecord;
  private readonly scheduler: Scheduler<TaskRunResult>;
  private readonly byId: Map<string, LiveTask>;
  private readonly transcripts: TranscriptWriter;
  private readonly journal: RunJournalWriter;
  private readonly commandViews: RunCommandViews;
  private warmTimer: NodeJS.Timeout | undefined;
  /** Per task, the diff of its latest result, asked as it finished (see finish). */
  private readonly diffsAhead = new Map<string, { readonly resultCommit: string; readonly baseCommit: string; readonly diff: Promise<Buffer> }>();

  constructor(
    private readonly repo: GitRepo,
    tasks: readonly Task[],
    initial: RunRecord,
    /** The plan the run follows (waves, critical path, expected speedup). */
    readonly plan: Plan,
    /** The workspace folder (absolute): `prefix` of the repository. */
    workspace: string,
    private readonly gate: ApiGate,
    private readonly reader: ObjectReader,
    private readonly options: RunOptions,
    client: () => Anthropic,
    commands: RunCommandsConfig = {},
    /** The scheduler's order among ready tasks (runPriority.ts); default: the plan's bottom levels. */
    priorities?: ReadonlyMap<string, number>,
  ) {
    super();
    const view: LiveRecord = structuredClone(initial) as LiveRecord;
    this.state = view;
    this.journal = new RunJournalWriter(repo, () => this.state, (err) => this.log('error', `could not write the run journal: ${String(err)}`));
    this.transcripts = new TranscriptWriter(repo, view.runId, (id, err) => this.log('warn', `could not write the transcript of ${id}: ${String(err)}`));
    this.commandViews = new RunCommandViews({
      repo,
      runId: view.runId,
      baseCommit: view.baseCommit,
      prefix: view.prefix,
      workspace,
      ...commands,
      ...(options.sandbox !== undefined && { choice: options.sandbox }),
      ...(options.sandboxFactory !== undefined && { sandbox: options.sandboxFactory }),
      log: (level, message) => this.log(level, message),
      onMode: (m) => (view.commandSandbox = m),
    });
    this.byId = new Map(view.tasks.map((t) => [t.id, t]));
    // The longest remaining path first, as the plan's list schedule (expectedMakespan) does.
    const bottomLevel = priorities ?? new Map(plan.tasks.map((t) => [t.id, t.bottomLevel]));
    const taskFilePath = path.relative(workspace, view.taskFile).split(path.sep).join('/');
    const resolveModel = modelResolver(options.model);
    this.scheduler = this._register(
      new Scheduler<TaskRunResult>(
        tasks.map((task) => ({
          id: task.id,
          dependsOn: task.dependsOn,
          slots: slotsOf(task),
          run: async ({ signal, dependencies }) => {
            const depResults = task.dependsOn.map((d) => dependencies.get(d) as TaskRunResult);
            const base = await this.baseFor(depResults);
            const outputs: TaskOutput[] = task.dependsOn.map((d, i) => ({
              taskId: d,
              output: (depResults[i] as TaskRunResult).output,
              changed: (depResults[i] as TaskRunResult).changed,
            }));
            const result = await runTask(task, base, outputs, {
              repo,
              reader,
              runId: view.runId,
              prefix: view.prefix,
              workspaceRoot: workspace,
              taskFilePath,
              plan,
              client,
              ...(options.modelProvider !== undefined && { provider: options.modelProvider }),
              gate,
              resolveModel,
              ...(options.prices !== undefined && { prices: options.prices }),
              signal,
              onProgress: (p) => this.progress(task.id, p),
              onTranscript: (e) => this.transcript(task.id, e),
              commandViews: this.commandViews,
            });
            this.recordResult(task.id, result);
            if (result.status === 'cancelled') throw new TaskCancelledError(result.error ?? 'cancelled');
            if (result.status === 'failed') throw new Error(result.error ?? 'the task failed');
            if (result.status === 'undecided') {
              const votes = result.strategy?.votes;
              throw new TaskUndecidedError(result, votes ? undecidedReason(votes) : 'did not decide', votes?.allowUndecided === true);
            }
            return result;
          },
        })),
        {
          concurrency: view.concurrency,
          priority: (id) => bottomLevel.get(id) ?? 0,
          ...(options.signal !== undefined && { signal: options.signal }),
        },
      ),
    );
    this._register(this.scheduler.onDidChangeTask((e) => this.onTaskChange(e)));
    this._register(
      gate.onDidChangeState((s) => {
        if (s.kind === 'tripped') this.stop(s.message);
        else if (s.kind === 'paused') this._onDidPause.fire(s.message);
        else this._onDidPause.fire(undefined);
      }),
    );
    // Start on the next turn of the event loop, so that whoever called startRun() has
    // subscribed to the events before the first task starts.
    this.done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => {
        this.warmSoon(tasks);
        return this.scheduler.start();
      })
      .then(() => this.finish());
  }

  /**
   * The git processes agent tasks read and commit through (cat-file, check-attr), and the
   * one that diffs each finished task for the analysis, start on their
   * first use, and spawn() blocks the event loop for milliseconds: on the first read of a task
   * (a tool call), with other agents waiting. Started instead a little after the first tasks
   * started, when their requests are out and the loop waits for the API. Only an earlier
   * start: a run that never uses them pays one idle process each, which ends when idle.
   */
  private warmSoon(tasks: readonly Task[]): void {
    if (!tasks.some((t) => t.kind !== 'command')) return;
    this.warmTimer = setTimeout(() => {
      if (this.state.status !== 'running') return;
      this.reader.warm();
      warmAttributes(this.repo);
      warmTaskDiffs(this.repo);
    }, WARM_AFTER_MS);
    this.warmTimer.unref();
  }

  /** A read-only copy of the run record as it stands. */
  get record(): RunRecord {
    return structuredClone(this.state);
  }

  get runId(): string {
    return this.state.runId;
  }

  get status(): RunRecord['status'] {
    return this.state.status;
  }

  cancelTask(id: string): boolean {
    return this.scheduler.cancelTask(id);
  }

  cancel(reason = 'run cancelled by the user'): void {
    this.stop(reason);
  }

  /** Runs a failed or cancelled task again (and the dependents it had blocked). */
  retry(id: string): boolean {
    const settled = this.state.status !== 'running';
    if (!this.scheduler.retry(id)) return false;
    if (settled) this.reopen();
    return true;
  }

  /** Resumes a run paused by a spend limit. */
  resume(): void {
    this.gate.resume();
  }

  private reopen(): void {
    // After the run settled, a retry re-opens it; `done` has resolved, so callers
    // wait on `whenIdle()` for the new outcome.
    this.state.status = 'running';
    delete this.state.finishedAt;
  }

  /** Resolves when the run is idle again (after a retry). */
  async whenIdle(): Promise<RunRecord> {
    await this.scheduler.whenIdle();
    return this.finish();
  }

  private stop(reason: string): void {
    if (!this.state.stopReason) this.state.stopReason = reason;
    this.scheduler.cancelAll(reason);
  }

  private async baseFor(deps: readonly TaskRunResult[]): Promise<string> {
    if (!deps.length) return this.state.baseCommit;
    const merged = await mergeBase(this.repo, this.state.baseCommit, deps.map((d) => d.resultCommit), this.reader);
    if (merged.conflicts.length) {
      this.log('warn', `the results this task builds on conflict in ${merged.conflicts.join(', ')}; it starts from their merge with markers`);
    }
    return merged.commit;
  }

  /** The diff asked when the task finished, taken out (the run keeps none after its analysis). */
  private diffAhead(t: { readonly id: string; readonly resultCommit: string; readonly baseCommit: string }): Promise<Buffer> | undefined {
    const d = this.diffsAhead.get(t.id);
    this.diffsAhead.delete(t.id);
    return d?.resultCommit === t.resultCommit && d.baseCommit === t.baseCommit ? d.diff : undefined;
  }

  private recordResult(id: string, r: TaskRunResult): void {
    const t = this.byId.get(id) as LiveTask;
    const prefix = this.state.prefix;
    t.output = r.output;
    t.changed = r.changed.map((p) => prefix + p);
    t.baseCommit = r.baseCommit;
    t.resultCommit = r.resultCommit;
    // Diffed while other tasks run, so that the run's analysis at its end has it; asked on the
    // next turn of the loop, after the task has finished (the question is a pipe write).
    const diff = new Promise((resolve) => setImmediate(resolve)).then(() => diffTask(this.repo, r));
    diff.catch(() => undefined);
    this.diffsAhead.set(id, { resultCommit: r.resultCommit, baseCommit: r.baseCommit, diff });
    t.tokens = r.tokens;
    t.costUsd = r.costUsd;
    if (r.stopReason !== undefined) t.stopReason = r.stopReason;
    if (r.error !== undefined) t.error = r.error;
    if (r.strategy !== undefined) t.strategy = repoRelativeStrategy(r.strategy, prefix);
    if (r.ignoredOutputs !== undefined) t.ignoredOutputs = r.ignoredOutputs;
    else delete t.ignoredOutputs;
    if (r.outsideWrites !== undefined) t.outsideWrites = r.outsideWrites;
    else delete t.outsideWrites;
  }

  private progress(id: string, p: TaskProgress): void {
    const t = this.byId.get(id);
    if (!t) return;
    t.progress = p;
    t.tokens = p.tokens;
    t.costUsd = p.costUsd;
    this._onDidProgress.fire(p);
    const max = this.options.maxCostUsd;
    if (max !== undefined && this.totalCost() > max && !this.state.stopReason) {
      this.stop(`the run's cost limit of $${max.toFixed(2)} was reached ($${this.totalCost().toFixed(2)} spent); finished work is kept`);
    }
  }

  private totalCost(): number {
    return this.state.tasks.reduce((s, t) => s + t.costUsd, 0);
  }

  private transcript(id: string, e: TranscriptEntry): void {
    this.transcripts.append(id, e);
  }

  private onTaskChange(e: TaskStateChange<TaskRunResult>): void {
    const t = this.byId.get(e.taskId) as LiveTask;
    t.status = e.status;
    t.attempt = e.attempt;
    if (e.status === 'running') {
      t.startedAt = e.at;
      delete t.finishedAt;
      delete t.ms;
      delete t.error;
      delete t.reason;
    } else if (e.status !== 'queued') {
      t.finishedAt = e.at;
      if (t.startedAt !== undefined && e.status !== 'skipped') t.ms = e.at - t.startedAt;
      if (e.reason !== undefined) t.reason = e.reason;
      if (e.status === 'failed' && t.error === undefined && e.error !== undefined) t.error = e.error instanceof Error ? e.error.message : String(e.error);
      delete t.progress;
    }
    this._onDidChangeTask.fire(structuredClone(t));
    this.scheduleJournal();
  }

  private scheduleJournal(): void {
    this.journal.schedule();
  }

  private writeJournal(): Promise<void> {
    return this.journal.flush();
  }

  /**
   * Makes another attempt of a competitive task its result, in this run's record and its
   * journal (the task's ref moves; see chooseAttemptOf). Refused while the run runs.
   */
  async chooseAttempt(taskId: string, attempt: number): Promise<ChooseAttemptResult> {
    await this.done;
    // The git layer mirrors an apply into the journal: the record on disk knows of it.
    const stored = await tryReadRunRecord(this.repo, this.state.runId);
    if (stored?.applied) this.state.applied = stored.applied;
    const { record, result } = await chooseAttemptOf(this.repo, this.state, taskId, attempt);
    const chosen = structuredClone(record.tasks.find((t) => t.id === taskId)) as LiveTask;
    this.state.tasks = this.state.tasks.map((t) => (t.id === taskId ? chosen : t));
    this.byId.set(taskId, chosen);
    this.state.status = record.status;
    await this.writeJournal();
    this._onDidChangeTask.fire(structuredClone(chosen));
    return result;
  }

  private async finish(): Promise<RunRecord> {
    const v = this.state;
    // Independent of each other, so side by side: the setup view's removal, the analysis
    // (git reads of the result commits) and the transcripts' last batches (their own files).
    const disposed = this.commandViews.dispose().catch((e: unknown) => this.log('warn', `could not remove the setup view: ${String(e)}`));
    const flushed = this.transcripts.flush();
    try {
      v.analysis = await analyseRun(this.repo, { runId: v.runId, tasks: analysisInputs(v), diffsAhead: (t) => this.diffAhead(t) });
    } catch (e) {
      this.log('error', `could not analyse the run: ${String(e)}`);
    }
    await disposed;
    v.status = settledRunStatus(v.tasks);
    v.finishedAt = Date.now();
    // Every transcript entry is on disk before the record saying the run is over (the
    // second flush takes what, if anything, came in after the first started).
    await flushed;
    await this.transcripts.flush();
    await this.writeJournal();
    if (this.options.apply && v.status === 'succeeded') {
      await this.applyResults(v);
    }
    // A settled run holds no git child (a window keeps finished runs for their retries),
    // unless a retry reopened it during the awaits above: its tasks read through the reader.
    const reopened = (v.status as RunRecord['status']) === 'running';
    if (!reopened) this.reader.close();
    const settled = this.record;
    this._onDidFinish.fire(settled);
    return settled;
  }

  /** Applies the run's results; a failure is reported on the run, never thrown away silently. */
  private async applyResults(v: LiveRecord): Promise<void> {
    try {
      v.applyResult = await applyRun(this.repo, {
        runId: v.runId,
        tasks: applyInputs(v),
        reader: this.reader,
        ...(v.analysis && { analysis: v.analysis }),
        // Changes outside a task's `owns` are never written by `run --apply`: they stay in
        // the result for review, and `applied.violations` lists them (included: false).
        includeViolations: false,
        ...(this.options.skipPaths !== undefined && { skipPaths: this.options.skipPaths }),
      });
    } catch (e) {
      // The results stay as commits; `apply` can be retried, and a half-done apply is undoable.
      v.stopReason = `the results could not be applied: ${e instanceof Error ? e.message : String(e)}; they are kept — run \`parallel-agents apply ${v.runId}\` to try again`;
      this.log('error', v.stopReason);
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, `[${this.state.runId}] ${message}`);
  }

  override dispose(): void {
    clearTimeout(this.warmTimer);
    this.journal.cancelTimer();
    void this.commandViews.dispose().catch(() => undefined);
    this.reader.dispose();
    this.gate.dispose();
    super.dispose();
  }
}
