import { strict as assert } from 'node:assert';
import { applyRun } from '../../../src/git/apply';
import { undoApply } from '../../../src/git/undo';
import { cleanupRepos, makeRepo, mapsEqual } from './helpers';
import { Scenario } from './scenario';

const lines = (n: number, f = (i: number) => `line ${i}`) => Array.from({ length: n }, (_, i) => f(i + 1)).join('\n') + '\n';
const edit = (text: string, lineNo: number, repl: string) => {
  const l = text.split('\n');
  l[lineNo - 1] = repl;
  return l.join('\n');
};
const crlf = (s: string) => s.replace(/\n/g, '\r\n');
const utf16 = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);

describe('git/apply and undo with .gitattributes', () => {
  after(cleanupRepos);

  it('writes what a checkout would (eol=crlf, working-tree-encoding, filters), merges in blob space, undo is byte-exact', async () => {
    const base = lines(30);
    const t = makeRepo({
      '.gitattributes': '*.bat text eol=crlf\n*.u16 text working-tree-encoding=UTF-16LE-BOM\n*.up filter=upper\n',
      'build.bat': crlf(base),
      'mixed.bat': 'one\r\ntwo\nthree\r\n',
      'lf-only.bat': 'left\nas LF\n',
      'names.u16': utf16(base),
      'shout.up': 'abc\n',
      'plain.txt': base,
    });
    t.git('config', 'filter.upper.smudge', 'tr a-z A-Z');
    t.git('config', 'filter.upper.clean', 'tr A-Z a-z');
    // git stored the cleaned (LF, UTF-8, lower-case) contents
    assert.equal(t.git('cat-file', 'blob', 'HEAD:build.bat'), base);
    assert.equal(t.git('cat-file', 'blob', 'HEAD:names.u16'), base);
    const s = await Scenario.start(t);
    try {
      // tasks see and write blobs (normalised content), as the overlay gives them
      await s.task('a', ['**'], {
        'build.bat': edit(base, 5, 'set A=5'),
        'mixed.bat': 'one\ntwo by a\nthree\n',
        'lf-only.bat': 'left\nas LF, edited\n',
        'names.u16': edit(base, 5, 'name by a'),
        'shout.up': 'abc\ndef\n',
        'plain.txt': edit(base, 5, 'plain by a'),
        'new.bat': 'echo new\n',
        'new.u16': 'wide\n',
      });
      // the user edits other lines meanwhile, in the working tree's encoding and line endings
      t.write('build.bat', crlf(edit(base, 20, 'set USER=20')));
      t.write('names.u16', utf16(edit(base, 20, 'name by user')));
      const files0 = t.files();

      const r = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks, reader: s.reader });
      assert.deepEqual(r.conflicts, []);
      assert.deepEqual(r.binaryConflicts, []);
      assert.deepEqual(r.merged.sort(), ['build.bat', 'names.u16']);
      assert.equal(t.read('build.bat').toString('utf8'), crlf(edit(edit(base, 5, 'set A=5'), 20, 'set USER=20')));
      assert.equal(t.read('mixed.bat').toString('utf8'), 'one\r\ntwo by a\r\nthree\r\n');
      assert.equal(t.read('lf-only.bat').toString('utf8'), 'left\r\nas LF, edited\r\n');
      assert.ok(t.read('names.u16').equals(utf16(edit(edit(base, 5, 'name by a'), 20, 'name by user'))));
      assert.equal(t.text('shout.up'), 'ABC\nDEF\n');
      assert.equal(t.text('plain.txt'), edit(base, 5, 'plain by a'));
      assert.equal(t.read('new.bat').toString('utf8'), 'echo new\r\n');
      assert.ok(t.read('new.u16').equals(utf16('wide\n')));
      // git sees exactly the tasks' and the user's changes, nothing else
      assert.equal(t.git('status', '--porcelain', '--', 'build.bat').trim(), 'M build.bat');

      const u = await undoApply(s.repo, s.runId);
      assert.deepEqual(u.removed.sort(), ['new.bat', 'new.u16']);
      assert.deepEqual(mapsEqual(files0, t.files()), []);
    } finally {
      s.dispose();
    }
  });

  it('follows core.autocrlf', async () => {
    const t = makeRepo();
    t.git('config', 'core.autocrlf', 'true');
    t.write('notes.txt', 'one\r\ntwo\r\n');
    t.commitAll('initial');
    const s = await Scenario.start(t);
    try {
      await s.task('a', ['**'], { 'notes.txt': 'one\ntwo\nthree\n', 'added.txt': 'new\n' });
      const files0 = t.files();
      await applyRun(s.repo, { runId: s.runId, tasks: s.tasks });
      assert.equal(t.read('notes.txt').toString('utf8'), 'one\r\ntwo\r\nthree\r\n');
      assert.equal(t.read('added.txt').toString('utf8'), 'new\r\n');
      await undoApply(s.repo, s.runId);
      assert.deepEqual(mapsEqual(files0, t.files()), []);
    } finally {
      s.dispose();
    }
  });

  it('honours conflict-marker-size: a file that documents 7-character markers gets 32-character ones', async () => {
    const doc = [
      'Conflict markers look like this:',
      '',
      '<<<<<<< yours',
      'your side',
      '=======',
      'their side',
      '>>>>>>> theirs',
      '',
      'Settings:',
      'color = blue',
      'size = 3',
      '',
    ].join('\n');
    const t = makeRepo({ '.gitattributes': 'merge-doc.md conflict-marker-size=32\n', 'merge-doc.md': doc, 'other.md': doc });
    const s = await Scenario.start(t);
    try {
      await s.task('a', ['**'], { 'merge-doc.md': doc.replace('color = blue', 'color = red'), 'other.md': doc.replace('color = blue', 'color = red') });
      t.write('merge-doc.md', doc.replace('color = blue', 'color = green'));
      t.write('other.md', doc.replace('color = blue', 'color = green'));
      const r = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks });
      assert.deepEqual(
        r.conflicts.sort((x, y) => x.path.localeCompare(y.path)),
        [
          { path: 'merge-doc.md', tasks: ['working tree', 'a'], kind: 'content', markerSize: 32 },
          { path: 'other.md', tasks: ['working tree', 'a'], kind: 'content', markerSize: 7 },
        ],
      );
      const text = t.text('merge-doc.md');
      const m = (c: string) => c.repeat(32);
      assert.ok(text.includes(`${m('<')} working tree\ncolor = green\n${m('=')}\ncolor = red\n${m('>')} a\n`), text);
      // the documentation's own examples are untouched, and are the only 7-character ones
      assert.ok(text.startsWith(doc.slice(0, doc.indexOf('Settings:'))));
      assert.equal(text.match(/^<{7}(?!<)/gm)?.length, 1);
      assert.ok(t.text('other.md').includes('<<<<<<< working tree\ncolor = green\n=======\ncolor = red\n>>>>>>> a\n'));
    } finally {
      s.dispose();
    }
  });

  it('never text-merges a file marked binary (-merge), even if its bytes look like text', async () => {
    const t = makeRepo({ '.gitattributes': '*.lock binary\n', 'deps.lock': lines(10) });
    const s = await Scenario.start(t);
    try {
      await s.task('a', ['**'], { 'deps.lock': edit(lines(10), 2, 'task') });
      t.write('deps.lock', edit(lines(10), 9, 'user'));
      const r = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks });
      assert.deepEqual(r.binaryConflicts, [{ path: 'deps.lock', tasks: ['working tree', 'a'] }]);
      assert.equal(t.text('deps.lock'), edit(lines(10), 9, 'user'));
    } finally {
      s.dispose();
    }
  });
});
