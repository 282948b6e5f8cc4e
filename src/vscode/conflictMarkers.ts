// Conflict markers as the apply writes them (git merge-file, labelled with task ids or
// "working tree"), parsed per line so the editor can offer Accept ‹A› / ‹B› / Both.
// Pure; a conflict region is only recognised when it is complete (<<<, ===, >>>).

export interface LineRange {
  /** 0-based, inclusive. */
  readonly start: number;
  /** 0-based, exclusive. */
  readonly end: number;
}

export interface ConflictRegion {
  /** The whole region, markers included. */
  readonly range: LineRange;
  readonly oursLabel: string;
  readonly theirsLabel: string;
  /** The lines between the markers (without them). */
  readonly ours: LineRange;
  /** Present for diff3-style markers (|||||||). */
  readonly base?: LineRange;
  readonly theirs: LineRange;
  /** Lines of the marker lines themselves, for decorations. */
  readonly markers: { readonly start: number; readonly base?: number; readonly separator: number; readonly end: number };
}

export type ConflictChoice = 'ours' | 'theirs' | 'both';

const START = /^<{7}(?: (.*))?$/;
const BASE = /^\|{7}(?: .*)?$/;
const SEP = /^={7}$/;
const END = /^>{7}(?: (.*))?$/;

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

export function parseConflicts(text: string): ConflictRegion[] {
  const lines = splitLines(text);
  const out: ConflictRegion[] = [];
  let i = 0;
  while (i < lines.length) {
    const start = START.exec(lines[i] as string);
    if (!start) {
      i++;
      continue;
    }
    let base: number | undefined;
    let sep: number | undefined;
    let end: number | undefined;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j] as string;
      if (START.test(l)) break; // a new region before this one ended: this one is broken
      if (sep === undefined && base === undefined && BASE.test(l)) base = j;
      else if (sep === undefined && SEP.test(l)) sep = j;
      else if (sep !== undefined && END.test(l)) {
        end = j;
        break;
      }
    }
    if (sep === undefined || end === undefined) {
      i = j;
      continue;
    }
    const endMatch = END.exec(lines[end] as string);
    out.push({
      range: { start: i, end: end + 1 },
      oursLabel: (start[1] ?? '').trim() || 'ours',
      theirsLabel: (endMatch?.[1] ?? '').trim() || 'theirs',
      ours: { start: i + 1, end: base ?? sep },
      ...(base !== undefined && { base: { start: base + 1, end: sep } }),
      theirs: { start: sep + 1, end },
      markers: { start: i, ...(base !== undefined && { base }), separator: sep, end },
    });
    i = end + 1;
  }
  return out;
}

/** The lines that replace the whole region for a choice. */
export function resolvedLines(lines: readonly string[], c: ConflictRegion, choice: ConflictChoice): string[] {
  const take = (r: LineRange) => lines.slice(r.start, r.end);
  if (choice === 'ours') return take(c.ours);
  if (choice === 'theirs') return take(c.theirs);
  return [...take(c.ours), ...take(c.theirs)];
}

/** The whole text with one region resolved (tests and non-editor callers). */
export function resolveConflict(text: string, c: ConflictRegion, choice: ConflictChoice): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = splitLines(text);
  return [...lines.slice(0, c.range.start), ...resolvedLines(lines, c, choice), ...lines.slice(c.range.end)].join(eol);
}

/** "Accept unit-tests" — a label names one side ("working tree" means the user's edits). */
export function acceptTitle(label: string): string {
  return label === 'working tree' ? 'Accept Yours (working tree)' : `Accept ${label}`;
}
