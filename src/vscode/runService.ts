// The runs the views show: live ones started in this window (the engine's Run) and past
// ones from the journal. Starts, cancels, retries, applies and undoes through the engine,
// which is loaded on first use. Views subscribe to one coalesced change event, which says
// which runs changed; a live run's snapshot is built once per change, not once per read
// (a run of 1,000 tasks streams thousands of engine events).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable, DisposableStore, Emitter } from '../core';
import type { TaskStatus } from '../core';
import type { ChooseAttemptResult, Run, RunOptions } from '../engine';
import type { ModelProvider } from '../agents';
import type { ApplyResult, GitRepo } from '../git';
import type { ApiKeyStore } from './apiKeyStore';
import type { Configuration } from './configuration';
import { appliedRefusal, undoneRefusal } from './applyMessages';
import { demoEndpoint, type DemoEndpoint } from './demoMode';
import { formatSpeedup, measuredSpeedup } from './format';
import { readKept, writeKept } from './keptFiles';
import { listRuns, normalisePrices } from './runList';
import { snapshotOf, taskStatuses, type RunChanges, type RunSnapshot } from './runSnapshot';
import type { TaskFiles } from './taskFiles';

type EngineModule = typeof import('../engine/index.js');
type GitModule = typeof import('../git/index.js');

/** The provider for a run on VS Code's models; loaded with the engine (it needs the agent layer). */
async function vscodeModelProvider(engine: EngineModule, preferred: string | undefined): Promise<ModelProvider> {
  const { selectLmModel, LmSetupError } = await import('./lmModels');
  const choice = await selectLmModel(preferred).catch((e: unknown) => {
    throw e instanceof LmSetupError ? new RunError(e.message) : e;
  });
  const { vscodeLmProvider } = await import('./lmProvider');
  return vscodeLmProvider(engine, choice.chosen, choice.available);
}

const HISTORY_LIMIT = 10;
/** Views refresh at most this often while runs stream events (the last state always follows). */
const COALESCE_MS = 100;

/**
 * A run started in this window. Its listeners are one bundle, subscribed while it runs and
 * disposed when it finishes (the engine closes its git children then); a retry subscribes
 * again. The run itself is disposed when it leaves the window (close, below).
 */
interface LiveRun {
  readonly run: Run;
  readonly taskFile: vscode.Uri;
  listeners: DisposableStore | undefined;
  /** What the views read of it; undefined once an event made it stale (rebuilt on the next read). */
  snapshot: RunSnapshot | undefined;
  /** A task's status changed since the plan panel was last told. */
  statusesChanged: boolean;
}

export interface RunFinished {
  readonly run: RunSnapshot;
  readonly taskFile: vscode.Uri;
  readonly measured?: { speedup: number; workMs: number; wallMs: number };
}

export interface RunApplied {
  readonly runId: string;
  readonly repoRoot: string;
  readonly result: ApplyResult;
}

export class RunError extends Error {}

/** The run's apply stands: undo it before applying again. */
export class AppliedRunError extends RunError {
  constructor(readonly runId: string, at: number, then?: string) {
    super(appliedRefusal(runId, at, Date.now(), then));
  }
}

/** Undo stopped: these files changed after the apply (repository-relative). */
export class UndoBlockedError extends RunError {
  constructor(message: string, readonly edited: readonly string[]) {
    super(message);
  }
}

export interface UndoDone {
  readonly restored: string[];
  readonly removed: string[];
  /** Files left as the user had them ("Undo Others"). */
  readonly kept: string[];
  /** Files undo left alone (under a submodule or a symbolic link now), with why. */
  readonly skipped: Array<{ path: string; reason: string }>;
}

export class RunService extends Disposable {
  private readonly _onDidChange = this._register(new Emitter<RunChanges>());
  /** Something in some run changed (which runs, or `all`); fired at most every COALESCE_MS. */
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidChangeStatuses = this._register(new Emitter<{ taskFile: vscode.Uri; tasks: Record<string, TaskStatus> }>());
  readonly onDidChangeStatuses = this._onDidChangeStatuses.event;
  private readonly _onDidFinish = this._register(new Emitter<RunFinished>());
  readonly onDidFinish = this._onDidFinish.event;
  private readonly _onDidApply = this._register(new Emitter<RunApplied>());
  readonly onDidApply = this._onDidApply.event;
  private readonly _onDidForget = this._register(new Emitter<readonly string[]>());
  /** Runs are gone (pruned): views drop what they kept about them. */
  readonly onDidForget = this._onDidForget.event;
  private readonly _onDidUndo = this._register(new Emitter<{ runId: string }>());
  /** An apply was undone: the files it wrote are as they were before it. */
  readonly onDidUndo = this._onDidUndo.event;

  private readonly live = new Map<string, LiveRun>();
  private past: RunSnapshot[] = [];
  private readonly applied = new Map<string, RunSnapshot['applied']>();
  private readonly repos = new Map<string, Promise<GitRepo>>();
  /** Applies, undos, prunes and run starts of this window take turns: they share the repository's apply lock. */
  private turn: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** What changed since the last onDidChange: runs come, go or are applied (`all`), or these runs' tasks. */
  private pendingAll = false;
  private pendingRuns = new Set<string>();
  private ticker: NodeJS.Timeout | undefined;
  /** Set in demo mode: agents talk to the scripted server, never with the stored key. */
  readonly demo: DemoEndpoint | undefined;
  private engineModule: Promise<EngineModule> | undefined;

  constructor(
    private readonly config: Configuration,
    private readonly taskFiles: TaskFiles,
    private readonly apiKeys: ApiKeyStore,
    private readonly log: vscode.LogOutputChannel,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    super();
    this.demo = demoEndpoint(env);
    if (this.demo) log.info(`demo mode: agents are answered by the scripted demo server at ${this.demo.baseURL} (not an AI model)`);
    this._register({
      dispose: () => {
        clearTimeout(this.timer);
        clearInterval(this.ticker);
        for (const l of this.live.values()) {
          l.run.cancel('VS Code window closed');
          this.close(l);
        }
      },
    });
  }

  /** The engine, loaded on first use: activation does not load it. */
  private loadEngine(): Promise<EngineModule> {
    return (this.engineModule ??= import('../engine/index.js'));
  }

  /** The git layer, which comes with the engine (one lazily loaded chunk, one copy of its classes). */
  loadGit(): Promise<GitModule> {
    return this.loadEngine().then((e) => e.git);
  }

  /** Live runs first, then past ones, newest first. */
  runs(): RunSnapshot[] {
    const live = [...this.live.values()].map((l) => this.snapshot(l));
    return listRuns(live, this.past, this.applied);
  }

  private snapshot(l: LiveRun): RunSnapshot {
    return (l.snapshot ??= snapshotOf(l.run.record, true, this.applied.get(l.run.runId)));
  }

  find(runId: string): RunSnapshot | undefined {
    return this.runs().find((r) => r.runId === runId);
  }

  get isRunning(): boolean {
    return [...this.live.values()].some((l) => l.run.status === 'running');
  }

  async repo(root: string): Promise<GitRepo> {
    let r = this.repos.get(root);
    if (!r) {
      r = this.loadGit().then((g) => g.openRepo(root));
      r.catch(() => this.repos.delete(root));
      this.repos.set(root, r);
    }
    return r;
  }

  /** The git repositories of the workspace folders (each once). */
  async workspaceRepos(): Promise<GitRepo[]> {
    const repos = new Map<string, GitRepo>();
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      if (f.uri.scheme !== 'file') continue;
      try {
        const repo = await this.repo(f.uri.fsPath);
        repos.set(repo.root, repo);
      } catch {
        // not a git repository: no runs
      }
    }
    return [...repos.values()];
  }

  /** Reads past runs from each workspace folder's journal. */
  async refreshHistory(): Promise<void> {
    const out: RunSnapshot[] = [];
    const engine = await this.loadEngine();
    for (const repo of await this.workspaceRepos()) {
      for (const r of (await engine.listRunRecords(repo)).slice(0, HISTORY_LIMIT)) out.push(snapshotOf(r, false));
    }
    const seen = new Set<string>();
    this.past = out.filter((r) => !seen.has(r.runId) && seen.add(r.runId)).sort((a, b) => b.startedAt - a.startedAt);
    this.changed();
  }

  async start(options: { only?: readonly string[]; taskFile?: vscode.Uri } = {}): Promise<RunSnapshot> {
    if (!vscode.workspace.isTrusted) throw new RunError('runs are disabled in Restricted Mode: trust the workspace to run its tasks');
    const taskFile = options.taskFile ?? (await this.taskFiles.current());
    if (!taskFile) throw new RunError('there is no task file: create one with "Parallel Agents: Create Task File"');
    const folder = vscode.workspace.getWorkspaceFolder(taskFile);
    if (!folder || folder.uri.scheme !== 'file') throw new RunError('the task file must be in a local workspace folder');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === taskFile.toString());
    if (doc?.isDirty) await doc.save();
    const { analysis } = await this.taskFiles.analyseUri(taskFile, true);
    const errors = analysis.problems.filter((p) => p.severity === 'error');
    if (errors.length) {
      throw new RunError(`the task file has ${errors.length} problem${errors.length === 1 ? '' : 's'} (see the Problems view); the first: ${errors[0]?.line}:${errors[0]?.column}: ${errors[0]?.message}`);
    }
    const s = this.config.read(folder.uri);
    // In demo mode a stored key is never sent: the scripted server takes the placeholder.
    const key = this.demo ? { key: this.demo.apiKey } : await this.apiKeys.get();
    // VS Code's models (never in demo mode: the demo's scripted server stands in for Anthropic).
    const engine = await this.loadEngine();
    const modelProvider = !this.demo && s.modelSource === 'vscode' ? await vscodeModelProvider(engine, s.vscodeModel) : undefined;
    const opts: RunOptions = {
      workspace: folder.uri.fsPath,
      taskFile: taskFile.fsPath,
      ...(options.only?.length && { only: options.only }),
      ...(s.concurrency !== undefined && { concurrency: Math.min(s.concurrency, s.maxConcurrency) }),
      maxConcurrency: s.maxConcurrency,
      ...(s.model && { model: s.model }),
      ...(Object.keys(s.prices).length && { prices: normalisePrices(s.prices) }),
      ...(s.maxCostPerRun !== undefined && { maxCostUsd: s.maxCostPerRun }),
      ...(key && !modelProvider && { apiKey: key.key }),
      ...(modelProvider && { modelProvider }),
      ...(this.demo && { baseURL: this.demo.baseURL }),
      log: (level, message) => this.log[level](message),
    };
    let run: Run;
    try {
      run = await this.exclusive(() => engine.startRun(opts));
    } catch (e) {
      if (e instanceof engine.RunSetupError) throw new RunError(e.message);
      throw e;
    }
    this.watch(run, taskFile);
    const started = run.record;
    this.log.info(`run ${started.runId} started: ${started.tasks.map((t) => t.id).join(', ')} (concurrency ${started.concurrency}; model ${started.modelLabel ?? 'default'})`);
    return snapshotOf(started, true);
  }

  private watch(run: Run, taskFile: vscode.Uri): void {
    const l: LiveRun = { run, taskFile, listeners: undefined, snapshot: undefined, statusesChanged: true };
    this.live.set(run.runId, l);
    this.listen(l);
  }

  /** Subscribes the run's listeners, as one bundle; its finish disposes them. */
  private listen(l: LiveRun): void {
    const { run, taskFile } = l;
    const id = run.runId;
    const listeners = new DisposableStore();
    l.listeners = listeners;
    // Added by hand, not passed as the events' `disposables`: the engine is a bundle of its
    // own, with its own DisposableStore class, so `instanceof` there fails for this one.
    listeners.add(
      run.onDidChangeTask(() => {
        l.statusesChanged = true;
        this.touch(l);
      }),
    );
    listeners.add(run.onDidProgress(() => this.touch(l)));
    listeners.add(
      run.onDidPause((m) => {
        if (m) void vscode.window.showWarningMessage(`Parallel Agents: run ${id} paused: ${m}`);
      }),
    );
    listeners.add(
      run.onDidFinish((v) => {
        // A finish announced after a retry reopened the run is stale: the retry's end comes later.
        if (v.status === 'running') return;
        this.release(l);
        const snap = snapshotOf(v, true, this.applied.get(id));
        l.statusesChanged = true;
        const m = measuredSpeedup(v.tasks, (v.finishedAt ?? Date.now()) - v.startedAt);
        this.log.info(`run ${id} ${v.status}${m ? `, measured speedup ${formatSpeedup(m.speedup)} (expected ${formatSpeedup(run.plan.expectedSpeedup)})` : ''}`);
        this.changed();
        this._onDidFinish.fire({ run: snap, taskFile, ...(m && { measured: m }) });
      }),
    );
    l.statusesChanged = true;
    this.changed();
    if (!this.ticker) {
      // Elapsed times of running tasks tick once a second while something runs (times are
      // computed when shown: the runs need refreshing, not rebuilding).
      this.ticker = setInterval(() => {
        if (this.isRunning) {
          for (const r of this.live.values()) if (r.run.status === 'running') this.pendingRuns.add(r.run.runId);
          this.schedule();
        } else {
          clearInterval(this.ticker);
          this.ticker = undefined;
        }
      }, 1000);
    }
  }

  /** A finished run keeps nothing subscribed; it stays for its retries and applies. */
  private release(l: LiveRun): void {
    l.listeners?.dispose();
    l.listeners = undefined;
  }

  /** The run leaves the window: its listeners, its git children, its gate. */
  private close(l: LiveRun): void {
    this.release(l);
    this.live.delete(l.run.runId);
    l.run.dispose();
  }

  /** Runs `fn` after the apply, undo, prune or start in progress in this window (see `turn`). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.turn.then(fn);
    this.turn = next.catch(() => undefined);
    return next;
  }

  /** Drops runs that no longer exist (pruned), live ones included. */
  forget(runIds: readonly string[]): void {
    if (!runIds.length) return;
    for (const id of runIds) {
      const l = this.live.get(id);
      if (l && l.run.status !== 'running') this.close(l);
      this.applied.delete(id);
    }
    const gone = new Set(runIds);
    this.past = this.past.filter((r) => !gone.has(r.runId));
    this._onDidForget.fire(runIds);
    this.changed();
  }

  liveRun(runId: string): Run | undefined {
    return this.live.get(runId)?.run;
  }

  cancelTask(runId: string, taskId: string): boolean {
    const l = this.live.get(runId);
    const ok = l?.run.cancelTask(taskId) ?? false;
    if (l && ok) this.touch(l);
    return ok;
  }

  cancelRun(runId: string): boolean {
    const l = this.live.get(runId);
    if (!l || l.run.status !== 'running') return false;
    l.run.cancel();
    this.touch(l);
    return true;
  }

  retry(runId: string, taskId: string): boolean {
    const l = this.live.get(runId);
    if (!l) throw new RunError(`run ${runId} was not started in this window, so its tasks cannot be retried in it; run the task again with "Run Selected Tasks…"`);
    const settled = l.listeners === undefined;
    if (settled) this.listen(l);
    const ok = l.run.retry(taskId);
    // The run reopened (its status is running again) without an event of its own.
    if (ok) this.touch(l);
    // Its end is announced by the run's own onDidFinish (whenIdle finishes the run again).
    if (ok) void l.run.whenIdle().then(() => this.changed());
    else if (settled) this.release(l);
    return ok;
  }

  /**
   * Applies a run's succeeded tasks (or `only` those). Files with unsaved edits in the
   * editor are skipped, and reported, rather than overwritten under the user. Changes
   * outside a task's owns are written only when accepted (`includeViolations`), never
   * under the `discard` setting.
   */
  apply(runId: string, only?: readonly string[], includeViolations: readonly string[] = []): Promise<RunApplied> {
    return this.exclusive(() => this.applyNow(runId, only, includeViolations));
  }

  private async applyNow(runId: string, only: readonly string[] | undefined, includeViolations: readonly string[]): Promise<RunApplied> {
    const r = this.find(runId);
    if (!r) throw new RunError(`no run ${runId}`);
    if (r.status === 'running') throw new RunError(`run ${runId} is still running; apply it when it has finished`);
    if (r.applied && !r.applied.undone) throw new AppliedRunError(runId, r.applied.at);
    const engine = await this.loadEngine();
    const tasks = engine.applyInputs(r, only ? { only } : {});
    if (!tasks.length) throw new RunError(`run ${runId} has no succeeded task${only ? ` among ${only.join(', ')}` : ''} to apply`);
    const repo = await this.repo(r.repoRoot);
    const g = await this.loadGit();
    // The record is the truth (another window, or the CLI, may have applied it).
    const record = await g.readApplyRecord(repo, runId);
    if (record && record.status !== 'undone') throw new AppliedRunError(runId, Date.parse(record.at));
    const skipPaths = vscode.workspace.textDocuments
      .filter((d) => d.isDirty && d.uri.scheme === 'file')
      .map((d) => path.relative(repo.root, d.uri.fsPath).split(path.sep).join('/'))
      .filter((p) => p && !p.startsWith('..'));
    const folder = vscode.workspace.workspaceFolders?.find((f) => r.repoRoot.startsWith(f.uri.fsPath) || f.uri.fsPath.startsWith(r.repoRoot));
    const discard = this.config.read(folder?.uri).ownershipViolations === 'discard';
    const result = await g.applyRun(repo, {
      runId,
      runBase: r.baseCommit,
      tasks,
      skipPaths,
      includeViolations: discard ? false : includeViolations,
    });
    this.applied.set(runId, { at: Date.now(), undone: false });
    const leftOut = result.violations.filter((v) => !v.included).length;
    this.log.info(`applied run ${runId}: ${result.applied.length} written, ${result.conflicts.length} conflicts, ${result.skipped.length} skipped, ${leftOut} ownership violations left out`);
    const applied = { runId, repoRoot: repo.root, result };
    this._onDidApply.fire(applied);
    this.changed();
    return applied;
  }

  /**
   * Undoes a run's apply. `force` restores even files changed after the apply; `keep`
   * (with force) leaves those files as they are now. Without force, files changed after
   * the apply stop the undo with an UndoBlockedError naming them.
   */
  undo(runId: string, opts: { force?: boolean; keep?: readonly string[] } = {}): Promise<UndoDone> {
    return this.exclusive(() => this.undoNow(runId, opts));
  }

  private async undoNow(runId: string, opts: { force?: boolean; keep?: readonly string[] }): Promise<UndoDone> {
    const r = this.find(runId);
    if (!r) throw new RunError(`no run ${runId}`);
    if (r.applied?.undone) throw new RunError(undoneRefusal(runId, r.applied.at));
    const repo = await this.repo(r.repoRoot);
    const g = await this.loadGit();
    const keep = opts.force ? (opts.keep ?? []) : [];
    const saved = await readKept(repo.root, keep);
    let result: { restored: string[]; removed: string[]; skipped: Array<{ path: string; reason: string }> };
    try {
      result = await g.undoApply(repo, runId, { force: opts.force === true });
    } catch (e) {
      const edited = (e as { edited?: unknown }).edited;
      if (e instanceof g.GitError && Array.isArray(edited)) throw new UndoBlockedError(e.message, edited as string[]);
      if (e instanceof g.GitError) throw new RunError(e.message);
      throw e;
    }
    await writeKept(repo.root, saved);
    const kept = new Set(keep);
    this.applied.set(runId, { at: Date.now(), undone: true });
    this.log.info(`undid the apply of run ${runId}: ${result.restored.length} restored, ${result.removed.length} removed${keep.length ? `, ${keep.length} kept as they were` : ''}`);
    this._onDidUndo.fire({ runId });
    this.changed();
    return { restored: result.restored.filter((p) => !kept.has(p)), removed: result.removed.filter((p) => !kept.has(p)), kept: [...keep], skipped: result.skipped };
  }

  /**
   * Makes another attempt of a competitive task its result (the engine moves the task's
   * ref and rewrites the record: a live run's own, a past run's journal).
   */
  async chooseAttempt(runId: string, taskId: string, attempt: number): Promise<ChooseAttemptResult> {
    const r = this.find(runId);
    if (!r) throw new RunError(`no run ${runId}`);
    const l = this.live.get(runId);
    if (l?.run.status === 'running') throw new RunError(`run ${runId} is still running; choose an attempt once it has finished`);
    if (r.applied && !r.applied.undone) throw new AppliedRunError(runId, r.applied.at, 'choose another attempt');
    const repo = await this.repo(r.repoRoot);
    const [engine, g] = await Promise.all([this.loadEngine(), this.loadGit()]);
    let result: ChooseAttemptResult;
    try {
      result = l ? await l.run.chooseAttempt(taskId, attempt) : await engine.chooseAttempt(repo, runId, taskId, attempt);
    } catch (e) {
      if (e instanceof g.GitError) throw new RunError(e.message);
      throw e;
    }
    this.log.info(`run ${runId}: attempt ${attempt} of task ${taskId} is now its result (was ${result.previous === null ? 'none' : `attempt ${result.previous}`})`);
    if (!l) {
      const snap = snapshotOf(await engine.readRunRecord(repo, runId), false);
      this.past = [snap, ...this.past.filter((x) => x.runId !== runId)].sort((a, b) => b.startedAt - a.startedAt);
    }
    this.changed();
    return result;
  }

  async transcriptUri(runId: string, taskId: string): Promise<vscode.Uri> {
    const r = this.find(runId);
    if (!r) throw new RunError(`no run ${runId}`);
    const g = await this.loadGit();
    return vscode.Uri.file(g.transcriptPath(await this.repo(r.repoRoot), runId, taskId));
  }

  /** An engine event of a live run: its snapshot is stale; the views hear of it on the next beat. */
  private touch(l: LiveRun): void {
    l.snapshot = undefined;
    this.pendingRuns.add(l.run.runId);
    this.schedule();
  }

  /**
   * Runs came, went, finished or were applied, undone or chosen from: every live snapshot
   * is rebuilt on its next read and the views refresh everything, at once.
   */
  private changed(): void {
    for (const l of this.live.values()) l.snapshot = undefined;
    this.pendingAll = true;
    this.flush();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), COALESCE_MS);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const changes: RunChanges = { all: this.pendingAll, runs: this.pendingRuns };
    this.pendingAll = false;
    this.pendingRuns = new Set();
    for (const l of this.live.values()) {
      if (!l.statusesChanged) continue;
      l.statusesChanged = false;
      this._onDidChangeStatuses.fire({ taskFile: l.taskFile, tasks: taskStatuses(this.snapshot(l)) });
    }
    this._onDidChange.fire(changes);
  }
}
