// What the extension says about apply and undo, in VS Code's words: no CLI commands, times
// as local clock times, each error worded once. Pure.
import { formatClock } from './format';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const SHOWN = 10;

/** The modal before an undo that would overwrite files changed after the apply. */
export function undoConfirmation(runId: string, edited: readonly string[], resolvedWithLens: ReadonlySet<string>): { message: string; detail: string } {
  // Files resolved with our CodeLens first: those are the ones the user expects to see named.
  const sorted = [...edited].sort((a, b) => Number(resolvedWithLens.has(b)) - Number(resolvedWithLens.has(a)) || a.localeCompare(b));
  const lines = sorted.slice(0, SHOWN).map((p) => (resolvedWithLens.has(p) ? `${p} (you resolved its conflicts with the CodeLens)` : p));
  if (sorted.length > SHOWN) lines.push(`… and ${sorted.length - SHOWN} more`);
  return {
    message: `Undo the apply of run ${runId}? ${plural(edited.length, 'file')} changed after it.`,
    detail: `${lines.join('\n')}\n\nUndo Others puts back every other file and keeps these as they are now. Undo Anyway puts these back too: the changes to them are lost.`,
  };
}

export interface UndoneFiles {
  readonly restored: readonly string[];
  readonly removed: readonly string[];
  readonly kept: readonly string[];
  readonly skipped?: readonly { readonly path: string; readonly reason: string }[];
}

const listed = (paths: readonly string[]) => `${paths.slice(0, SHOWN).join(', ')}${paths.length > SHOWN ? ` and ${paths.length - SHOWN} more` : ''}`;

export function undoneMessage(runId: string, r: UndoneFiles): string {
  const kept = r.kept.length ? `; kept as you have it: ${listed(r.kept)}` : '';
  const skipped = r.skipped?.length ? `; left alone: ${listed(r.skipped.map((s) => `${s.path} (${s.reason})`))}` : '';
  return `Parallel Agents: undid the apply of run ${runId}: ${plural(r.restored.length, 'file')} restored, ${r.removed.length} removed${kept}${skipped}.`;
}

/** Why a run's apply stands in the way (of applying it again, of choosing another attempt). */
export function appliedRefusal(runId: string, at: number, now: number = Date.now(), then = 'apply it again'): string {
  return `run ${runId} was already applied at ${formatClock(at, now)}; undo that apply (Undo Apply) to ${then}.`;
}

export function undoneRefusal(runId: string, at: number, now: number = Date.now()): string {
  return `the apply of run ${runId} was already undone at ${formatClock(at, now)}: there is nothing to undo.`;
}

const CLI_TO_VSCODE: Array<[RegExp, string]> = [
  [/`?parallel-agents undo(?: [^`\s)]+)*`?/g, 'Undo Apply'],
  [/`?parallel-agents apply(?: [^`\s)]+)*`?/g, 'Apply Run'],
  [/`?parallel-agents runs`? lists the runs/g, 'the Agents view lists the runs'],
  [/`?parallel-agents prune(?: [^`\s)]+)*`?/g, 'Prune Old Runs…'],
];

/** A message of the git layer or the engine, with its CLI commands said as VS Code's. */
export function inVsCodeWords(message: string): string {
  let m = message;
  for (const [re, to] of CLI_TO_VSCODE) m = m.replace(re, to);
  // "Run Undo Apply to restore …" reads as "Undo Apply restores …" once the command is a button.
  return m.replace(/\bRun (Undo Apply|Apply Run) to (\w+)/g, (_, cmd: string, verb: string) => `${cmd} ${verb}s`);
}

/** "Parallel Agents: Cannot undo: …", unless the message already starts with the same words. */
export function errorMessage(what: string, message: string): string {
  const m = inVsCodeWords(message.trim());
  const text = m.toLowerCase().startsWith(what.toLowerCase()) ? m : `${what}: ${m}`;
  return `Parallel Agents: ${/[.!?]$/.test(text) ? text : `${text}.`}`;
}

export interface ApplyReportInput {
  readonly applied: readonly string[];
  readonly merged: readonly string[];
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
  readonly conflicts: readonly unknown[];
  readonly binaryConflicts: readonly unknown[];
  readonly violations: readonly { readonly included: boolean }[];
}

/** The notification after an apply; `leftOut`: violations not written (offer to review them). */
export function applyReport(runId: string, r: ApplyReportInput): { message: string; conflicts: number; leftOut: number } {
  const parts = [`${plural(r.applied.length, 'file')} written`];
  if (r.merged.length) parts.push(`${r.merged.length} merged with your edits`);
  if (r.skipped.length) parts.push(`${r.skipped.length} skipped (${r.skipped.slice(0, 3).map((x) => `${x.path}: ${x.reason}`).join('; ')})`);
  const conflicts = r.conflicts.length + r.binaryConflicts.length;
  if (conflicts) parts.push(plural(conflicts, 'conflict'));
  const included = r.violations.filter((v) => v.included).length;
  const leftOut = r.violations.length - included;
  if (included) parts.push(`${plural(included, 'change')} outside ${included === 1 ? "its task's owns" : "their tasks' owns"} included (you accepted ${included === 1 ? 'it' : 'them'})`);
  let message = `Parallel Agents: applied run ${runId}: ${parts.join(', ')}`;
  if (leftOut) {
    message += `, ${plural(leftOut, 'change')} outside what ${leftOut === 1 ? 'its task owns' : 'their tasks own'} left out: accept ${leftOut === 1 ? 'it' : 'them'} under Ownership violations in the Conflicts view, then apply again`;
  }
  return { message: `${message}.`, conflicts, leftOut };
}
