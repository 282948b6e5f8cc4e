// Conflict markers as the apply writes them (git merge-file, labelled with task ids or
// "working tree", `conflict-marker-size` characters long), parsed per line so the editor
// can offer Accept ‹A› / ‹B› / Both. Pure; a conflict region is only recognised when it
// is complete (<<<, ===, >>>), its markers have the apply's size and, when the apply's
// labels are known, its labels are theirs: a file that shows markers as examples (git's
// own documentation does) keeps them as text.

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

export interface ConflictParseOptions {
  /** The markers' length (the apply's `ApplyConflict.markerSize`); git's default is 7. */
  readonly markerSize?: number;
  /**
   * The labels the apply wrote ("working tree", task ids); a marker whose label is not
   * made of these (several joined by ", ") is text. Unset: any label.
   */
  readonly labels?: readonly string[];
}

export const DEFAULT_MARKER_SIZE = 7;

interface Markers {
  readonly start: RegExp;
  readonly base: RegExp;
  readonly sep: RegExp;
  readonly end: RegExp;
}

const markersBySize = new Map<number, Markers>();

function markers(size: number): Markers {
  let m = markersBySize.get(size);
  if (!m) {
    const n = `{${size}}`;
    m = { start: new RegExp(`^<${n}(?: (.*))?$`), base: new RegExp(`^\\|${n}(?: .*)?$`), sep: new RegExp(`^=${n}$`), end: new RegExp(`^>${n}(?: (.*))?$`) };
    markersBySize.set(size, m);
  }
  return m;
}

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

export function parseConflicts(text: string, options: ConflictParseOptions = {}): ConflictRegion[] {
  const size = options.markerSize && options.markerSize > 0 ? Math.floor(options.markerSize) : DEFAULT_MARKER_SIZE;
  const M = markers(size);
  const known = options.labels ? new Set(options.labels) : undefined;
  const ours = (label: string | undefined) => !known || (label !== undefined && label.split(', ').every((l) => known.has(l)));
  /** The label of a start or end marker of ours, `undefined` when the line is not one. */
  const marker = (re: RegExp, line: string): string | undefined => {
    const m = re.exec(line);
    if (!m) return undefined;
    const label = (m[1] ?? '').trim();
    return ours(label) ? label : undefined;
  };
  const lines = splitLines(text);
  const out: ConflictRegion[] = [];
  let i = 0;
  while (i < lines.length) {
    const startLabel = marker(M.start, lines[i] as string);
    if (startLabel === undefined) {
      i++;
      continue;
    }
    let base: number | undefined;
    let sep: number | undefined;
    let end: number | undefined;
    let endLabel = '';
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j] as string;
      if (marker(M.start, l) !== undefined) break; // a new region before this one ended: this one is broken
      if (sep === undefined && base === undefined && M.base.test(l)) base = j;
      else if (sep === undefined && M.sep.test(l)) sep = j;
      else if (sep !== undefined) {
        const label = marker(M.end, l);
        if (label !== undefined) {
          end = j;
          endLabel = label;
          break;
        }
      }
    }
    if (sep === undefined || end === undefined) {
      i = j;
      continue;
    }
    out.push({
      range: { start: i, end: end + 1 },
      oursLabel: startLabel || 'ours',
      theirsLabel: endLabel || 'theirs',
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
