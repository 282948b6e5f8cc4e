// Settings as the rest of the extension sees them, and the rules that combine them
// with the task file. Pure: the `vscode` reading lives in configuration.ts.
// The numbers mirror core/taskSchema.ts (a unit test checks they agree); importing them
// would load zod at activation, before anything needs the parser.

export type OwnershipViolationPolicy = 'flag' | 'discard';

export interface ExtensionSettings {
  /** Set only when the user chose a value (else the task file's `concurrency` applies). */
  readonly concurrency?: number;
  readonly maxConcurrency: number;
  readonly model?: string;
  /** Workspace-relative path of the task file. */
  readonly taskFile: string;
  /** USD per million tokens, by model. */
  readonly prices: Readonly<Record<string, { input?: number; output?: number; cacheRead?: number; cacheWrite?: number }>>;
  readonly maxCostPerRun?: number;
  readonly ownershipViolations: OwnershipViolationPolicy;
  /** After a run, prune runs beyond the newest N (never unapplied results); 0: never. */
  readonly keepRuns: number;
  /** Where agents' models come from: an Anthropic API key, or a model VS Code offers (vscode.lm). */
  readonly modelSource: ModelSourceSetting;
  /** The VS Code model's id (modelSource "vscode"); empty: the first one VS Code offers. */
  readonly vscodeModel?: string;
}

export type ModelSourceSetting = 'anthropic' | 'vscode';

export function modelSourceOf(v: unknown): ModelSourceSetting {
  return v === 'vscode' ? 'vscode' : 'anthropic';
}

export const DEFAULT_TASK_FILE = '.agents/tasks.yaml';
export const DEFAULT_MAX_CONCURRENCY = 8;
export const DEFAULT_CONCURRENCY = 3;
export const DEFAULT_KEEP_RUNS = 20;

/** The keepRuns setting as a whole number of runs (0: no automatic pruning). */
export function keepRunsOf(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : DEFAULT_KEEP_RUNS;
}

/** The concurrency a run uses: the user's setting, else the task file's, never above the cap. */
export function effectiveConcurrency(setting: number | undefined, taskFile: number | undefined, cap: number): number {
  const wanted = setting ?? taskFile ?? DEFAULT_CONCURRENCY;
  return Math.max(1, Math.min(Math.floor(wanted), Math.max(1, Math.floor(cap))));
}

/**
 * Workspace-relative candidates for the task file: the configured one first; when the
 * configured one is the default, its `.yml`/`.json` siblings too (as the CLI does).
 */
export function taskFileCandidates(configured: string | undefined): string[] {
  const c = normalise(configured || DEFAULT_TASK_FILE);
  if (c !== DEFAULT_TASK_FILE) return [c];
  return [DEFAULT_TASK_FILE, '.agents/tasks.yml', '.agents/tasks.json'];
}

function normalise(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
}

/** Whether a workspace-relative path is one of the candidates. */
export function isTaskFilePath(relativePath: string, configured: string | undefined): boolean {
  return taskFileCandidates(configured).includes(normalise(relativePath));
}
