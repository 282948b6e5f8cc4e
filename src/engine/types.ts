// How front ends start a run (the run itself is described by runRecord.ts).
import type { ModelProvider, PriceTable } from '../agents';
import type { SandboxChoice, SandboxFactory } from './commandViews';

export interface RunOptions {
  /** The workspace folder (holding `.agents/`), or any folder when `taskFile` is given. */
  readonly workspace: string;
  /** Task file path, absolute or relative to the workspace. */
  readonly taskFile?: string;
  /** Run only these tasks (their dependencies are added). */
  readonly only?: readonly string[];
  readonly concurrency?: number;
  /** The cap on concurrency (default 8); a setting lets users raise it. */
  readonly maxConcurrency?: number;
  /** Apply the results to the working tree when every task succeeded. */
  readonly apply?: boolean;
  readonly apiKey?: string;
  readonly baseURL?: string;
  readonly model?: string;
  /**
   * The model source for every agent of the run (VS Code's models, from src/vscode/lm*.ts).
   * Without it: Anthropic's API with `apiKey` / ANTHROPIC_API_KEY (the CLI's only source).
   */
  readonly modelProvider?: ModelProvider;
  readonly prices?: PriceTable;
  /** Cancel the run when its total cost passes this many USD. */
  readonly maxCostUsd?: number;
  /** Paths (repository-relative) never written by apply: the editor's unsaved files. */
  readonly skipPaths?: readonly string[];
  readonly signal?: AbortSignal;
  /** SDK retries per request (tests lower it). */
  readonly maxRetries?: number;
  /** Engine log lines (the CLI's stderr in debug mode, the extension's LogOutputChannel). */
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Where agents' commands run: 'auto' (the sandbox when it works, default) or 'worktree' (the fallback, forced). */
  readonly sandbox?: SandboxChoice;
  /** The namespaces sandbox (engine/commandViews.ts); without one, commands use the worktree fallback. */
  readonly sandboxFactory?: SandboxFactory;
}

export interface RunSummary {
  readonly runId: string;
  readonly wallMs: number;
  readonly sumTaskMs: number;
  readonly speedup: number;
  readonly predictedSpeedup: number;
}
