import * as assert from 'node:assert/strict';
import { acceptTitle, parseConflicts, resolveConflict } from '../../../src/vscode/conflictMarkers';

const TEXT = [
  'intro',
  '<<<<<<< unit-tests, api-docs',
  'ours 1',
  'ours 2',
  '=======',
  'theirs 1',
  '>>>>>>> changelog',
  'middle',
  '<<<<<<< working tree',
  'mine',
  '||||||| base',
  'old',
  '=======',
  'task',
  '>>>>>>> lint',
  'end',
].join('\n');

describe('vscode/conflictMarkers', () => {
  it('finds each complete region with its labels and sides', () => {
    const [a, b] = parseConflicts(TEXT);
    assert.ok(a && b);
    assert.deepEqual(a.range, { start: 1, end: 7 });
    assert.equal(a.oursLabel, 'unit-tests, api-docs');
    assert.equal(a.theirsLabel, 'changelog');
    assert.deepEqual(a.ours, { start: 2, end: 4 });
    assert.deepEqual(a.theirs, { start: 5, end: 6 });
    assert.equal(a.base, undefined);
    assert.deepEqual(b.base, { start: 11, end: 12 });
    assert.deepEqual(b.ours, { start: 9, end: 10 });
    assert.equal(b.oursLabel, 'working tree');
    assert.equal(b.markers.base, 10);
  });

  it('resolves a region to either side or both', () => {
    const [a, b] = parseConflicts(TEXT);
    assert.ok(a && b);
    assert.equal(resolveConflict(TEXT, a, 'ours').split('\n').slice(0, 4).join('|'), 'intro|ours 1|ours 2|middle');
    assert.equal(resolveConflict(TEXT, a, 'theirs').split('\n').slice(0, 3).join('|'), 'intro|theirs 1|middle');
    assert.equal(resolveConflict(TEXT, b, 'both').split('\n').slice(-3).join('|'), 'mine|task|end');
  });

  it('ignores incomplete regions and keeps CRLF', () => {
    assert.deepEqual(parseConflicts('<<<<<<< a\nx\n=======\ny\n'), []);
    assert.deepEqual(parseConflicts('<<<<<<< a\nx\n<<<<<<< b\n1\n=======\n2\n>>>>>>> c\n').map((c) => c.oursLabel), ['b']);
    const crlf = TEXT.replace(/\n/g, '\r\n');
    const [a] = parseConflicts(crlf);
    assert.ok(a);
    assert.ok(resolveConflict(crlf, a, 'ours').startsWith('intro\r\nours 1\r\n'));
  });

  it('names the sides for the CodeLens', () => {
    assert.equal(acceptTitle('lint'), 'Accept lint');
    assert.equal(acceptTitle('working tree'), 'Accept Yours (working tree)');
  });
});

describe('vscode/conflictMarkers: only the regions apply wrote', () => {
  // A documentation file that shows conflict markers as examples (git's own
  // Documentation/git-merge.adoc sets conflict-marker-size=32 for this reason).
  const DOC = [
    'When a merge conflicts, git writes:',
    '',
    '<<<<<<< yours:sample.txt',
    'Conflict resolution is hard;',
    '=======',
    'Git makes conflict resolution easy.',
    '>>>>>>> theirs:sample.txt',
    '',
    'and you pick a side.',
  ];
  const big = (c: string, label?: string) => c.repeat(32) + (label ? ` ${label}` : '');

  it('honours the marker size: 32-character markers, the 7-character examples inside are text', () => {
    const text = [
      'intro',
      big('<', 'working tree'),
      ...DOC,
      big('='),
      'the agent rewrote the docs',
      big('>', 'docs'),
      'end',
    ].join('\n');
    const regions = parseConflicts(text, { markerSize: 32, labels: ['working tree', 'docs'] });
    assert.equal(regions.length, 1);
    const [r] = regions;
    assert.ok(r);
    assert.deepEqual(r.range, { start: 1, end: DOC.length + 5 });
    assert.deepEqual(r.ours, { start: 2, end: 2 + DOC.length });
    assert.equal(r.oursLabel, 'working tree');
    assert.equal(r.theirsLabel, 'docs');
    // Accepting the user's side keeps the documentation's examples intact.
    assert.equal(resolveConflict(text, r, 'ours'), ['intro', ...DOC, 'end'].join('\n'));
    // The default size sees none of the 32-character markers, and the examples are not ours.
    assert.deepEqual(parseConflicts(text, { labels: ['working tree', 'docs'] }), []);
  });

  it('ignores marker-like text whose labels apply did not write', () => {
    const text = ['a', ...DOC, 'b'].join('\n');
    assert.deepEqual(parseConflicts(text, { labels: ['working tree', 'changelog'] }), []);
    // Without labels (no apply to go by) it is parsed as before.
    assert.equal(parseConflicts(text).length, 1);
  });

  it('recognises apply\'s labels: "working tree", task ids, several ids joined, and skips a look-alike inside', () => {
    const text = [
      '<<<<<<< unit-tests, api-docs',
      'ours',
      '=======',
      'theirs',
      '>>>>>>> changelog',
      ...DOC,
      '<<<<<<< working tree',
      'mine',
      '=======',
      'x',
      '>>>>>>> theirs:sample.txt',
      'still theirs',
      '>>>>>>> lint',
    ].join('\n');
    const regions = parseConflicts(text, { labels: ['working tree', 'unit-tests', 'api-docs', 'changelog', 'lint'] });
    assert.deepEqual(regions.map((r) => `${r.oursLabel}|${r.theirsLabel}|${r.range.start}`), ['unit-tests, api-docs|changelog|0', `working tree|lint|${5 + DOC.length}`]);
    const last = regions[1];
    assert.ok(last);
    assert.deepEqual(last.theirs, { start: 8 + DOC.length, end: 11 + DOC.length });
  });

  it('does not take a longer or shorter run of marker characters for a marker', () => {
    const text = ['<<<<<<<< a', 'x', '========', 'y', '>>>>>>>> a', '<<<<<< a', 'x', '======', 'y', '>>>>>> a'].join('\n');
    assert.deepEqual(parseConflicts(text, { labels: ['a'] }), []);
  });
});
