// One shape for a run in the views, whether it is live (the engine's RunView) or past
// (its journal). Paths are repository-relative, as git objects are addressed. Pure.
import type { TaskStatus, TokenUsage, AttemptRecord, StrategyOutcome } from '../core';
import type { ApplySource, RunView } from '../engine';
import type { RunJournal } from '../git';

export interface TaskSnapshot {
  readonly id: string;
  readonly title?: string;
  readonly kind: string;
  readonly status: TaskStatus;
  readonly startedAt?: number;
  readonly ms?: number;
  readonly tokens: TokenUsage;
  readonly costUsd: number;
  readonly currentTool?: string;
  /** Repository-relative paths. */
  readonly changed?: readonly string[];
  readonly baseCommit?: string;
  readonly resultCommit?: string;
  readonly output?: string;
  readonly error?: string;
  readonly reason?: string;
  /** Ownership globs as recorded: relative to the run's `prefix` (see RunSnapshot). */
  readonly owns: readonly string[];
  readonly dependsOn: readonly string[];
  /** Competitive attempts, consensus votes, aggregate sources; attempts' paths repository-relative. */
  readonly strategy?: StrategyOutcome;
}

export interface RunSnapshot {
  readonly runId: string;
  readonly status: 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted' | 'undecided';
  readonly live: boolean;
  readonly repoRoot: string;
  /**
   * The workspace folder in the repository ('pkg/'), which the tasks' `owns` are relative
   * to; '' for a journal (its globs are repository-relative already).
   */
  readonly prefix: string;
  readonly baseCommit: string;
  readonly startedAt: number;
  readonly finishedAt?: number;
  readonly tasks: readonly TaskSnapshot[];
  /** The plan's headline speedup: what the concurrency cap allows (contract C6). */
  readonly expectedSpeedup?: number;
  /** Set once applied; `undone` after Undo Apply. */
  readonly applied?: { readonly at: number; readonly undone: boolean };
  readonly stopReason?: string;
  /** Changes outside the tasks' `owns` (a live run's analysis), repository-relative. */
  readonly violations?: readonly { readonly task: string; readonly path: string; readonly outsideWorkspace?: true }[];
}

const ZERO: TokenUsage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

export function fromRunView(v: RunView, applied?: RunSnapshot['applied']): RunSnapshot {
  return {
    runId: v.runId,
    status: v.status,
    live: true,
    repoRoot: v.repoRoot,
    prefix: v.prefix,
    baseCommit: v.baseCommit,
    startedAt: v.startedAt,
    ...(v.finishedAt !== undefined && { finishedAt: v.finishedAt }),
    expectedSpeedup: v.plan.expectedSpeedup,
    ...(v.stopReason !== undefined && { stopReason: v.stopReason }),
    ...(v.analysis?.violations.length && { violations: v.analysis.violations }),
    ...(applied && { applied }),
    tasks: v.tasks.map((t) => ({
      id: t.id,
      ...(t.title !== undefined && { title: t.title }),
      kind: t.kind,
      status: t.status,
      ...(t.startedAt !== undefined && { startedAt: t.startedAt }),
      ...(t.ms !== undefined && { ms: t.ms }),
      tokens: t.tokens,
      costUsd: t.costUsd,
      ...(t.progress?.currentTool !== undefined && { currentTool: t.progress.currentTool }),
      ...(t.changed !== undefined && { changed: t.changed.map((p) => v.prefix + p) }),
      ...(t.baseCommit !== undefined && { baseCommit: t.baseCommit }),
      ...(t.resultCommit !== undefined && { resultCommit: t.resultCommit }),
      ...(t.output !== undefined && { output: t.output }),
      ...(t.error !== undefined && { error: t.error }),
      ...(t.reason !== undefined && { reason: t.reason }),
      owns: t.owns,
      dependsOn: t.dependsOn,
      ...(t.strategy !== undefined && { strategy: strategySnapshot(t.strategy, v.prefix) }),
    })),
  };
}

export function fromJournal(j: RunJournal, repoRoot: string): RunSnapshot {
  const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : undefined);
  const finishedAt = ms(j.finishedAt);
  const applied = j.applied && !j.applied.error ? { at: ms(j.applied.at) ?? 0, undone: j.applied.undoneAt !== undefined } : undefined;
  return {
    runId: j.runId,
    status: j.status,
    live: false,
    repoRoot: j.root ?? repoRoot,
    prefix: '',
    baseCommit: j.baseCommit,
    startedAt: ms(j.startedAt) ?? 0,
    ...(finishedAt !== undefined && { finishedAt }),
    ...(applied && { applied }),
    tasks: Object.entries(j.tasks).map(([id, t]) => ({
      id,
      ...(t.title !== undefined && { title: t.title }),
      kind: t.kind,
      status: t.status,
      ...(ms(t.startedAt) !== undefined && { startedAt: ms(t.startedAt) as number }),
      ...(t.ms !== undefined && { ms: t.ms }),
      tokens: t.tokens ?? ZERO,
      costUsd: t.costUsd ?? 0,
      ...(t.changed !== undefined && { changed: t.changed }),
      ...(t.baseCommit !== undefined && { baseCommit: t.baseCommit }),
      ...(t.resultCommit !== undefined && { resultCommit: t.resultCommit }),
      ...(t.output !== undefined && { output: t.output }),
      ...(t.error !== undefined && { error: t.error }),
      owns: t.owns ?? ['**'],
      dependsOn: t.dependsOn ?? [],
      ...(t.strategy !== undefined && { strategy: strategySnapshot(t.strategy, journalPrefix(t.changed, t.strategy)) }),
    })),
  };
}

/**
 * A copy of a task's strategy outcome whose attempts' paths are repository-relative, as
 * the task's own `changed` are (the engine records attempts' paths workspace-relative).
 */
export function strategySnapshot(s: StrategyOutcome, prefix: string): StrategyOutcome {
  const c = s.competitive;
  return {
    ...s,
    ...(c && { competitive: { ...c, attempts: c.attempts.map((a): AttemptRecord => ({ ...a, changed: a.changed.map((p) => prefix + p) })) } }),
  };
}

/**
 * The workspace's folder in the repository, for a journal (which does not record it):
 * the task's repository-relative paths end with its winning attempt's workspace-relative ones.
 */
export function journalPrefix(taskChanged: readonly string[] | undefined, s: StrategyOutcome): string {
  const w = s.competitive?.attempts.find((a) => a.winner)?.changed[0];
  if (!w || !taskChanged) return '';
  const full = taskChanged.find((p) => p === w || p.endsWith('/' + w));
  return full ? full.slice(0, full.length - w.length) : '';
}

/** The attempts of a task that could become its result instead of the current one. */
export function choosableAttempts(t: TaskSnapshot): AttemptRecord[] {
  return (t.strategy?.competitive?.attempts ?? []).filter((a) => a.status === 'succeeded' && a.resultCommit !== undefined);
}

export function runCounts(runs: readonly RunSnapshot[]): { running: number; queued: number } {
  let running = 0;
  let queued = 0;
  for (const r of runs) {
    if (!r.live || r.status !== 'running') continue;
    for (const t of r.tasks) {
      if (t.status === 'running') running++;
      else if (t.status === 'queued') queued++;
    }
  }
  return { running, queued };
}

/** The run as the engine's applyInputs takes it (which tasks apply, in what order, owning what). */
export function applySourceOf(r: RunSnapshot): ApplySource {
  return { prefix: r.prefix, tasks: r.tasks };
}
