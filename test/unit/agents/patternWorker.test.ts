import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { compileGlobs } from '../../../src/core/glob';
import { compileGlobSource, compileSearchRegex, evaluatePatterns, PatternCostError } from '../../../src/core/patternWorker';

describe('core/patternWorker', () => {
  it('keeps the paths compileGlobs matches (the same picomatch semantics, off the main thread)', async () => {
    const segChar = fc.constantFrom('a', 'b', '.', '*', '?', '[ab]', '{a,b}', '@(a|b)');
    const segment = fc.oneof(
      { weight: 1, arbitrary: fc.constant('**') },
      { weight: 5, arbitrary: fc.array(segChar, { minLength: 1, maxLength: 3 }).map((xs) => xs.join('')) },
    );
    const glob = fc
      .tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 3 }).map((xs) => xs.join('/')))
      .map(([neg, g]) => (neg ? `!${g}` : g));
    const pathSeg = fc.array(fc.constantFrom('a', 'b', '.', 'c'), { minLength: 1, maxLength: 3 }).map((xs) => xs.join('')).filter((s) => s !== '.' && s !== '..');
    const path = fc.array(pathSeg, { minLength: 1, maxLength: 4 }).map((xs) => xs.join('/'));
    await fc.assert(
      fc.asyncProperty(fc.array(glob, { minLength: 1, maxLength: 3 }), fc.array(path, { minLength: 1, maxLength: 30 }), async (globs, paths) => {
        const expected = paths.map((_, i) => i).filter((i) => compileGlobs(globs).matches(paths[i] as string));
        const r = await evaluatePatterns({ glob: compileGlobSource(globs), items: paths.map((p) => ({ path: p })) }, { what: 'the glob' });
        assert.deepEqual(r.paths, expected, JSON.stringify({ globs, paths }));
      }),
      { numRuns: 300 },
    );
  });

  it('finds lines of texts (CRLF or not) and single lines, up to maxHits', async () => {
    const regex = compileSearchRegex('b+');
    const items = [{ path: 'x', text: 'abc\r\nnone\nbb\n' }, { path: 'y', text: 'b', line: 7 }, { path: 'z', text: 'bbb' }];
    const all = await evaluatePatterns({ regex, items }, { what: 'the pattern' });
    assert.deepEqual(all.hits, [
      { item: 0, line: 1, text: 'abc' },
      { item: 0, line: 3, text: 'bb' },
      { item: 1, line: 7, text: 'b' },
      { item: 2, line: 1, text: 'bbb' },
    ]);
    assert.equal((await evaluatePatterns({ regex, items, maxHits: 2 }, { what: 'the pattern' })).hits.length, 2);
  });

  it('refuses invalid and overlong patterns, and stops one that runs past its budget', async () => {
    assert.throws(() => compileSearchRegex('('), /Invalid regular expression "\("/);
    assert.throws(() => compileSearchRegex('a'.repeat(2001)), /at most 2000/);
    assert.throws(() => compileGlobSource(['*'.repeat(1001)]), /at most 1000/);
    const slow = evaluatePatterns({ regex: compileSearchRegex('^(a+)+$'), items: [{ path: 'f', text: 'a'.repeat(40) + '!' }] }, { what: 'the search pattern "^(a+)+$"', budgetMs: 200 });
    await assert.rejects(slow, (e: Error) => e instanceof PatternCostError && /^The search pattern "\^\(a\+\)\+\$" is too costly: it ran for more than 200 ms on 42 characters/.test(e.message));
    // the pool recovers: the next job gets a fresh worker
    assert.equal((await evaluatePatterns({ regex: compileSearchRegex('a'), items: [{ path: 'f', text: 'a' }] }, { what: 'x' })).hits.length, 1);
  });
});
