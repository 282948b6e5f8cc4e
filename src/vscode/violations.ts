// Ownership violations waiting for the user (contract C2): found when a run finishes (its
// analysis) or applies (what apply left out), listed in the Conflicts view with Accept and
// Discard, and passed to the next apply as `includeViolations`. Kept in the workspace
// state, so a reload between review and apply keeps the decisions. Under the
// `ownershipViolations: discard` setting nothing is listed: such changes are dropped.
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../core';
import type { Configuration } from './configuration';
import type { RunService } from './runService';
import { acceptedPaths, mergeFound, reviewItems, type FoundViolation, type ViolationDecision, type ViolationItem, type ViolationState } from './violationsModel';

const STATE_KEY = 'parallelAgents.violationReview';
/** Runs whose reviews are kept (older ones are dropped from the workspace state). */
const KEPT_RUNS = 20;

export class ViolationReview extends Disposable {
  private readonly _onDidChange = this._register(new Emitter<void>());
  readonly onDidChange = this._onDidChange.event;
  private state: Record<string, ViolationState>;

  constructor(
    runs: RunService,
    private readonly memento: vscode.Memento,
    private readonly config: Configuration,
  ) {
    super();
    this.state = { ...(memento.get<Record<string, ViolationState>>(STATE_KEY) ?? {}) };
    this._register(runs.onDidFinish((f) => f.run.violations?.length && this.found(f.run.runId, f.run.violations)));
    this._register(runs.onDidApply((a) => this.found(a.runId, a.result.violations)));
    this._register(runs.onDidForget((ids) => ids.forEach((id) => this.forget(id))));
  }

  /** Runs with something to review, newest first (run ids sort by time). */
  runs(): Array<{ runId: string; items: ViolationItem[] }> {
    return Object.keys(this.state)
      .sort()
      .reverse()
      .map((runId) => ({ runId, items: reviewItems(this.state[runId]) }))
      .filter((r) => r.items.length > 0);
  }

  get count(): number {
    return this.runs().reduce((n, r) => n + r.items.length, 0);
  }

  /** Paths of a run the user accepted: apply writes these. */
  accepted(runId: string): string[] {
    return acceptedPaths(this.state[runId]);
  }

  item(runId: string, path: string): ViolationItem | undefined {
    return reviewItems(this.state[runId]).find((i) => i.path === path);
  }

  decide(runId: string, paths: readonly string[], decision: ViolationDecision): void {
    const s = this.state[runId];
    if (!s) return;
    const decisions = { ...s.decisions };
    for (const p of paths) if (s.found[p]) decisions[p] = decision;
    this.update(runId, { ...s, decisions });
  }

  /** A run was pruned or forgotten: its review goes too. */
  forget(runId: string): void {
    if (!(runId in this.state)) return;
    delete this.state[runId];
    void this.memento.update(STATE_KEY, this.state);
    this._onDidChange.fire();
  }

  private found(runId: string, found: readonly FoundViolation[]): void {
    if (!found.length || this.config.read().ownershipViolations === 'discard') return;
    this.update(runId, mergeFound(this.state[runId], found));
  }

  private update(runId: string, s: ViolationState): void {
    this.state[runId] = s;
    const keep = new Set(Object.keys(this.state).sort().reverse().slice(0, KEPT_RUNS));
    for (const id of Object.keys(this.state)) if (!keep.has(id)) delete this.state[id];
    void this.memento.update(STATE_KEY, this.state);
    this._onDidChange.fire();
  }
}
