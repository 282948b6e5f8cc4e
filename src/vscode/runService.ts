// The runs the views show: live ones started in this window (the engine's Run) and past
// ones from the journal. Starts, cancels, retries, applies and undoes through the engine,
// which is loaded on first use. Views subscribe to one coalesced change event.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../core';
import type { TaskStatus } from '../core';
import type { ChooseAttemptResult, Run, RunOptions } from '../engine';
import type { ApplyResult, GitRepo } from '../git';
import type { ApiKeyStore } from './apiKeyStore';
import type { Configuration } from './configuration';
import { appliedRefusal, undoneRefusal } from './applyMessages';
import { demoEndpoint, type DemoEndpoint } from './demoMode';
import { formatSpeedup, measuredSpeedup } from './format';
import { readKept, writeKept } from './keptFiles';
import { snapshotOf, type RunSnapshot } from './runSnapshot';
import type { TaskFiles } from './taskFiles';

type EngineModule = typeof import('../engine/index.js');
type GitModule = typeof import('../git/index.js');
let engineModule: Promise<EngineModule> | undefined;
let gitModule: Promise<GitModule> | undefined;
const loadEngine = () => (engineModule ??= import('../engine/index.js'));
// The git layer comes with the engine (one lazily loaded chunk, one copy of its classes).
export const loadGit = (): Promise<GitModule> => (gitModule ??= loadEngine().then((e) => e.git));

const HISTORY_LIMIT = 10;
const COALESCE_MS = 150;

interface LiveRun {
  readonly run: Run;
  readonly taskFile: vscode.Uri;
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
  private readonly _onDidChange = this._register(new Emitter<void>());
  /** Something in some run changed; fired at most every COALESCE_MS. */
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
  private ticker: NodeJS.Timeout | undefined;
  /** Set in demo mode: agents talk to the scripted server, never with the stored key. */
  readonly demo: DemoEndpoint | undefined;

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
          l.run.dispose();
        }
      },
    });
  }

  /** Live runs first, then past ones, newest first. */
  runs(): RunSnapshot[] {
    const live = [...this.live.values()].map((l) => snapshotOf(l.run.record, true, this.applied.get(l.run.runId)));
    const liveIds = new Set(live.map((r) => r.runId));
    const past = this.past.filter((r) => !liveIds.has(r.runId)).map((r) => (this.applied.has(r.runId) ? { ...r, applied: this.applied.get(r.runId) } : r));
    return [...live.sort((a, b) => b.startedAt - a.startedAt), ...past];
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
      r = loadGit().then((g) => g.openRepo(root));
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
    const engine = await loadEngine();
    for (const repo of await this.workspaceRepos()) {
      for (const r of (await engine.listRunRecords(repo)).slice(0, HISTORY_LIMIT)) out.push(snapshotOf(r, false));
    }
    const seen = new Set<string>();
    this.past = out.filter((r) => !seen.has(r.runId) && seen.add(r.runId)).sort((a, b) => b.startedAt - a.startedAt);
    this.changed(true);
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
    const engine = await loadEngine();
    const opts: RunOptions = {
      workspace: folder.uri.fsPath,
      taskFile: taskFile.fsPath,
      ...(options.only?.length && { only: options.only }),
      ...(s.concurrency !== undefined && { concurrency: Math.min(s.concurrency, s.maxConcurrency) }),
      maxConcurrency: s.maxConcurrency,
      ...(s.model && { model: s.model }),
      ...(Object.keys(s.prices).length && { prices: normalisePrices(s.prices) }),
      ...(s.maxCostPerRun !== undefined && { maxCostUsd: s.maxCostPerRun }),
      ...(key && { apiKey: key.key }),
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
    this.log.info(`run ${started.runId} started: ${started.tasks.map((t) => t.id).join(', ')} (concurrency ${started.concurrency})`);
    return snapshotOf(started, true);
  }

  private watch(run: Run, taskFile: vscode.Uri): void {
    const id = run.runId;
    this.live.set(id, { run, taskFile });
    const statuses = () => Object.fromEntries(run.record.tasks.map((t) => [t.id, t.status])) as Record<string, TaskStatus>;
    run.onDidChangeTask(() => {
      this._onDidChangeStatuses.fire({ taskFile, tasks: statuses() });
      this.changed();
    });
    run.onDidProgress(() => this.changed());
    run.onDidPause((m) => {
      if (m) void vscode.window.showWarningMessage(`Parallel Agents: run ${id} paused: ${m}`);
    });
    run.onDidFinish((v) => {
      // A finish announced after a retry reopened the run is stale: the retry's end comes later.
      if (v.status === 'running') return;
      const snap = snapshotOf(v, true, this.applied.get(id));
      const m = measuredSpeedup(v.tasks, (v.finishedAt ?? Date.now()) - v.startedAt);
      this.log.info(`run ${id} ${v.status}${m ? `, measured speedup ${formatSpeedup(m.speedup)} (expected ${formatSpeedup(run.plan.expectedSpeedup)})` : ''}`);
      this.changed(true);
      this._onDidFinish.fire({ run: snap, taskFile, ...(m && { measured: m }) });
    });
    this._onDidChangeStatuses.fire({ taskFile, tasks: statuses() });
    this.changed(true);
    if (!this.ticker) {
      // Elapsed times of running tasks tick once a second while something runs.
      this.ticker = setInterval(() => {
        if (this.isRunning) this.changed();
        else {
          clearInterval(this.ticker);
          this.ticker = undefined;
        }
      }, 1000);
    }
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
      if (l && l.run.status !== 'running') {
        this.live.delete(id);
        l.run.dispose();
      }
      this.applied.delete(id);
    }
    const gone = new Set(runIds);
    this.past = this.past.filter((r) => !gone.has(r.runId));
    this._onDidForget.fire(runIds);
    this.changed(true);
  }

  liveRun(runId: string): Run | undefined {
    return this.live.get(runId)?.run;
  }

  cancelTask(runId: string, taskId: string): boolean {
    return this.live.get(runId)?.run.cancelTask(taskId) ?? false;
  }

  cancelRun(runId: string): boolean {
    const l = this.live.get(runId);
    if (!l || l.run.status !== 'running') return false;
    l.run.cancel();
    return true;
  }

  retry(runId: string, taskId: string): boolean {
    const l = this.live.get(runId);
    if (!l) throw new RunError(`run ${runId} was not started in this window, so its tasks cannot be retried in it; run the task again with "Run Selected Tasks…"`);
    const ok = l.run.retry(taskId);
    // Its end is announced by the run's own onDidFinish (whenIdle finishes the run again).
    if (ok) void l.run.whenIdle().then(() => this.changed(true));
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
    const engine = await loadEngine();
    const tasks = engine.applyInputs(r, only ? { only } : {});
    if (!tasks.length) throw new RunError(`run ${runId} has no succeeded task${only ? ` among ${only.join(', ')}` : ''} to apply`);
    const repo = await this.repo(r.repoRoot);
    const g = await loadGit();
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
    this.changed(true);
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
    const g = await loadGit();
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
    this.changed(true);
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
    const [engine, g] = await Promise.all([loadEngine(), loadGit()]);
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
    this.changed(true);
    return result;
  }

  async transcriptUri(runId: string, taskId: string): Promise<vscode.Uri> {
    const r = this.find(runId);
    if (!r) throw new RunError(`no run ${runId}`);
    const g = await loadGit();
    return vscode.Uri.file(g.transcriptPath(await this.repo(r.repoRoot), runId, taskId));
  }

  private changed(now = false): void {
    if (now) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this._onDidChange.fire();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this._onDidChange.fire();
    }, COALESCE_MS);
  }
}

function normalisePrices(p: Readonly<Record<string, { input?: number; output?: number; cacheRead?: number; cacheWrite?: number }>>) {
  const out: Record<string, { input: number; output: number; cacheRead: number; cacheWrite: number }> = {};
  for (const [model, v] of Object.entries(p)) {
    const input = v.input ?? 0;
    out[model] = { input, output: v.output ?? 0, cacheRead: v.cacheRead ?? input / 10, cacheWrite: v.cacheWrite ?? input * 1.25 };
  }
  return out;
}
