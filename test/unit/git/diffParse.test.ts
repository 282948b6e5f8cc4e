import { strict as assert } from 'node:assert';
import { baseRange, parsePatchU0, parseRawZ, rangesMeet } from '../../../src/git/diffParse';

describe('git/diffParse', () => {
  it('parses -z raw records, renames included', () => {
    const z = (s: string) => s.replace(/\|/g, '\0');
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const n = '0'.repeat(40);
    const out = z(`:100644 100644 ${a} ${b} M|x y.txt|:000000 100644 ${n} ${b} A|new|:100644 000000 ${a} ${n} D|gone|:100644 100644 ${a} ${b} R087|old|new\nname|`);
    assert.deepEqual(parseRawZ(out).map((c) => [c.status, c.path, c.oldPath]), [
      ['M', 'x y.txt', undefined],
      ['A', 'new', undefined],
      ['D', 'gone', undefined],
      ['R', 'new\nname', 'old'],
    ]);
  });

  it('parses -U0 patches into hunks per file, in order', () => {
    const patch = [
      'diff --git a/f b/f',
      'index 1..2 100644',
      '--- a/f',
      '+++ b/f',
      '@@ -2 +2 @@ ctx',
      '-old',
      '+new',
      '@@ -5,0 +6,2 @@',
      '+x',
      '+-- not a header',
      'diff --git a/bin b/bin',
      'index 1..2 100644',
      'Binary files a/bin and b/bin differ',
      'diff --git a/g b/g',
      'deleted file mode 100644',
      '--- a/g',
      '+++ /dev/null',
      '@@ -1,3 +0,0 @@',
      '-a',
      '-b',
      '-c',
      '\\ No newline at end of file',
      '',
    ].join('\n');
    const files = parsePatchU0(patch);
    assert.equal(files.length, 3);
    assert.deepEqual(files[0]?.hunks, [
      { oldStart: 2, oldLines: 1, newStart: 2, newLines: 1 },
      { oldStart: 5, oldLines: 0, newStart: 6, newLines: 2 },
    ]);
    assert.equal(files[0]?.additions, 3);
    assert.equal(files[0]?.deletions, 1);
    assert.equal(files[1]?.binary, true);
    assert.equal(files[2]?.deletions, 3);
  });

  it('judges base ranges like git merge: overlapping or adjacent meet, separated do not', () => {
    const mod = (s: number, n: number) => baseRange({ oldStart: s, oldLines: n, newStart: s, newLines: n });
    const ins = (after: number) => baseRange({ oldStart: after, oldLines: 0, newStart: after + 1, newLines: 1 });
    assert.ok(rangesMeet(mod(3, 2), mod(4, 1)));
    assert.ok(rangesMeet(mod(3, 2), mod(5, 1))); // adjacent
    assert.ok(!rangesMeet(mod(3, 1), mod(5, 1))); // line 4 between
    assert.ok(rangesMeet(ins(4), ins(4)));
    assert.ok(rangesMeet(mod(3, 2), ins(4))); // insertion right after a changed line
    assert.ok(!rangesMeet(mod(1, 1), ins(5)));
  });
});
