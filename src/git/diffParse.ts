// Parsers for `git diff-tree` output (-z raw records and -U0 patches).

export type ChangeStatus = 'A' | 'M' | 'D' | 'R';

export interface RawChange {
  readonly status: ChangeStatus;
  readonly path: string;
  readonly oldPath?: string;
  readonly oldMode: string;
  readonly newMode: string;
  readonly oldSha: string;
  readonly newSha: string;
  /** Similarity for renames (0-100). */
  readonly score?: number;
  /** A type change (T: file ↔ symlink ↔ submodule), reported as M; its patch comes as a deletion and an addition. */
  readonly typeChange?: true;
}

/** Parses `git diff-tree -r -z --raw` (with or without -M). T (type change) counts as M, C as A. */
export function parseRawZ(out: Buffer | string): RawChange[] {
  const fields = (typeof out === 'string' ? out : out.toString('utf8')).split('\0');
  const changes: RawChange[] = [];
  for (let i = 0; i < fields.length; i++) {
    const head = fields[i] as string;
    if (!head.startsWith(':')) continue;
    const [oldMode, newMode, oldSha, newSha, st] = head.slice(1).split(' ') as [string, string, string, string, string];
    const letter = st[0] as string;
    const score = st.length > 1 ? Number(st.slice(1)) : undefined;
    if (letter === 'R' || letter === 'C') {
      const from = fields[++i] as string;
      const to = fields[++i] as string;
      if (letter === 'R') changes.push({ status: 'R', path: to, oldPath: from, oldMode, newMode, oldSha, newSha, ...(score !== undefined ? { score } : {}) });
      else changes.push({ status: 'A', path: to, oldMode: '000000', newMode, oldSha: '0'.repeat(oldSha.length), newSha });
      continue;
    }
    const p = fields[++i] as string;
    const status: ChangeStatus = letter === 'A' ? 'A' : letter === 'D' ? 'D' : 'M';
    changes.push({ status, path: p, oldMode, newMode, oldSha, newSha, ...(letter === 'T' ? { typeChange: true as const } : {}) });
  }
  return changes;
}

export interface Hunk {
  /** 1-based first line in the old (base) file; for a pure insertion, the line after which it goes. */
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
}

export interface FilePatch {
  readonly binary: boolean;
  readonly hunks: Hunk[];
  readonly additions: number;
  readonly deletions: number;
}

/**
 * Splits a `git diff-tree -p -U0` patch into one FilePatch per `diff --git` header, in
 * output order (the same order as the raw records of the same diff, so paths never
 * have to be unquoted from the headers).
 */
export function parsePatchU0(out: Buffer | string): FilePatch[] {
  const text = typeof out === 'string' ? out : out.toString('utf8');
  const files: Array<{ binary: boolean; hunks: Hunk[]; additions: number; deletions: number }> = [];
  let cur: (typeof files)[number] | undefined;
  let inHunk = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) {
      cur = { binary: false, hunks: [], additions: 0, deletions: 0 };
      files.push(cur);
      inHunk = false;
      continue;
    }
    if (!cur) continue;
    if (inHunk) {
      if (line.startsWith('+')) {
        cur.additions++;
        continue;
      }
      if (line.startsWith('-')) {
        cur.deletions++;
        continue;
      }
      if (line.startsWith('\\')) continue;
    }
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (m) {
      cur.hunks.push({
        oldStart: Number(m[1]),
        oldLines: m[2] === undefined ? 1 : Number(m[2]),
        newStart: Number(m[3]),
        newLines: m[4] === undefined ? 1 : Number(m[4]),
      });
      inHunk = true;
      continue;
    }
    if (!inHunk && (/^Binary files .* differ$/.test(line) || line === 'GIT binary patch')) cur.binary = true;
  }
  return files;
}

/** A hunk's range in the base, [start, end) 1-based; an insertion is the empty range at the line it precedes. */
export function baseRange(h: Hunk): { start: number; end: number } {
  if (h.oldLines === 0) return { start: h.oldStart + 1, end: h.oldStart + 1 };
  return { start: h.oldStart, end: h.oldStart + h.oldLines };
}

/** Whether two base ranges overlap or touch (git's merge treats adjacent changes as a conflict). */
export function rangesMeet(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start <= b.end && b.start <= a.end;
}
