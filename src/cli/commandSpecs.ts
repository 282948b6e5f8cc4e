// Every command and flag of the CLI, in one table. The parser (args.ts) accepts exactly
// these flags and the help (help.ts) is printed from them, so the two cannot drift apart.
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../core';

export type FlagKind =
  /** `--flag` */
  | 'boolean'
  /** `--flag VALUE` or `--flag=VALUE` */
  | 'string'
  /** `--flag` alone, or `--flag=VALUE` (never the next argument: that may be a positional) */
  | 'optional';

export interface FlagSpec {
  readonly name: string;
  readonly kind: FlagKind;
  /** Placeholder for the value in the help: `N`, `a,b`, `USD`. */
  readonly value?: string;
  readonly help: string;
}

export interface CommandSpec {
  readonly name: string;
  /** Positionals as the usage line shows them: `[DIR] RUN [TASK]`. */
  readonly args: string;
  readonly summary: string;
  readonly flags: readonly FlagSpec[];
  /** Flags that existed once: using one says what replaced it instead of "unknown option". */
  readonly retired?: Readonly<Record<string, string>>;
  /** More lines for `parallel-agents COMMAND --help`. */
  readonly details?: readonly string[];
}

const json = (what: string): FlagSpec => ({ name: 'json', kind: 'boolean', help: `print ${what} as one JSON object` });
const only: FlagSpec = { name: 'only', kind: 'string', value: 'a,b', help: 'only these tasks (comma-separated ids)' };
const includeViolations: FlagSpec = {
  name: 'include-violations',
  kind: 'optional',
  value: 'PATHS',
  help: 'also write changes a task made outside what it owns (all, or only these comma-separated repository paths); left out by default',
};
const taskFile: FlagSpec = { name: 'file', kind: 'string', value: 'F', help: 'the task file (default: .agents/tasks.yaml, .yml or .json in DIR)' };
const concurrency: FlagSpec = { name: 'concurrency', kind: 'string', value: 'N', help: `tasks at once (1–${MAX_CONCURRENCY}; default: the task file’s, else ${DEFAULT_CONCURRENCY})` };
const RUN_ARG = 'RUN is a run id from `parallel-agents runs`, or "last" for the newest run.';

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'plan',
    args: '[DIR]',
    summary: 'waves, critical path, expected speedup and ownership conflicts, without running anything',
    flags: [
      taskFile,
      concurrency,
      json('the plan'),
    ],
  },
  {
    name: 'run',
    args: '[DIR]',
    summary: 'run the tasks in parallel; results become commits under refs/parallel-agents, your files are untouched until apply',
    flags: [
      taskFile,
      only,
      concurrency,
      { name: 'apply', kind: 'boolean', help: 'apply the results when every task succeeded (ownership violations are left out)' },
      { name: 'max-cost', kind: 'string', value: 'USD', help: 'cancel the run when its total cost passes this many US dollars' },
      json('the run'),
    ],
    details: ['The model endpoint comes from ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL.'],
  },
  {
    name: 'runs',
    args: '[DIR]',
    summary: 'list past runs, newest first',
    flags: [json('the runs')],
  },
  {
    name: 'show',
    args: '[DIR] RUN [TASK]',
    summary: 'a run’s tasks, changed files, overlaps and ownership violations',
    flags: [json('the journal and the analysis')],
    details: [RUN_ARG],
  },
  {
    name: 'apply',
    args: '[DIR] RUN',
    summary: '3-way merge a run’s results into the working tree (conflicts get markers labelled with task ids)',
    flags: [only, includeViolations, json('the result')],
    retired: {
      'discard-violations': 'ownership violations are left out by default now; --include-violations takes them',
    },
    details: [RUN_ARG, 'Exit 1 when conflicts are left to resolve.'],
  },
  {
    name: 'undo',
    args: '[DIR] RUN',
    summary: 'restore the working tree as it was before the run was applied',
    flags: [{ name: 'force', kind: 'boolean', help: 'also overwrite files edited after the apply' }],
    details: [RUN_ARG],
  },
  {
    name: 'choose',
    args: '[DIR] RUN TASK ATTEMPT',
    summary: 'make another attempt of a competitive task its result (before applying)',
    flags: [],
    details: [RUN_ARG, '`parallel-agents show RUN TASK` lists the attempts.'],
  },
  {
    name: 'prune',
    args: '[DIR]',
    summary: 'delete old runs (refs, journals, transcripts); git gc reclaims their objects later',
    flags: [
      { name: 'keep', kind: 'string', value: 'N', help: 'keep the newest N runs (--keep 0: prune every run that may go)' },
      { name: 'older-than', kind: 'string', value: 'D', help: 'only runs started more than D ago: 30m, 12h, 7d' },
      { name: 'force', kind: 'boolean', help: 'also prune runs whose results were never applied' },
      { name: 'dry-run', kind: 'boolean', help: 'say what would be pruned, change nothing' },
      json('what was pruned and kept'),
    ],
    details: [
      'With both --keep and --older-than, a run goes when both allow it.',
      'A running run is never pruned; one with results that were never applied (or whose apply was undone) only with --force.',
      'An applied run that is pruned can no longer be undone.',
    ],
  },
];

export function commandSpec(name: string): CommandSpec {
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) throw new Error(`no command spec "${name}"`);
  return spec;
}
