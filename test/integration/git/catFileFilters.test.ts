// ObjectReader.readFiltered starts the `cat-file --batch --filters` child only when a
// checkout could write other bytes than the blob's: a checkout attribute at the path, or
// core.autocrlf. Without either it answers with the stored bytes (the same a checkout writes).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ObjectReader, openRepo } from '../../../src/git';
import { childrenRunning, procAvailable } from '../../childProcesses';
import { cleanupRepos, makeRepo } from './helpers';

const filterChildren = (): number[] => [...childrenRunning('cat-file')].filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('--filters'));

describe('git/ObjectReader: the --filters reader starts only when a read needs filtering', function () {
  before(function () {
    if (!procAvailable()) this.skip();
  });
  after(cleanupRepos);

  it('no .gitattributes, no core.autocrlf: stored bytes, no --filters child; an eol=crlf path: CRLF through one', async () => {
    const t = makeRepo({ 'a.txt': 'one\ntwo\n', 'sub/b.txt': 'three\n', 'crlf/c.txt': 'x\ny\n' });
    const repo = await openRepo(t.dir);
    const reader = new ObjectReader(repo);
    try {
      const head = t.git('rev-parse', 'HEAD').trim();
      assert.equal((await reader.readFiltered(`${head}:a.txt`, 'a.txt'))?.toString(), 'one\ntwo\n');
      assert.equal((await reader.readFiltered(`${head}:sub/b.txt`, 'sub/b.txt'))?.toString(), 'three\n');
      assert.deepEqual(filterChildren(), []);
      t.write('crlf/.gitattributes', '*.txt eol=crlf\n');
      assert.equal((await reader.readFiltered(`${head}:crlf/c.txt`, 'crlf/c.txt'))?.toString(), 'x\r\ny\r\n');
      assert.equal(filterChildren().length, 1);
      // a path the attributes do not reach is still read as stored
      assert.equal((await reader.readFiltered(`${head}:a.txt`, 'a.txt'))?.toString(), 'one\ntwo\n');
    } finally {
      reader.dispose();
    }
  });

  it('core.autocrlf=true without attributes: CRLF, through the --filters child', async () => {
    const t = makeRepo({ 'a.txt': 'one\ntwo\n' });
    t.git('config', 'core.autocrlf', 'true');
    const repo = await openRepo(t.dir);
    const reader = new ObjectReader(repo);
    try {
      assert.equal((await reader.readFiltered('HEAD:a.txt', 'a.txt'))?.toString(), 'one\r\ntwo\r\n');
      assert.equal(filterChildren().length, 1);
    } finally {
      reader.dispose();
    }
  });
});
