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
