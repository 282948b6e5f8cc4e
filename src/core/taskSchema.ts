// The task file's shape (.agents/tasks.yaml or .json). The JSON Schema that gives the
// editor completion is generated from this at build time (schemas/tasks.schema.json).
// Cross-field rules (exactly one of prompt/promptFile/run, known dependsOn ids, …) live in
// taskFile.ts, where each problem gets the position of the node that caused it.
import { z } from 'zod';

export const TASK_ID_PATTERN = /^[A-Za-z0-9_-]+$/;
export const MAX_CONCURRENCY = 8;
export const DEFAULT_CONCURRENCY = 3;

const globList = z
  .array(z.string().min(1, 'a glob cannot be empty'))
  .describe('Workspace-relative globs (picomatch syntax; `dir/` means everything below dir).');

export const budgetSchema = z.strictObject({
  tokens: z.number().int().positive().optional().describe('Stop the agent after this many input+output tokens.'),
  usd: z.number().positive().optional().describe('Stop the agent after it has cost this much, in US dollars.'),
});

export const additiveStrategySchema = z.strictObject({
  type: z.literal('additive'),
});

export const aggregativeStrategySchema = z.strictObject({
  type: z.literal('aggregative'),
});

export const competitiveStrategySchema = z.strictObject({
  type: z.literal('competitive'),
  attempts: z.number().int().min(2, 'a competitive task needs at least 2 attempts').max(8, 'at most 8 attempts'),
  models: z.array(z.string().min(1)).optional().describe('Models for the attempts, used in turn.'),
  score: z.string().min(1).optional().describe('Shell command run in each attempt; exit 0 and the last number printed is the score (higher is better).'),
  judge: z.boolean().optional().describe('Let an agent rank the attempts when no score command decides.'),
});

export const consensusStrategySchema = z.strictObject({
  type: z.literal('consensus'),
  voters: z
    .number()
    .int()
    .min(3, 'a consensus needs at least 3 voters')
    .max(9, 'at most 9 voters')
    .refine((n) => n % 2 === 1, 'the number of voters must be odd, so a simple majority exists'),
  choices: z.array(z.string().min(1)).optional().describe('The answers a voter may give (any answer when absent).'),
  weights: z
    .record(z.string(), z.number().positive())
    .optional()
    .describe(
      'Vote weight per model. The voters take these models in turn (voter 1 the first, voter 2 the second, …, then round again) ' +
        'and each vote counts its model\'s weight. The voters\' weights must not split evenly: with voters: 3 and {light: 1, heavy: 2}, ' +
        'two light votes tie one heavy vote (2 against 2).',
    ),
  allowUndecided: z
    .boolean()
    .optional()
    .describe(
      'Let the dependents run when the vote does not decide (a tie, or a lead that failed voters could overturn): they get the ' +
        'tally and "Decision: TIE …" as this task\'s output. Default false: the task ends undecided, its dependents are skipped ' +
        'and the run does not succeed.',
    ),
});

export const strategySchema = z.discriminatedUnion('type', [
  additiveStrategySchema,
  aggregativeStrategySchema,
  competitiveStrategySchema,
  consensusStrategySchema,
]);

export const aggregateSchema = z.strictObject({
  from: z.array(z.string().regex(TASK_ID_PATTERN)).min(1, 'name at least one task to aggregate'),
  into: z.string().min(1).optional().describe('File the report is written to (the task must own it).'),
  mode: z.enum(['concat', 'summarize']).default('concat'),
});

export const taskSchema = z.strictObject({
  title: z.string().optional().describe('Short human-readable name.'),
  prompt: z.string().min(1).optional().describe('What the agent should do (an agent task).'),
  promptFile: z.string().min(1).optional().describe('Workspace-relative file holding the prompt (an agent task).'),
  run: z.string().min(1).optional().describe('Shell command run in an isolated worktree (a command task).'),
  aggregate: aggregateSchema.optional().describe('Collect the outputs of other tasks into one report.'),
  owns: globList.min(1, 'a task must own at least one glob (use the files it may write)').describe(
    'Globs this task may write. Required; two tasks that can run at once must not own the same path.',
  ),
  reads: globList.optional().describe('Globs this task reads (used to suggest missing dependencies).'),
  dependsOn: z.array(z.string()).optional().describe('Task ids that must succeed first.'),
  model: z.string().min(1).optional(),
  maxTurns: z.number().int().positive().optional(),
  timeoutSeconds: z.number().positive().optional().describe('Command tasks: stop after this long.'),
  budget: budgetSchema.optional(),
  strategy: strategySchema.optional(),
  commands: z
    .boolean()
    .optional()
    .describe(
      'Agent tasks: give the agent the run_command tool (bash in its own view of the workspace: tests, builds, linters). ' +
        'What a command changes is kept only where the task owns it. Overrides the top-level `commands`. Default false.',
    ),
  network: z
    .boolean()
    .optional()
    .describe("Agent tasks with commands: let the agent's commands reach the network (default false: only the view's own loopback)."),
});

export const taskFileSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1, 'version must be 1'),
  model: z.string().min(1).optional().describe('Default model for agent tasks.'),
  concurrency: z
    .number()
    .int()
    .min(1, 'concurrency must be at least 1')
    .max(MAX_CONCURRENCY, `concurrency is at most ${MAX_CONCURRENCY}`)
    .optional(),
  commands: z
    .boolean()
    .optional()
    .describe("Give every agent task the run_command tool (a task's own `commands` wins). Default false."),
  mounts: z
    .array(z.string().min(1, 'a mount cannot be empty'))
    .optional()
    .describe(
      'Workspace-relative folders that are not in git (node_modules, .venv, …) made visible read-only to every agent\'s commands, ' +
        'without copying. Default: [node_modules] when it exists.',
    ),
  setup: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Shell command run once per run, before the agents start, in the run\'s base (e.g. `test -d node_modules || npm ci`); ' +
        'what it writes is shared read-only by every task\'s commands.',
    ),
  tasks: z.record(z.string(), taskSchema),
});

export type TaskSpec = z.infer<typeof taskSchema>;
export type TaskFileSpec = z.infer<typeof taskFileSchema>;
export type Strategy = z.infer<typeof strategySchema>;
export type AggregateSpec = z.infer<typeof aggregateSchema>;

export type TaskKind = 'agent' | 'command' | 'aggregate';

/** A validated task, with its id and kind resolved. */
export interface Task {
  readonly id: string;
  readonly kind: TaskKind;
  readonly title?: string;
  /** The prompt text (for promptFile tasks, the file's content once loaded). */
  readonly prompt?: string;
  readonly promptFile?: string;
  readonly run?: string;
  readonly aggregate?: AggregateSpec;
  readonly owns: readonly string[];
  readonly reads: readonly string[];
  readonly dependsOn: readonly string[];
  readonly model?: string;
  readonly maxTurns?: number;
  readonly timeoutSeconds?: number;
  readonly budget?: { tokens?: number; usd?: number };
  readonly strategy?: Strategy;
  /** Agent tasks: the run_command tool (the task's own `commands`, else the top-level one). */
  readonly commands?: boolean;
  /** Commands may use the network beyond their own loopback. */
  readonly network?: boolean;
  /** 1-based line and column of the task's key in the task file (for CodeLens and messages). */
  readonly line: number;
  readonly column: number;
}

export interface TaskFile {
  readonly path: string;
  readonly model?: string;
  readonly concurrency: number;
  /** Folders not in git mounted read-only into every command view (undefined: node_modules when it exists). */
  readonly mounts?: readonly string[];
  /** Run once per run before the agents, in the base view. */
  readonly setup?: string;
  readonly tasks: readonly Task[];
}
