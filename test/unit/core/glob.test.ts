import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import picomatch from 'picomatch';
import { compileGlobs, expandBraces, globsOverlap, normalizeGlob, ownershipOverlap } from '../../../src/core/glob';

const match = (g: string, p: string) => picomatch(g, { dot: true })(p);

describe('glob: ownership matching', () => {
  it('matches dotfiles below an owned folder and treats dir/ as dir/**', () => {
    const s = compileGlobs(['src/']);
    assert.ok(s.matches('src/a.ts'));
    assert.ok(s.matches('src/.env'));
    assert.ok(!s.matches('test/a.ts'));
  });
  it('honours negated globs', () => {
    const s = compileGlobs(['docs/**', '!docs/generated/**']);
    assert.ok(s.matches('docs/api.md'));
    assert.ok(!s.matches('docs/generated/x.md'));
  });
  it('normalizes ./ and backslashes in paths', () => {
    assert.ok(compileGlobs(['src/*.ts']).matches('./src\\a.ts'));
  });
  it('normalizes ./, . and literal .. segments in globs, negated ones too', () => {
    assert.equal(normalizeGlob('./src/**'), 'src/**');
    assert.equal(normalizeGlob('src/./lib/../*.ts'), 'src/*.ts');
    assert.equal(normalizeGlob('!./src/gen/'), '!src/gen/**');
    assert.equal(normalizeGlob('./'), '**');
    // `..` after a wildcard cannot be resolved: kept (the task file reports it)
    assert.equal(normalizeGlob('*/../x'), '*/../x');
    assert.equal(normalizeGlob('src/../../x'), '../x');
    const s = compileGlobs(['./src/**', '!./src/gen/**', 'lib/../docs/*.md']);
    assert.ok(s.matches('src/a.ts'));
    assert.ok(!s.matches('src/gen/a.ts'));
    assert.ok(s.matches('docs/api.md'));
  });
  it('a leading !( is an extglob, not a negation', () => {
    const s = compileGlobs(['!(gen)/*.ts']);
    assert.ok(s.matches('src/a.ts'));
    assert.ok(!s.matches('gen/a.ts'));
  });
  it('globs that name nothing in the workspace match nothing and do not throw', () => {
    assert.ok(!compileGlobs(['.', '  ', '/etc/passwd', '../**']).matches('etc/passwd'));
  });
});

describe('glob: overlap', () => {
  const cases: Array<[string, string, boolean]> = [
    ['src/**', 'src/a.ts', true],
    ['src/**', 'test/**', false],
    ['**/*.ts', 'docs/**', true],
    ['**/*.ts', '**/*.md', false],
    ['src/*.ts', 'src/*/x.ts', false],
    ['src/{a,b}.ts', 'src/b.ts', true],
    ['src/{a,b}.ts', 'src/c.ts', false],
    ['file[0-9].txt', 'file[a-z].txt', false],
    ['file[0-9].txt', 'file?.txt', true],
    ['file[^a].txt', 'filea.txt', false],
    ['file[!a].txt', 'file!.txt', true],
    ['a*b', 'ab', true],
    ['*.test.ts', '*.ts', true],
    ['CHANGELOG.md', '*.md', true],
    ['README.md', 'docs/**', false],
    ['**', 'x', true],
  ];
  for (const [a, b, expected] of cases) {
    it(`${a} ∩ ${b} → ${expected ? 'overlap' : 'disjoint'}`, () => {
      const w = globsOverlap(a, b);
      assert.equal(w !== undefined, expected, `witness: ${w}`);
      if (w !== undefined) {
        assert.ok(match(a, w) && match(b, w), `example ${w} must match both`);
      }
    });
  }
  it('expands nested braces and numeric ranges', () => {
    assert.deepEqual(expandBraces('a{b,c{d,e}}'), ['ab', 'acd', 'ace']);
    assert.deepEqual(expandBraces('f{1..3}'), ['f1', 'f2', 'f3']);
  });
  it('prefers a real workspace file as the example', () => {
    const r = ownershipOverlap(['src/**'], ['**/*.ts'], ['README.md', 'src/index.ts']);
    assert.equal(r?.example, 'src/index.ts');
  });
  it('returns nothing for disjoint ownership lists', () => {
    assert.equal(ownershipOverlap(['src/**', 'lib/*.js'], ['test/**', 'lib/*.ts']), undefined);
  });
  it('a folder one list excludes is not an overlap', () => {
    assert.equal(ownershipOverlap(['src/**', '!src/gen/**'], ['src/gen/**']), undefined);
    assert.equal(ownershipOverlap(['src/', '!./src/gen/'], ['src/gen/*.ts', 'src/gen/{a,b}/**']), undefined);
    assert.equal(ownershipOverlap(['src/gen/x.ts'], ['**', '!src/gen/**']), undefined);
    assert.equal(ownershipOverlap(['**', '!**'], ['**']), undefined);
  });
  it('with exclusions, the example is a path both lists own', () => {
    const a = ['src/**', '!src/a*'];
    const b = ['src/*'];
    const r = ownershipOverlap(a, b);
    assert.ok(r, 'they overlap');
    assert.ok(compileGlobs(a).matches(r.example) && compileGlobs(b).matches(r.example), r.example);
  });
  it('the example reads like a path: src/a.ts, not src/a/.ts', () => {
    assert.equal(globsOverlap('src/**', '**/*.ts'), 'src/a.ts');
    assert.equal(globsOverlap('**/*.md', 'docs/'), 'docs/a.md');
    assert.equal(globsOverlap('*.', '.*'), '.a.');
    // a path below the folder, not the folder itself
    assert.equal(globsOverlap('src/**', 'src/'), 'src/a');
  });
  it('absolute globs and .. segments match no workspace path', () => {
    assert.equal(globsOverlap('/etc/passwd', '**'), undefined);
    assert.equal(globsOverlap('../**', '**'), undefined);
  });
});

// Property: soundness. Whenever the overlap test says "disjoint", no path matches both
// globs; whenever it names an example, the example matches both.
describe('glob: overlap soundness (property-based)', () => {
  const segChar = fc.constantFrom('a', 'b', '.', '*', '?', '[ab]', '[!a]', '[^a]', '{a,b}', '!');
  const segment = fc.oneof(
    { weight: 1, arbitrary: fc.constant('**') },
    {
      weight: 6,
      arbitrary: fc
        .array(segChar, { minLength: 1, maxLength: 3 })
        .map((xs) => xs.join(''))
        .filter((s) => s !== '.' && s !== '..' && !s.startsWith('!')),
    },
  );
  const glob = fc.array(segment, { minLength: 1, maxLength: 3 }).map((xs) => xs.join('/'));
  const segChars = fc.constantFrom('a', 'b', '.', 'c', '!', '[', ']');
  // Real workspace paths never contain "." or ".." segments (the path guard refuses them).
  const pathSeg = fc
    .array(segChars, { minLength: 1, maxLength: 3 })
    .map((xs) => xs.join(''))
    .filter((s) => s !== '.' && s !== '..');
  const path = fc.array(pathSeg, { minLength: 1, maxLength: 4 }).map((xs) => xs.join('/'));

  it('disjoint means no path matches both', () => {
    fc.assert(
      fc.property(glob, glob, fc.array(path, { minLength: 20, maxLength: 40 }), (a, b, paths) => {
        if (globsOverlap(a, b) !== undefined) return true;
        return paths.every((p) => !(match(a, p) && match(b, p)));
      }),
      { numRuns: 3000 },
    );
  });

  // Exclusions: a folder or a repeated glob (what globContains recognises), or any glob.
  const exclusion = fc.oneof(glob.map((g) => '!' + g), fc.constantFrom('!a/**', '!a/', '!b/**', '!**', '!{a,b}/**'));
  const ownsList = fc
    .tuple(fc.array(glob, { minLength: 1, maxLength: 2 }), fc.array(exclusion, { maxLength: 2 }))
    .map(([pos, neg]) => [...pos, ...neg]);
  it('with exclusions, disjoint lists own no path in common', () => {
    fc.assert(
      fc.property(ownsList, ownsList, fc.array(path, { minLength: 20, maxLength: 40 }), (a, b, paths) => {
        if (ownershipOverlap(a, b) !== undefined) return true;
        const sa = compileGlobs(a);
        const sb = compileGlobs(b);
        return paths.every((p) => !(sa.matches(p) && sb.matches(p)));
      }),
      { numRuns: 1500 },
    );
  });

  // picomatch lets `**` match nothing only after a star-free segment (`*/**` does not match
  // "a"); the model widens there, so examples are checked on globs without that shape.
  // Bracket expressions are also matched literally in some positions only, and `**`
  // inside a segment crosses folders in some positions only: leave those out too.
  const exactGlob = glob.filter(
    (g) =>
      !/\*[^/]*\/\*\*/.test(g) &&
      !g.includes('[') &&
      !g.includes('.') && // picomatch's `*.*` does not match "a.": dots near stars are special
      !g.split('/').some((s) => s !== '**' && s.includes('**')),
  );
  it('a reported example matches both globs', () => {
    fc.assert(
      fc.property(exactGlob, exactGlob, (a, b) => {
        const w = globsOverlap(a, b);
        return w === undefined || (match(a, w) && match(b, w));
      }),
      { numRuns: 3000 },
    );
  });

  // Examples read like paths: no empty segment and no segment made only of dots, as long
  // as both globs allow one (`..?` and `?..` share only "...": those are left out).
  const readableSegment = fc
    .array(fc.constantFrom('a', 'b', '.', '*', '[ab]', '[!a]', '{a,b}', '*.ts', '.*'), { minLength: 1, maxLength: 3 })
    .map((xs) => xs.join(''))
    .filter((s) => !/^\.+$/.test(s) && !s.startsWith('!'));
  const readableGlob = fc
    .array(fc.oneof({ weight: 1, arbitrary: fc.constant('**') }, { weight: 5, arbitrary: readableSegment }), { minLength: 1, maxLength: 3 })
    .map((xs) => xs.join('/'));
  it('the example has no empty or dot-only segment', () => {
    fc.assert(
      fc.property(readableGlob, readableGlob, (a, b) => {
        const w = globsOverlap(a, b);
        return w === undefined || w.split('/').every((s) => s !== '' && !/^\.+$/.test(s));
      }),
      { numRuns: 3000 },
    );
  });

  it('a path matching both is never called disjoint (targeted: globs from the path)', () => {
    fc.assert(
      fc.property(path, fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), (p, flips) => {
        // Derive two globs that both match p by widening random parts of it.
        const widen = (offset: number) =>
          p
            .split('/')
            .map((s, i) => (flips[(i + offset) % 8] ? '*' : s))
            .join('/');
        const a = widen(0);
        const b = flips[7] ? '**/' + p.split('/').slice(-1)[0] : widen(3);
        if (a.startsWith('!') || b.startsWith('!') || !(match(a, p) && match(b, p))) return true;
        return globsOverlap(a, b) !== undefined;
      }),
      { numRuns: 2000 },
    );
  });
});
