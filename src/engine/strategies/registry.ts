// Which executor runs a task: its strategy's, when the strategy applies to the task's
// kind, else its kind's own. A new strategy is a file that exports a StrategyExecutor, its
// schema entry (core/taskSchema.ts, strategySchema), and its line in STRATEGIES below: the
// table is keyed by the schema's `type`s, so the compiler asks for that line.
import type { TaskOutput, Strategy, Task } from '../../core';
import { runAggregate } from '../executors/aggregate';
import { runAgent } from '../executors/agent';
import { runCommand } from '../executors/command';
import type { StrategyExecutor, TaskExecutor, TaskRunContext, TaskRunResult } from '../taskContext';
import { competitive } from './competitive';
import { consensus } from './consensus';

const STRATEGIES: { readonly [T in Strategy['type']]: StrategyExecutor | null } = {
  // Each task's own changes, merged with the others': what every kind does by itself.
  additive: null,
  // Outputs collected into one report: what an aggregate task does by itself.
  aggregative: null,
  competitive,
  consensus,
};

const BY_KIND: { readonly [K in Task['kind']]: TaskExecutor } = {
  agent: runAgent,
  command: runCommand,
  aggregate: runAggregate,
};

export function executorFor(task: Task): TaskExecutor {
  const s = task.strategy ? STRATEGIES[task.strategy.type] : null;
  return s?.kinds.includes(task.kind) ? s.run : BY_KIND[task.kind];
}

export function runTask(task: Task, baseCommit: string, dependencies: readonly TaskOutput[], ctx: TaskRunContext): Promise<TaskRunResult> {
  return executorFor(task)(task, baseCommit, dependencies, ctx);
}
