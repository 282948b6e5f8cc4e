// What "Prune Old Runs…" says: what goes, what stays and why, in VS Code's words (the git
// layer's reasons name CLI flags). Pure.

export interface PruneOutcome {
  readonly pruned: readonly string[];
  readonly kept: readonly { readonly runId: string; readonly reason: string }[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The git layer's reason, as a short group name. */
function groupOf(reason: string): string {
  if (/^among the \d+ newest/.test(reason)) return 'among the newest';
  if (/never applied/.test(reason)) return 'with results never applied (apply them, or they stay)';
  if (/^running/.test(reason)) return 'running';
  if (/apply failed half way/.test(reason)) return 'whose apply failed half way (undo it first)';
  if (/^started less than/.test(reason)) return 'too recent';
  if (/interrupted/.test(reason)) return 'with an interrupted apply (the next apply or undo finishes it)';
  if (/being applied or undone/.test(reason)) return 'being applied or undone';
  return reason.replace(/\s*\((?:[^()]*--force[^()]*)\)/g, '').replace(/--force\s*\w*\s*/g, '').trim();
}

export function keptSummary(kept: PruneOutcome['kept']): string {
  const groups = new Map<string, number>();
  for (const k of kept) groups.set(groupOf(k.reason), (groups.get(groupOf(k.reason)) ?? 0) + 1);
  return [...groups].map(([g, n]) => `${n} ${g}`).join(', ');
}

export function pruneConfirmation(dry: PruneOutcome): { message: string; detail: string } {
  return {
    message: `Prune ${plural(dry.pruned.length, 'old run')}?`,
    detail:
      "Their refs, journals, transcripts and apply records are deleted; an applied run's apply can no longer be undone. Git's objects are left to git gc." +
      (dry.kept.length ? `\n\nKept: ${keptSummary(dry.kept)}.` : ''),
  };
}

export function prunedMessage(r: PruneOutcome): string {
  const kept = r.kept.length ? `; kept ${r.kept.length} (${keptSummary(r.kept)})` : '';
  return r.pruned.length ? `Parallel Agents: pruned ${plural(r.pruned.length, 'old run')}${kept}.` : `Parallel Agents: no run to prune${kept}.`;
}
