// Ownership globs: one matcher for the plan, the agents' file tools and the git analysis,
// and a *sound* overlap test (when it says two globs are disjoint, no path matches both).
//
// Matching is picomatch with `dot: true` (a task that owns `src/**` owns `src/.env` too).
// The overlap test works on an over-approximation of each glob's language: brace
// alternatives are expanded, `**` segments match any number of segments, and anything
// it does not model exactly (extglobs, POSIX classes) is widened to `*`. Widening can
// only turn "disjoint" into "may overlap", never the other way round.
import picomatch from 'picomatch';

const PM_OPTIONS = { dot: true } as const;

/** Workspace-relative path with forward slashes, no leading `./`. */
export function normalizeRelPath(p: string): string {
  let s = p.replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  return s.replace(/\/{2,}/g, '/');
}

/** A leading `!` excludes; `!(…)` is an extglob ("anything but …"), not an exclusion. */
export function isNegatedGlob(glob: string): boolean {
  const g = glob.trim();
  return g.startsWith('!') && !g.startsWith('!(');
}

/**
 * `dir/` means everything below `dir`; `.` segments are dropped and `x/..` cancels when
 * `x` is a plain name (`./src/**` is `src/**`, `lib/../docs/*` is `docs/*`). A `..` that
 * cannot cancel (leading, or after a wildcard) and a leading `/` are kept: such globs
 * match no workspace path, and the task file reports them (see globScope.ts). A glob
 * that names the workspace folder itself (`.`) becomes the empty string (matches nothing).
 */
export function normalizeGlob(glob: string): string {
  const g = glob.trim();
  if (isNegatedGlob(g)) return '!' + normalizeGlob(g.slice(1));
  const s = g.replace(/\\/g, '/').replace(/\/{2,}/g, '/');
  const below = s.endsWith('/');
  const parts = resolveDotSegments(s.split('/').slice(0, below ? -1 : undefined));
  if (below) parts.push('**');
  // [''] is the root of an absolute glob ("/" or "/.")
  return parts.length === 1 && parts[0] === '' ? '/' : parts.join('/');
}

const GLOB_MAGIC = /[*?[\]{}()!+@]/;

function resolveDotSegments(segments: readonly string[]): string[] {
  const out: string[] = [];
  for (const seg of segments) {
    if (seg === '.') continue;
    const prev = out[out.length - 1];
    // '' first is the root of an absolute glob: nothing to cancel there.
    if (seg === '..' && prev !== undefined && prev !== '' && prev !== '..' && !GLOB_MAGIC.test(prev)) {
      out.pop();
      continue;
    }
    out.push(seg);
  }
  return out;
}

export interface GlobSet {
  readonly globs: readonly string[];
  matches(path: string): boolean;
}

/** Matches when any positive glob matches and no `!negated` glob does. */
export function compileGlobs(globs: readonly string[]): GlobSet {
  const positive: string[] = [];
  const negative: string[] = [];
  for (const raw of globs) {
    const g = normalizeGlob(raw);
    if (isNegatedGlob(g)) negative.push(g.slice(1));
    else positive.push(g);
  }
  const matcher = (list: string[]) => {
    const usable = list.filter((g) => g !== ''); // picomatch refuses empty patterns; they match nothing
    return usable.length ? picomatch(usable, PM_OPTIONS) : () => false;
  };
  const pos = matcher(positive);
  const neg = matcher(negative);
  return {
    globs,
    matches: (path: string) => {
      const p = normalizeRelPath(path);
      return pos(p) && !neg(p);
    },
  };
}

// ---------------------------------------------------------------------------
// Overlap

type Token =
  | { kind: 'lit'; ch: string }
  | { kind: 'any' } // ?
  | { kind: 'star' } // * (any run of characters within one segment)
  | { kind: 'set'; chars: Set<string>; negated: boolean }; // [abc], [a-z], [!x]

type Segment = { kind: 'globstar' } | { kind: 'seg'; tokens: Token[] };

// The alphabet used to decide character classes and to pick witness characters:
// printable ASCII without '/'. Characters outside it only ever appear as literals.
const ALPHABET: string[] = [];
for (let c = 0x20; c < 0x7f; c++) if (c !== 0x2f) ALPHABET.push(String.fromCharCode(c));
const PREFERRED = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Expands `{a,b}` alternatives (nested too). Unbalanced braces are kept literally. */
export function expandBraces(glob: string, limit = 256): string[] {
  const open = findTopBrace(glob);
  if (!open) return [glob];
  const { start, end, parts } = open;
  const head = glob.slice(0, start);
  const tail = glob.slice(end + 1);
  const out: string[] = [];
  for (const part of parts) {
    for (const e of expandBraces(head + part + tail, limit)) {
      out.push(e);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

function findTopBrace(g: string): { start: number; end: number; parts: string[] } | undefined {
  for (let i = 0; i < g.length; i++) {
    if (g[i] === '\\') {
      i++;
      continue;
    }
    if (g[i] !== '{') continue;
    let depth = 0;
    let partStart = i + 1;
    const parts: string[] = [];
    for (let j = i; j < g.length; j++) {
      const c = g[j];
      if (c === '\\') {
        j++;
        continue;
      }
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) {
          parts.push(g.slice(partStart, j));
          if (parts.length < 2) {
            const range = /^(-?\d+)\.\.(-?\d+)$/.exec(parts[0] ?? '');
            if (!range) break; // `{x}` is literal in picomatch
            const a = Number(range[1]);
            const b = Number(range[2]);
            const step = a <= b ? 1 : -1;
            const nums: string[] = [];
            for (let n = a; nums.length < 256; n += step) {
              nums.push(String(n));
              if (n === b) break;
            }
            return { start: i, end: j, parts: nums };
          }
          return { start: i, end: j, parts };
        }
      } else if (c === ',' && depth === 1) {
        parts.push(g.slice(partStart, j));
        partStart = j + 1;
      }
    }
  }
  return undefined;
}

function parseSegment(seg: string): Segment {
  if (seg === '**') return { kind: 'globstar' };
  // Extglobs such as @(a|b), !(x), +(y) are widened to `*`.
  if (/[@!+*?]\(/.test(seg)) return { kind: 'seg', tokens: [{ kind: 'star' }] };
  const tokens: Token[] = [];
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i] as string;
    if (c === '\\' && i + 1 < seg.length) {
      tokens.push({ kind: 'lit', ch: seg[++i] as string });
    } else if (c === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') {
      tokens.push({ kind: 'any' });
    } else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) {
        tokens.push({ kind: 'lit', ch: c });
        continue;
      }
      const body = seg.slice(i + 1, close);
      i = close;
      if (body.includes('[:')) {
        tokens.push({ kind: 'any' }); // POSIX class: widened to any character
        continue;
      }
      tokens.push(classToken(body));
    } else {
      tokens.push({ kind: 'lit', ch: c });
    }
  }
  return { kind: 'seg', tokens };
}

function classToken(body: string): Token {
  // picomatch negates with `^` only; in `[!a]` the `!` is an ordinary member.
  const negated = body.startsWith('^');
  const b = negated ? body.slice(1) : body;
  const inClass = new Set<string>();
  for (let i = 0; i < b.length; i++) {
    let c = b[i] as string;
    if (c === '\\' && i + 1 < b.length) c = b[++i] as string;
    if (b[i + 1] === '-' && i + 2 < b.length) {
      const lo = c.charCodeAt(0);
      const hi = (b[i + 2] as string).charCodeAt(0);
      for (let x = lo; x <= hi; x++) inClass.add(String.fromCharCode(x));
      i += 2;
    } else inClass.add(c);
  }
  return { kind: 'set', chars: inClass, negated };
}

function parseGlob(glob: string): Segment[] {
  // (picomatch's `*/**` does not match "a" although `a/**` matches "a"; the model lets
  // every `**` match nothing, which only widens.)
  const out: Segment[] = [];
  for (const s of glob.split('/').filter((s, i, all) => s !== '' || (i > 0 && i < all.length - 1))) {
    if (s !== '**' && s.includes('**')) {
      // `**` inside a segment sometimes crosses folders in picomatch (`**.ts` matches
      // "a/b.ts"): model it as any folders, the segment, any folders.
      out.push({ kind: 'globstar' }, parseSegment(s.replace(/\*\*+/g, '*')), { kind: 'globstar' });
    } else out.push(parseSegment(s));
  }
  return out;
}

/** Characters both tokens accept at one position (as a small candidate list). */
function commonChars(a: Token, b: Token, prefer: string): string[] {
  const candidates: string[] = [];
  if (a.kind === 'lit') candidates.push(a.ch);
  else if (b.kind === 'lit') candidates.push(b.ch);
  else if (a.kind === 'set' && !a.negated) candidates.push(...a.chars);
  else if (b.kind === 'set' && !b.negated) candidates.push(...b.chars);
  else candidates.push(...prefer, ...ALPHABET, 'é', '\u4e00');
  const ok = candidates.filter((ch) => accepts(a, ch) && accepts(b, ch));
  ok.sort((x, y) => rank(x, prefer) - rank(y, prefer));
  // One ordinary character is enough (the next state does not depend on which), plus
  // "." when allowed, which matters only for the segment's shape (see Shape).
  const plain = ok.find((c) => c !== '.');
  return [...(plain !== undefined ? [plain] : []), ...(ok.includes('.') ? ['.'] : [])];
}

function accepts(t: Token, ch: string): boolean {
  if (ch === '/') return false;
  if (t.kind === 'lit') return t.ch === ch;
  if (t.kind === 'set') return t.chars.has(ch) !== t.negated;
  return true;
}

function rank(ch: string, prefer: string): number {
  const i = prefer.indexOf(ch);
  return i < 0 ? 100 + ch.charCodeAt(0) : i;
}

/**
 * The shape of a segment's text so far. "", "." and ".." are never a segment of a real
 * path; of the rest, a name that starts with an ordinary character reads best ("a.ts"),
 * then a dotfile (".a"), then a name made only of dots ("..."), which is kept only when
 * nothing else matches both (soundness: "..." is a legal file name).
 */
const Shape = { empty: 0, dot: 1, dotDot: 2, dots: 3, dotName: 4, name: 5 } as const;
type Shape = (typeof Shape)[keyof typeof Shape];

function nextShape(shape: Shape, ch: string): Shape {
  if (shape === Shape.empty) return ch === '.' ? Shape.dot : Shape.name;
  if (shape === Shape.dot || shape === Shape.dotDot || shape === Shape.dots) {
    if (ch !== '.') return Shape.dotName;
    return shape === Shape.dot ? Shape.dotDot : Shape.dots;
  }
  return shape;
}

/**
 * Shortest segment matched by both segment patterns in the best shape available, or
 * undefined when their languages are disjoint. Breadth-first search over the product of
 * the two patterns and the shape.
 */
function intersectSegments(a: Token[], b: Token[], prefer = PREFERRED): string | undefined {
  type State = { i: number; j: number; shape: Shape };
  const key = (s: State) => `${s.i},${s.j},${s.shape}`;
  const seen = new Map<string, { prev?: string; ch?: string }>();
  const queue: State[] = [];
  const push = (s: State, prev: string | undefined, ch: string | undefined) => {
    const k = key(s);
    if (seen.has(k)) return;
    const entry: { prev?: string; ch?: string } = {};
    if (prev !== undefined) entry.prev = prev;
    if (ch !== undefined) entry.ch = ch;
    seen.set(k, entry);
    queue.push(s);
  };
  const text = (k: string) => {
    let out = '';
    for (let cur: string | undefined = k; cur !== undefined; cur = seen.get(cur)?.prev) out = (seen.get(cur)?.ch ?? '') + out;
    return out;
  };
  let fallback: { shape: Shape; key: string } | undefined;
  push({ i: 0, j: 0, shape: Shape.empty }, undefined, undefined);
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q] as State;
    const k = key(s);
    if (s.i === a.length && s.j === b.length && s.shape >= Shape.dots) {
      if (s.shape === Shape.name) return text(k);
      if (!fallback || s.shape > fallback.shape) fallback = { shape: s.shape, key: k };
    }
    const ta = a[s.i];
    const tb = b[s.j];
    // epsilon: a star may match nothing
    if (ta?.kind === 'star') push({ ...s, i: s.i + 1 }, k, '');
    if (tb?.kind === 'star') push({ ...s, j: s.j + 1 }, k, '');
    if (!ta || !tb) continue;
    for (const ch of commonChars(ta, tb, prefer)) {
      push({ i: ta.kind === 'star' ? s.i : s.i + 1, j: tb.kind === 'star' ? s.j : s.j + 1, shape: nextShape(s.shape, ch) }, k, ch);
    }
  }
  return fallback && text(fallback.key);
}

/**
 * Paths matched by both segment lists (over-approximated), as candidate examples in
 * depth-first order, shortest first (a `**` matching nothing is tried before it swallows
 * a segment). An empty generator means the globs are disjoint.
 */
function* intersectPaths(a: Segment[], b: Segment[], prefer = PREFERRED): Generator<string[]> {
  const any: Token[] = [{ kind: 'star' }];
  const tokens = (s: Segment) => (s.kind === 'seg' ? s.tokens : any);
  const dead = new Set<string>(); // (i, j) pairs known to have no completion
  function* go(i: number, j: number): Generator<string[]> {
    const k = `${i},${j}`;
    if (dead.has(k)) return;
    let found = false;
    const sa = a[i];
    const sb = b[j];
    if (!sa && !sb) {
      found = true;
      yield [];
    } else if (sa?.kind === 'globstar' || sb?.kind === 'globstar') {
      if (sa?.kind === 'globstar' && sb?.kind === 'globstar' && i === a.length - 1 && j === b.length - 1) {
        // both end in `**`: a path below the folder (`dir/a`) reads better than the folder
        found = true;
        yield [intersectSegments(any, any, prefer) as string];
      }
      // the globstar matches nothing, or swallows one of the other side's segments
      if (sa?.kind === 'globstar') for (const rest of go(i + 1, j)) ((found = true), yield rest);
      if (sb?.kind === 'globstar') for (const rest of go(i, j + 1)) ((found = true), yield rest);
      if (sa?.kind === 'globstar' && sb) {
        const seg = intersectSegments(any, tokens(sb), prefer);
        if (seg !== undefined) for (const rest of go(i, j + 1)) ((found = true), yield [seg, ...rest]);
      }
      if (sb?.kind === 'globstar' && sa) {
        const seg = intersectSegments(tokens(sa), any, prefer);
        if (seg !== undefined) for (const rest of go(i + 1, j)) ((found = true), yield [seg, ...rest]);
      }
    } else if (sa && sb) {
      const seg = intersectSegments(sa.tokens, sb.tokens, prefer);
      if (seg !== undefined) for (const rest of go(i + 1, j + 1)) ((found = true), yield [seg, ...rest]);
    }
    if (!found) dead.add(k);
  }
  for (const w of go(0, 0)) yield w.length ? w : ['file'];
}

/**
 * The languages a glob may denote: its brace expansions, and for bracket expressions
 * also their literal reading (picomatch matches `[ab]` against the text "[ab]" too).
 */
function variants(glob: string): string[] {
  const out: string[] = [];
  for (const e of expandBraces(glob)) {
    out.push(e);
    if (e.includes('[')) out.push(e.replace(/[[\]]/g, (c) => '\\' + c));
  }
  return out;
}

/** Character orders for examples: when the first example is excluded, try other names. */
const PREFERENCES = [PREFERRED, 'xyzwvutsrqponmlkjihgfedcba9876543210', 'mnopqrstuvwxyzabcdefghijkl0123456789'];

/**
 * An example path matched by two normalized, positive globs, or undefined when no path
 * matches both (sound). Candidates come from the over-approximating model: the first
 * that picomatch confirms for both globs and `wanted` accepts is the example, else the
 * first confirmed one, else the first candidate (the globs may still overlap, so calling
 * them disjoint would be unsound).
 */
function overlapExample(ga: string, gb: string, wanted?: (path: string) => boolean): string | undefined {
  // Exclusions own nothing; absolute globs and empty ones match no workspace path.
  for (const g of [ga, gb]) if (g === '' || g.startsWith('/') || isNegatedGlob(g)) return undefined;
  const ma = picomatch(ga, PM_OPTIONS);
  const mb = picomatch(gb, PM_OPTIONS);
  let first: string | undefined;
  let confirmed: string | undefined;
  for (const prefer of wanted ? PREFERENCES : [PREFERRED]) {
    for (const ea of variants(ga)) {
      for (const eb of variants(gb)) {
        let tries = 0;
        for (const w of intersectPaths(parseGlob(ea), parseGlob(eb), prefer)) {
          const p = w.join('/');
          first ??= p;
          if (ma(p) && mb(p)) {
            if (!wanted || wanted(p)) return p;
            confirmed ??= p;
          }
          if (++tries >= 16) break;
        }
      }
    }
    if (first === undefined) return undefined; // disjoint, whatever the names
  }
  return confirmed ?? first;
}

/**
 * Whether some path can match both globs; returns an example path when it can.
 * Sound: `undefined` means no path matches both.
 */
export function globsOverlap(a: string, b: string): string | undefined {
  return overlapExample(normalizeGlob(a), normalizeGlob(b));
}

/**
 * A sound, partial test that every path `inner` matches, `outer` matches too: equal
 * globs, or `outer` is a plain folder's `dir/**` (or `**`) and `inner` lies below that
 * folder. Enough for exclusions, which are almost always `!folder/` or a repeated glob.
 */
function globContains(outer: string, inner: string): boolean {
  const inners = expandBraces(inner);
  if (inners.length >= 256) return false; // expansion cut short: not every alternative seen
  const folders = expandBraces(outer);
  return inners.every((i) => folders.some((o) => i === o || belowFolder(o, i)));
}

function belowFolder(outer: string, inner: string): boolean {
  if (outer !== '**' && !outer.endsWith('/**')) return false;
  const folder = outer === '**' ? [] : outer.slice(0, -'/**'.length).split('/');
  if (folder.some((s) => s === '' || s === '..' || GLOB_MAGIC.test(s))) return false;
  const segments = inner.split('/');
  return folder.every((s, k) => segments[k] === s);
}

export interface OwnershipOverlap {
  globA: string;
  globB: string;
  example: string;
}

/**
 * First pair of globs from two ownership lists that can match one path, with an example
 * path both lists own (a real workspace file when `files` are given and one is owned by
 * both). Exclusions (`!glob`) count: a pair is skipped when an exclusion in either list
 * covers one of its globs (`src/**` with `!src/gen/**` against `src/gen/**`), and the
 * example is chosen among paths no exclusion removes. Sound: `undefined` means no path
 * is owned by both lists.
 */
const plainCache = new WeakMap<readonly string[], string[] | null>();

/** The globs normalized, when every one is a plain path (matches itself only); else null. */
export function plainPaths(globs: readonly string[]): string[] | null {
  let v = plainCache.get(globs);
  if (v === undefined) {
    const n = globs.map(normalizeGlob);
    v = n.every((g) => g !== '' && g !== '/' && !isNegatedGlob(g) && !GLOB_MAGIC.test(g)) ? n : null;
    plainCache.set(globs, v);
  }
  return v;
}

export function ownershipOverlap(
  a: readonly string[],
  b: readonly string[],
  files?: Iterable<string>,
): OwnershipOverlap | undefined {
  // Plain paths (the common `owns: [a file]`) share a path only when they are the same one:
  // no glob algebra per pair of tasks (planning 1,000 tasks was quadratic in picomatch).
  const plainA = plainPaths(a);
  const plainB = plainA && plainPaths(b);
  if (plainA && plainB && !plainA.some((x) => plainB.includes(x))) return undefined;
  const na = a.map(normalizeGlob);
  const nb = b.map(normalizeGlob);
  const excluded = [...na, ...nb].filter(isNegatedGlob).map((g) => g.slice(1));
  const sa = compileGlobs(a);
  const sb = compileGlobs(b);
  const ownedByBoth = (p: string) => sa.matches(p) && sb.matches(p);
  const pairs: OwnershipOverlap[] = [];
  na.forEach((ga, ia) => {
    nb.forEach((gb, ib) => {
      // (a negated glob never overlaps: overlapExample says so)
      if (excluded.some((x) => globContains(x, ga) || globContains(x, gb))) return;
      const example = overlapExample(ga, gb, ownedByBoth);
      if (example !== undefined) pairs.push({ globA: a[ia] as string, globB: b[ib] as string, example });
    });
  });
  if (!pairs.length) return undefined;
  if (files) {
    for (const f of files) {
      if (!ownedByBoth(f)) continue;
      const pair = pairs.find((p) => compileGlobs([p.globA]).matches(f) && compileGlobs([p.globB]).matches(f)) ?? (pairs[0] as OwnershipOverlap);
      return { ...pair, example: f };
    }
  }
  return pairs.find((p) => ownedByBoth(p.example)) ?? pairs[0];
}
