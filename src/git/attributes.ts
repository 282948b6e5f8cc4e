// The gitattributes a 3-way merge must honour, as git's own merge does: the conflict
// marker size (files that document markers use longer ones) and `-merge`/`binary`
// (never text-merged). One `git check-attr --stdin -z` for all the paths of an apply.
import type { GitRepo } from './repo';

export interface MergeAttributes {
  /** Length of the conflict markers (`conflict-marker-size`; git's default 7). */
  readonly markerSize: number;
  /** `-merge`, `merge=binary` or the `binary` macro: git keeps one side, never text-merges. */
  readonly binary: boolean;
}

export const DEFAULT_MARKER_SIZE = 7;
const DEFAULT: MergeAttributes = { markerSize: DEFAULT_MARKER_SIZE, binary: false };

/** The merge attributes of `paths` (repo-relative), as the working tree's .gitattributes say. */
export async function mergeAttributes(repo: GitRepo, paths: readonly string[]): Promise<Map<string, MergeAttributes>> {
  const out = new Map<string, MergeAttributes>();
  if (paths.length === 0) return out;
  const r = await repo.exec(['check-attr', '--stdin', '-z', 'conflict-marker-size', 'merge'], {
    input: paths.map((p) => p + '\0').join(''),
  });
  // `<path> NUL <attribute> NUL <value> NUL`, repeated
  const f = r.stdout.toString('utf8').split('\0');
  const found = new Map<string, { markerSize?: number; binary?: boolean }>();
  for (let i = 0; i + 2 < f.length; i += 3) {
    const [p, attr, value] = [f[i] as string, f[i + 1] as string, f[i + 2] as string];
    const a = found.get(p) ?? {};
    if (attr === 'conflict-marker-size') {
      const n = Number(value);
      if (/^[0-9]+$/.test(value) && n > 0) a.markerSize = n;
    } else if (attr === 'merge') {
      a.binary = value === 'unset' || value === 'binary';
    }
    found.set(p, a);
  }
  for (const p of paths) {
    const a = found.get(p);
    out.set(p, { markerSize: a?.markerSize ?? DEFAULT_MARKER_SIZE, binary: a?.binary ?? false });
  }
  return out;
}

export function defaultMergeAttributes(): MergeAttributes {
  return DEFAULT;
}
