// Everything the editor shows about a task file, computed from its text alone: the
// parser's problems and the plan's errors and warnings, each with an offset range.
// Pure (no `vscode`), so it is unit-tested in plain mocha; the diagnostics provider,
// the CodeLens and the plan panel all read it.
import { parseTaskFileText, type Problem, planTasks, type Plan, type PlanDiagnostic } from '../core';
import type { TaskFile } from '../core';
import { DEFAULT_MAX_CONCURRENCY, effectiveConcurrency } from './settingsModel';

export interface EditorProblem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** 1-based, as in the CLI's FILE:LINE:COL messages. */
  readonly line: number;
  readonly column: number;
  /** 0-based offsets into the text. */
  readonly offset: number;
  readonly endOffset: number;
  /** `parse` for the task file parser, else the plan diagnostic's code. */
  readonly code: 'parse' | PlanDiagnostic['code'];
  /** The other tasks a plan diagnostic names (their keys), for related information. */
  readonly related?: readonly { readonly taskId: string; readonly offset: number; readonly endOffset: number }[];
}

export interface TaskFileAnalysis {
  readonly problems: readonly EditorProblem[];
  /** Present when the file parsed without errors. */
  readonly taskFile?: TaskFile;
  /** Present when the file parsed; may itself carry errors (cycles, conflicts). */
  readonly plan?: Plan;
}

export interface AnalysisOptions {
  /** Overrides the task file's concurrency (a setting the user changed). */
  readonly concurrency?: number;
  /** The cap (the `maxConcurrency` setting). */
  readonly maxConcurrency?: number;
  readonly history?: ReadonlyMap<string, number>;
  readonly files?: readonly string[];
}

export function analyseTaskFileText(file: string, text: string, options: AnalysisOptions = {}): TaskFileAnalysis {
  const parsed = parseTaskFileText(file, text);
  const problems: EditorProblem[] = parsed.problems.map(fromParseProblem);
  if (!parsed.taskFile) return { problems };
  const plan = planTasks(parsed.taskFile, {
    concurrency: effectiveConcurrency(options.concurrency, parsed.taskFile.concurrency, options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY),
    ...(options.history && { history: options.history }),
    ...(options.files && { files: options.files }),
  });
  const lines = lineStarts(text);
  const byId = new Map(parsed.taskFile.tasks.map((t) => [t.id, t]));
  for (const d of [...plan.errors, ...plan.warnings]) {
    const p = fromPlanDiagnostic(d, text, lines);
    const related = d.tasks.slice(1).flatMap((id) => {
      const t = byId.get(id);
      if (!t) return [];
      const offset = offsetAt(lines, text.length, t.line, t.column);
      return [{ taskId: id, offset, endOffset: offset + keyLength(text, offset) }];
    });
    problems.push(related.length ? { ...p, related } : p);
  }
  problems.sort((a, b) => a.offset - b.offset || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return { problems, taskFile: parsed.taskFile, plan };
}

function fromParseProblem(p: Problem): EditorProblem {
  return { severity: p.severity, message: p.message, line: p.line, column: p.column, offset: p.offset, endOffset: p.endOffset, code: 'parse' };
}

/** Plan diagnostics carry the task key's line/column; the range covers the key. */
function fromPlanDiagnostic(d: PlanDiagnostic, text: string, lines: readonly number[]): EditorProblem {
  const line = d.line ?? 1;
  const column = d.column ?? 1;
  const offset = offsetAt(lines, text.length, line, column);
  return { severity: d.severity, message: d.message, line, column, offset, endOffset: offset + keyLength(text, offset), code: d.code };
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function offsetAt(lines: readonly number[], length: number, line: number, column: number): number {
  const start = lines[Math.max(0, Math.min(lines.length - 1, line - 1))] ?? 0;
  return Math.min(length, start + Math.max(0, column - 1));
}

/** Length of the YAML/JSON key (plain or quoted) starting at `offset`. */
export function keyLength(text: string, offset: number): number {
  const m = /^"(?:[^"\\\n]|\\.)*"|^'[^'\n]*'|^[^\s:,{}[\]]+/.exec(text.slice(offset, offset + 300));
  return m ? m[0].length : 0;
}

/** `FILE:LINE:COL: message`, the CLI's format, for logs and tooltips. */
export function formatEditorProblem(file: string, p: EditorProblem): string {
  return `${file}:${p.line}:${p.column}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}
