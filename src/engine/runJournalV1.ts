// Journals written before the run record (`version: 1`), read through one migration.
// Version 1 kept tasks in an object keyed by id, ISO timestamps, a task's error and the
// scheduler's reason in one field, and no workspace folder: its `owns` and `changed` are
// repository-relative, but competitive attempts' `changed` stayed workspace-relative.
import * as path from 'node:path';
import type { TaskStatus, TokenUsage, StrategyOutcome, TaskKind } from '../core';
import { workspaceRootOf } from '../core';
import type { JournalApply, JournalOwner } from '../git';
import { RECORD_VERSION, repoRelativeStrategy, type RunRecord, type RunStatus, type TaskRecord } from './runRecord';

export interface JournalTaskV1 {
  status: TaskStatus;
  kind: TaskKind;
  title?: string;
  owns?: string[];
  dependsOn?: string[];
  startedAt?: string;
  finishedAt?: string;
  ms?: number;
  baseCommit?: string;
  resultCommit?: string;
  tokens?: TokenUsage;
  costUsd?: number;
  output?: string;
  changed?: string[];
  error?: string;
  strategy?: StrategyOutcome;
  ignoredOutputs?: { count: number; sample: string[] };
  outsideWrites?: string[];
}

export interface JournalV1 {
  version: 1;
  runId: string;
  startedAt: string;
  finishedAt?: string;
  status: RunStatus;
  owner: JournalOwner;
  root?: string;
  baseCommit: string;
  concurrency: number;
  taskFile: string;
  tasks: Record<string, JournalTaskV1>;
  applied?: JournalApply;
}

const ZERO: TokenUsage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
const ms = (iso: string | undefined): number | undefined => {
  const n = iso === undefined ? NaN : Date.parse(iso);
  return Number.isFinite(n) ? n : undefined;
};

/**
 * The workspace folder of a version 1 run: where its task file's workspace lies in the
 * repository when the journal has both as absolute paths (startRun wrote them so), else
 * what a competitive task's winning attempt shows (its workspace-relative paths are the
 * end of the task's repository-relative ones), else the top.
 */
export function prefixOfV1(j: JournalV1, repoRoot: string): string {
  if (path.isAbsolute(j.taskFile)) {
    const rel = path.relative(repoRoot, workspaceRootOf(j.taskFile)).split(path.sep).join('/');
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel ? `${rel}/` : '';
  }
  for (const t of Object.values(j.tasks)) {
    const w = t.strategy?.competitive?.attempts.find((a) => a.winner)?.changed[0];
    const full = w && t.changed?.find((p) => p === w || p.endsWith('/' + w));
    if (w && full) return full.slice(0, full.length - w.length);
  }
  return '';
}

/** A version 1 journal as a run record; `repoRoot` where the journal does not say. */
export function migrateV1(j: JournalV1, repoRoot: string): RunRecord {
  const root = j.root ?? repoRoot;
  const prefix = prefixOfV1(j, root);
  const startedAt = ms(j.startedAt) ?? 0;
  const finishedAt = ms(j.finishedAt);
  return {
    version: RECORD_VERSION,
    runId: j.runId,
    owner: j.owner,
    repoRoot: root,
    prefix,
    taskFile: j.taskFile,
    baseCommit: j.baseCommit,
    concurrency: j.concurrency,
    status: j.status,
    startedAt,
    ...(finishedAt !== undefined && { finishedAt }),
    ...(j.applied && { applied: j.applied }),
    tasks: Object.entries(j.tasks).map(([id, t]): TaskRecord => {
      const started = ms(t.startedAt);
      const finished = ms(t.finishedAt);
      return {
        id,
        kind: t.kind,
        ...(t.title !== undefined && { title: t.title }),
        dependsOn: t.dependsOn ?? [],
        // Journals from before owns were recorded: the task owned everything.
        owns: t.owns ?? ['**'],
        status: t.status,
        attempt: 1,
        ...(started !== undefined && { startedAt: started }),
        ...(finished !== undefined && { finishedAt: finished }),
        ...(t.ms !== undefined && { ms: t.ms }),
        tokens: t.tokens ?? ZERO,
        costUsd: t.costUsd ?? 0,
        ...(t.output !== undefined && { output: t.output }),
        ...(t.changed !== undefined && { changed: t.changed }),
        ...(t.baseCommit !== undefined && { baseCommit: t.baseCommit }),
        ...(t.resultCommit !== undefined && { resultCommit: t.resultCommit }),
        ...(t.error !== undefined && { error: t.error }),
        ...(t.strategy !== undefined && { strategy: repoRelativeStrategy(t.strategy, prefix) }),
        ...(t.ignoredOutputs !== undefined && { ignoredOutputs: t.ignoredOutputs }),
        ...(t.outsideWrites !== undefined && { outsideWrites: t.outsideWrites }),
      };
    }),
  };
}
