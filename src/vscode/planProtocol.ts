// Messages between the plan panel (extension host) and its webview (media/plan.js).
// Imports neither `vscode` nor Node: both sides agree on these shapes and nothing else.
import type { TaskStatus } from '../core';

export interface PlanNodeView {
  readonly id: string;
  readonly title?: string;
  readonly kind: 'agent' | 'command' | 'aggregate';
  /** 1-based wave; 0 for tasks caught in a dependency cycle. */
  readonly wave: number;
  readonly slots: number;
  readonly estimate: number;
  readonly onCriticalPath: boolean;
  /** 1-based line of the task's key, for "open in editor". */
  readonly line: number;
  /** Layout, in CSS pixels. */
  readonly x: number;
  readonly y: number;
}

export interface PlanEdgeView {
  /** The dependency… */
  readonly from: string;
  /** …and the task that needs it. */
  readonly to: string;
  readonly critical: boolean;
}

export interface PlanProblemView {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

export interface PlanViewModel {
  /** Workspace-relative path of the task file. */
  readonly file: string;
  readonly nodes: readonly PlanNodeView[];
  readonly edges: readonly PlanEdgeView[];
  /** Column headers, left to right ("Wave 1", …, "Cycle"). */
  readonly columns: readonly { readonly label: string; readonly x: number }[];
  readonly criticalPath: readonly string[];
  readonly unit: 'ms' | 'tasks';
  readonly totalWork: number;
  readonly criticalPathLength: number;
  /** Amdahl: total work ÷ critical path. */
  readonly predictedSpeedup: number;
  /** Best possible under the concurrency cap. */
  readonly speedupBound: number;
  /** A critical-path-first schedule under the cap. */
  readonly expectedSpeedup: number;
  readonly concurrency: number;
  readonly problems: readonly PlanProblemView[];
  readonly width: number;
  readonly height: number;
  readonly nodeWidth: number;
  readonly nodeHeight: number;
}

export interface MeasuredSpeedup {
  /** Sum of the tasks' durations ÷ the run's wall-clock time. */
  readonly speedup: number;
  readonly wallMs: number;
  readonly workMs: number;
}

export type HostToWebview =
  | { readonly type: 'plan'; readonly plan: PlanViewModel }
  /** The task file cannot be planned (parse errors); the message lists them. */
  | { readonly type: 'invalid'; readonly file: string; readonly problems: readonly PlanProblemView[] }
  | { readonly type: 'status'; readonly tasks: Readonly<Record<string, TaskStatus>> }
  | { readonly type: 'measured'; readonly measured: MeasuredSpeedup | null };

export type WebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'openTask'; readonly taskId: string }
  | { readonly type: 'openProblem'; readonly line: number; readonly column: number }
  | { readonly type: 'runTask'; readonly taskId: string };

const TASK_STATUSES: ReadonlySet<string> = new Set(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped', 'undecided']);

export function isTaskStatus(v: unknown): v is TaskStatus {
  return typeof v === 'string' && TASK_STATUSES.has(v);
}

/** Validates what a webview posts: it is untrusted input, like any message across a boundary. */
export function parseWebviewMessage(data: unknown): WebviewToHost | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const m = data as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'openTask':
    case 'runTask':
      return typeof m.taskId === 'string' && /^[A-Za-z0-9_-]+$/.test(m.taskId) ? { type: m.type, taskId: m.taskId } : undefined;
    case 'openProblem':
      return isPositiveInt(m.line) && isPositiveInt(m.column) ? { type: 'openProblem', line: m.line, column: m.column } : undefined;
    default:
      return undefined;
  }
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}
