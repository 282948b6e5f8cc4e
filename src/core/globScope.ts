// Which globs leave the workspace. A task file's globs are relative to the workspace
// folder (the one that holds .agents/), and every path a task writes or reads is inside
// it; a glob that is absolute, or whose `..` climbs out, can never match such a path. It
// is always a mistake (the user meant a path the task will not get), so the task file
// reports it where it is written instead of letting the run start with it.
//
// A glob with brace alternatives is judged per alternative: `{src,../x}/**` is reported
// naming "../x/**", the part that leaves (the rest would work, but silently dropping half
// of what the user wrote is worse than asking them to remove it).
import { expandBraces, isNegatedGlob, normalizeGlob } from './glob';

export type OutsideReason =
  /** `/etc/passwd`, `C:/x`: absolute paths. */
  | 'absolute'
  /** `../x`, `src/../../x`: climbs above the workspace folder. */
  | 'parent'
  /** `**\/../x`: a `..` after a wildcard, which no workspace path contains. */
  | 'unresolved';

export interface OutsidePart {
  /** The alternative that leaves, as written after brace expansion. */
  readonly alternative: string;
  readonly reason: OutsideReason;
}

export interface GlobScope {
  /** The alternatives that leave the workspace, in order; empty when none does. */
  readonly outside: readonly OutsidePart[];
  /** Every alternative leaves: the glob can only match outside the workspace. */
  readonly onlyOutside: boolean;
  /** The glob names the workspace folder itself (`.`, `src/..`): it matches no file. */
  readonly root: boolean;
}

/** Where a glob (or an `!exclusion`, judged by what it excludes) can match. */
export function globScope(glob: string): GlobScope {
  const g = glob.trim();
  const body = (isNegatedGlob(g) ? g.slice(1) : g).replace(/\\/g, '/');
  const alternatives = expandBraces(body);
  const outside: OutsidePart[] = [];
  for (const alternative of alternatives) {
    const reason = outsideReason(alternative);
    if (reason) outside.push({ alternative, reason });
  }
  return { outside, onlyOutside: outside.length === alternatives.length, root: body !== '' && normalizeGlob(body) === '' };
}

function outsideReason(alternative: string): OutsideReason | undefined {
  if (alternative.startsWith('/') || /^[A-Za-z]:(\/|$)/.test(alternative)) return 'absolute';
  const segments = normalizeGlob(alternative).split('/');
  if (segments[0] === '..') return 'parent';
  if (segments.includes('..')) return 'unresolved';
  return undefined;
}

/** The workspace-relative reading of an absolute path, for "did you mean" hints. */
export function withoutRoot(alternative: string): string {
  return alternative.replace(/^[A-Za-z]:/, '').replace(/^\/+/, '');
}
