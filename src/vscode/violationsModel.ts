// Ownership violations under review (contract C2): the changes a run's tasks made outside
// their `owns`, each accepted or discarded by the user. Apply writes only the accepted ones
// (`includeViolations`); a discarded one leaves the list; a write outside the workspace
// folder was never kept, so it can only be looked at. Pure.

export type ViolationDecision = 'accepted' | 'discarded';

export interface FoundViolation {
  readonly task: string;
  /** Repository-relative. */
  readonly path: string;
  readonly outsideWorkspace?: true;
  /** From an apply's result: whether it was written. */
  readonly included?: boolean;
}

export interface ViolationState {
  /** By path. */
  readonly found: Readonly<Record<string, FoundViolation>>;
  readonly decisions: Readonly<Record<string, ViolationDecision>>;
}

export interface ViolationItem {
  readonly task: string;
  readonly path: string;
  readonly outsideWorkspace?: true;
  readonly decision?: ViolationDecision;
  /** Set once an apply has run: whether the file was written. */
  readonly written?: boolean;
}

/** Adds what an analysis or an apply found; decisions stay. */
export function mergeFound(state: ViolationState | undefined, found: readonly FoundViolation[]): ViolationState {
  const next: Record<string, FoundViolation> = { ...(state?.found ?? {}) };
  for (const f of found) next[f.path] = { ...next[f.path], ...f };
  return { found: next, decisions: state?.decisions ?? {} };
}

/** The paths apply may write (`includeViolations`). */
export function acceptedPaths(s: ViolationState | undefined): string[] {
  if (!s) return [];
  return Object.keys(s.decisions)
    .filter((p) => s.decisions[p] === 'accepted' && s.found[p] && !s.found[p]?.outsideWorkspace)
    .sort();
}

/** What the Conflicts view lists: all but the discarded, by path. */
export function reviewItems(s: ViolationState | undefined): ViolationItem[] {
  if (!s) return [];
  return Object.values(s.found)
    .filter((f) => s.decisions[f.path] !== 'discarded')
    .map((f) => {
      const decision = s.decisions[f.path];
      return {
        task: f.task,
        path: f.path,
        ...(f.outsideWorkspace && { outsideWorkspace: true as const }),
        ...(decision !== undefined && { decision }),
        ...(f.included !== undefined && { written: f.included }),
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

export function violationDescription(v: ViolationItem, applied: boolean): string {
  if (v.outsideWorkspace) return `${v.task} · outside the workspace: never applied`;
  if (v.decision !== 'accepted') return `${v.task} · not applied until you accept it`;
  if (v.written) return `${v.task} · accepted and applied`;
  return `${v.task} · accepted: ${applied ? 'apply the run again to write it' : 'written when you apply the run'}`;
}
