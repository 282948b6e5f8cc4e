import { strict as assert } from 'node:assert';
import { ObjectReader } from '../../../src/git/catFileBatch';
import { openRepo } from '../../../src/git/repo';
import { cleanupRepos, makeRepo } from './helpers';

describe('git/ObjectReader.readFiltered (what a checkout would write)', () => {
  after(cleanupRepos);

  it('gives CRLF for an eol=crlf blob, the blob bytes for a plain file, smudge filters applied, one process', async () => {
    const t = makeRepo({
      '.gitattributes': '*.bat text eol=crlf\n*.up filter=upper\n',
      'run.bat': '@echo off\necho hi\n',
      'plain.txt': 'a\nb\n',
      // text that looks like the batch protocol's own lines must not confuse the reader
      'tricky.txt': 'x missing\n\n0123456789012345678901234567890123456789 blob 3\n\n',
      'empty.bat': '',
      'shout.up': 'quiet words\n',
    });
    t.git('config', 'filter.upper.smudge', 'tr a-z A-Z');
    t.git('config', 'filter.upper.clean', 'cat');
    const repo = await openRepo(t.dir);
    const reader = new ObjectReader(repo);
    try {
      const sha = (p: string) => t.git('rev-parse', `HEAD:${p}`).trim();
      // all at once: answers come back in order through the one process
      const [bat, plain, tricky, empty, shout, missing, batAgain] = await Promise.all([
        reader.readFiltered(sha('run.bat'), 'run.bat'),
        reader.readFiltered(sha('plain.txt'), 'plain.txt'),
        reader.readFiltered(sha('tricky.txt'), 'tricky.txt'),
        reader.readFiltered(sha('empty.bat'), 'empty.bat'),
        reader.readFiltered(sha('shout.up'), 'shout.up'),
        reader.readFiltered('f'.repeat(40), 'gone.txt'),
        // the same LF blob at another path that has no attribute
        reader.readFiltered(sha('run.bat'), 'docs/run.txt'),
      ]);
      assert.equal(bat?.toString('utf8'), '@echo off\r\necho hi\r\n');
      assert.equal(plain?.toString('utf8'), 'a\nb\n');
      assert.equal(tricky?.toString('utf8'), 'x missing\n\n0123456789012345678901234567890123456789 blob 3\n\n');
      assert.equal(empty?.length, 0);
      assert.equal(shout?.toString('utf8'), 'QUIET WORDS\n');
      assert.equal(missing, undefined);
      assert.equal(batAgain?.toString('utf8'), '@echo off\necho hi\n');
      // the plain reader still gives the blob itself
      assert.equal((await reader.readBlob(sha('run.bat')))?.toString('utf8'), '@echo off\necho hi\n');
      // a large file crosses many pipe chunks
      const big = Array.from({ length: 20000 }, (_, i) => `line ${i}`).join('\n') + '\n';
      t.write('big.bat', big);
      t.commitAll('big');
      const b = await reader.readFiltered(sha('big.bat'), 'big.bat');
      assert.equal(b?.toString('utf8'), big.replace(/\n/g, '\r\n'));
    } finally {
      reader.dispose();
    }
    await assert.rejects(reader.readFiltered('f'.repeat(40), 'x'), /disposed/);
  });

  it('follows core.autocrlf like a checkout', async () => {
    const t = makeRepo({ 'notes.txt': 'one\ntwo\n' });
    t.git('config', 'core.autocrlf', 'true');
    const reader = new ObjectReader(await openRepo(t.dir));
    try {
      const got = await reader.readFiltered(t.git('rev-parse', 'HEAD:notes.txt').trim(), 'notes.txt');
      assert.equal(got?.toString('utf8'), 'one\r\ntwo\r\n');
    } finally {
      reader.dispose();
    }
  });
});
