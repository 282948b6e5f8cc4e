// Starting a run: read and plan the task file, check everything that can be checked
// before anything is written (key, apply lock, ownership conflicts), snapshot the
// workspace, and hand over to a Run.
import * as path from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import {
  planTasks,
  type Plan,
  addUsage,
  emptyUsage,
  findTaskFile,
  formatProblem,
  loadTaskFile,
  workspaceRootOf,
  MAX_CONCURRENCY,
  slotsOf,
  type Task,
} from '../core';
import { ApiGate, createAnthropicClient, DEFAULT_MODEL, preconnectModelApi } from '../agents';
import {
  assertNotApplying,
  createRunId,
  ObjectReader,
  openRepo,
  currentOwner,
  beginSnapshot,
  type PendingSnapshot,
  WorktreeWorkspace,
  type GitRepo,
} from '../git';
import { prefixGlobs } from './prefixedWorkspace';
import { Run } from './run';
import type { RunCommandsConfig } from './commandViews';
import { listRunRecords, recoverInterruptedRuns, writeRunRecord } from './runJournal';
import { runPriorities, taskDurationHistory } from './runPriority';
import { RECORD_VERSION, type RunRecord } from './runRecord';
import { listWorkspaceFiles } from './workspaceFiles';
import type { RunOptions } from './types';

/** A problem that stops a run before it starts (bad task file, no key, not a repo). */
export class RunSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunSetupError';
  }
}

/** Everything needed before a run can start, checked before anything is written. */
export interface PreparedRun {
  readonly repo: GitRepo;
  readonly workspace: string;
  readonly taskFile: string;
  readonly tasks: readonly Task[];
  readonly plan: Plan;
  readonly prefix: string;
  readonly concurrency: number;
  /** The task file's top-level `model`, the default for agent tasks. */
  readonly defaultModel?: string;
  /** The task file's top-level `mounts` and `setup`, for agents' commands. */
  readonly commands: RunCommandsConfig;
}

export function prepareRun(options: RunOptions): Promise<PreparedRun> {
  return prepare(options);
}

/** `onRepo`: called with the repository as soon as it is open, while the task file is still read and planned. */
async function prepare(options: RunOptions, onRepo?: (repo: GitRepo) => void): Promise<PreparedRun> {
  const start = path.resolve(options.workspace);
  const taskFile = await findTaskFile(start, options.taskFile).catch((e: Error) => {
    throw new RunSetupError(e.message);
  });
  const workspace = workspaceRootOf(taskFile);
  // Opened while the task file is read and planned; a problem of the task file is still the one reported first.
  const opening = openRepo(workspace);
  opening.catch(() => undefined);
  if (onRepo) opening.then(onRepo, () => undefined);
  const loaded = await loadTaskFile(taskFile, path.relative(process.cwd(), taskFile) || taskFile);
  if (!loaded.taskFile) throw new RunSetupError(loaded.problems.map(formatProblem).join('\n'));
  let tasks = loaded.taskFile.tasks;
  if (options.only?.length) {
    const unknown = options.only.filter((id) => !tasks.some((t) => t.id === id));
    if (unknown.length) {
      throw new RunSetupError(`unknown task${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; the task file has ${tasks.map((t) => t.id).join(', ')}`);
    }
    const wanted = new Set<string>();
    const byId = new Map(tasks.map((t) => [t.id, t]));
    const add = (id: string) => {
      if (wanted.has(id)) return;
      wanted.add(id);
      for (const d of byId.get(id)?.dependsOn ?? []) add(d);
    };
    options.only.forEach(add);
    tasks = tasks.filter((t) => wanted.has(t.id));
  }
  const concurrency = Math.max(1, Math.min(options.maxConcurrency ?? MAX_CONCURRENCY, options.concurrency ?? loaded.taskFile.concurrency));
  let plan = planTasks({ ...loaded.taskFile, tasks }, { concurrency });
  if (plan.errors.some((e) => e.code === 'ownership-conflict')) {
    // Only now is the file list worth its cost (~0.1 s on 100,000 files): real example paths.
    plan = planTasks({ ...loaded.taskFile, tasks }, { files: await listWorkspaceFiles(workspace), concurrency });
  }
  if (plan.errors.length) {
    throw new RunSetupError(plan.errors.map((e) => `${path.relative(process.cwd(), taskFile) || taskFile}:${e.line ?? 1}:${e.column ?? 1}: ${e.message}`).join('\n'));
  }
  const repo = await opening.catch((e: Error) => {
    throw new RunSetupError(e.message);
  });
  const rel = path.relative(repo.root, workspace).split(path.sep).join('/');
  const prefix = rel ? `${rel}/` : '';
  const { mounts, setup } = loaded.taskFile;
  const commands = { ...(mounts !== undefined && { mounts }), ...(setup !== undefined && { setup }) };
  return { repo, workspace, taskFile, tasks, plan, prefix, concurrency, commands, ...(loaded.taskFile.model !== undefined && { defaultModel: loaded.taskFile.model }) };
}

/** Checks, snapshots the workspace and starts the run. Nothing is written when it throws. */
export async function startRun(options: RunOptions): Promise<Run> {
  const runId = createRunId();
  // The snapshot's git processes run while the task file is read and planned; its base ref
  // is written only once the run is known to start (beginSnapshot).
  let pending: PendingSnapshot | undefined;
  const p = await prepare(options, (repo) => (pending = beginSnapshot(repo, runId)));
  const snapshot = pending ?? beginSnapshot(p.repo, runId);
  const needsModel = p.tasks.some((t) => t.kind === 'agent' || (t.kind === 'aggregate' && t.aggregate?.mode === 'summarize'));
  const apiKey = options.apiKey ?? process.env['ANTHROPIC_API_KEY'];
  if (needsModel && !apiKey && !options.modelProvider) {
    throw new RunSetupError(
      'this run has agent tasks but no API key: set ANTHROPIC_API_KEY (or "Parallel Agents: Set API Key" in VS Code) and run again',
    );
  }
  if (needsModel && !options.modelProvider) {
    // The first agents' connections to the API open while the run is set up: their first
    // requests then skip the TCP and TLS handshakes (agents/connections.ts).
    const firstWave = p.tasks.filter((t) => t.kind === 'agent' && !t.dependsOn.length).reduce((n, t) => n + slotsOf(t), 0);
    preconnectModelApi({ ...(options.baseURL !== undefined && { baseURL: options.baseURL }) }, Math.min(p.concurrency, firstWave));
  }
  await assertNotApplying(p.repo).catch((e: Error) => {
    throw new RunSetupError(e.message);
  });
  // Independent: the snapshot is a temp index of the main working tree and the base ref (git
  // processes one after the other), leftover worktrees are git's worktree administration, and
  // the earlier runs' journals (their durations order this run's tasks; the interrupted ones
  // are marked so) are files of their own.
  const pastRunsRead = listRunRecords(p.repo).then(async (pastRuns) => {
    await recoverInterruptedRuns(p.repo, pastRuns);
    return pastRuns;
  });
  const [baseCommit, , pastRuns] = await Promise.all([snapshot.keep(), WorktreeWorkspace.cleanupLeftovers(p.repo), pastRunsRead]);
  const priorities = runPriorities(p.plan, taskDurationHistory(pastRuns));
  const byPlan = new Map(p.plan.tasks.map((t) => [t.id, t]));
  const record: RunRecord = {
    version: RECORD_VERSION,
    runId,
    owner: currentOwner(),
    repoRoot: p.repo.root,
    prefix: p.prefix,
    taskFile: p.taskFile,
    baseCommit,
    concurrency: p.concurrency,
    expectedSpeedup: p.plan.expectedSpeedup,
    predictedSpeedup: p.plan.predictedSpeedup,
    status: 'running',
    startedAt: Date.now(),
    modelSource: options.modelProvider?.source ?? 'anthropic',
    modelLabel: options.modelProvider?.label ?? p.defaultModel ?? options.model ?? DEFAULT_MODEL,
    tasks: p.tasks.map((t) => ({
      id: t.id,
      kind: t.kind,
      ...(t.title !== undefined && { title: t.title }),
      dependsOn: byPlan.get(t.id)?.dependsOn ?? t.dependsOn,
      owns: prefixGlobs(t.owns, p.prefix),
      status: 'queued',
      attempt: 1,
      tokens: emptyUsage(),
      costUsd: 0,
    })),
  };
  await writeRunRecord(p.repo, record);
  let client: Anthropic | undefined;
  const getClient = () =>
    (client ??= createAnthropicClient({
      ...(apiKey !== undefined && { apiKey }),
      ...(options.baseURL !== undefined && { baseURL: options.baseURL }),
      ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
    }));
  // The run's model: the task file's top-level `model` (the project chose it), else the
  // caller's (the `parallelAgents.model` setting, a user-wide default); a task's own
  // `model` beats both (modelResolver in taskContext.ts has the whole rule).
  const model = p.defaultModel ?? options.model;
  const runOptions: RunOptions = { ...options, ...(model !== undefined && { model }) };
  return new Run(p.repo, p.tasks, record, p.plan, p.workspace, new ApiGate(), new ObjectReader(p.repo), runOptions, getClient, p.commands, priorities);
}

/** Sum of tokens over a run's tasks. */
export function runTokens(v: Pick<RunRecord, 'tasks'>) {
  return v.tasks.reduce((acc, t) => addUsage(acc, t.tokens), emptyUsage());
}
