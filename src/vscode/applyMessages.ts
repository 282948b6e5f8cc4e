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

export function undoneMessage(runId: string, r: { readonly restored: readonly string[]; readonly removed: readonly string[]; readonly kept: readonly string[] }): string {
  const kept = r.kept.length ? `; kept as you have it: ${r.kept.slice(0, SHOWN).join(', ')}${r.kept.length > SHOWN ? ` and ${r.kept.length - SHOWN} more` : ''}` : '';
  return `Parallel Agents: undid the apply of run ${runId}: ${plural(r.restored.length, 'file')} restored, ${r.removed.length} removed${kept}.`;
}

/** Why a run cannot be applied again (its apply stands). */
export function appliedRefusal(runId: string, at: number, now: number = Date.now()): string {
  return `run ${runId} was already applied at ${formatClock(at, now)}; undo that apply (Undo Apply) to apply it again.`;
}

/** "Parallel Agents: Cannot undo: …", unless the message already starts with the same words. */
export function errorMessage(what: string, message: string): string {
  const m = message.trim();
  const text = m.toLowerCase().startsWith(what.toLowerCase()) ? m : `${what}: ${m}`;
  return `Parallel Agents: ${/[.!?]$/.test(text) ? text : `${text}.`}`;
}
