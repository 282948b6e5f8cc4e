// Objects the engine writes itself (looseObjects.ts) must be exactly git's: same ids as
// hash-object / mktree / commit-tree, readable by cat-file, clean under `git fsck --strict`.
// Ref updates through the long-lived update-ref process must land, and fail clearly.
import * as assert from 'node:assert/strict';
import { openRepo } from '../../../src/git';
import { canWriteCommits, canWriteObjects, commitContent, objectId, treeContent, writeLooseObject } from '../../../src/git/looseObjects';
import { commitTree, treeWithUpdates, updateRef, writeBlobs } from '../../../src/git/objects';
import { ObjectReader } from '../../../src/git/catFileBatch';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanupRepos, makeRepo, TEST_GIT_ENV, TestRepo } from './helpers';

describe('git/objects written without git', function () {
  this.timeout(60_000);
  after(cleanupRepos);

  it('blobs, trees and commits have the ids git gives them and pass git fsck --strict', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const repo = await openRepo(t.dir);
    // the last one is above the size written synchronously (deflated and written on the pool)
    const big = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `line ${i}\n`).join(''));
    const contents = [Buffer.from(''), Buffer.from('hello\n'), Buffer.from([0, 1, 2, 255, 13, 10]), Buffer.from('ünïcødé\r\n'), big];
    const shas = await writeBlobs(repo, contents);
    const git = (args: string[], input?: Buffer) => execFileSync('git', args, { cwd: t.dir, env: TEST_GIT_ENV, ...(input ? { input } : {}) });
    contents.forEach((c, i) => {
      assert.equal(shas[i], git(['hash-object', '--no-filters', '--stdin'], c).toString('utf8').trim());
      assert.deepEqual(git(['cat-file', 'blob', shas[i] as string]), c);
    });
    // git's order: a folder sorts as if its name ended in '/' ("a-b" < "a.b" < "a/" < "a0")
    const [blob] = shas as [string];
    const sub = await writeLooseObject(repo, 'tree', treeContent([{ mode: '100644', name: 'x', sha: blob }]));
    const items = [
      { mode: '100644', name: 'a0', sha: blob },
      { mode: '040000', name: 'a', sha: sub },
      { mode: '100755', name: 'a.b', sha: blob },
      { mode: '120000', name: 'a-b', sha: blob },
      { mode: '100644', name: 'ä', sha: blob },
      { mode: '160000', name: 'mod', sha: 'e69de29bb2d1d6434b8b29ae775ad8c2d48c5391' },
    ];
    const tree = await writeLooseObject(repo, 'tree', treeContent(items));
    const mktree = items.map((e) => `${e.mode} ${e.mode === '040000' ? 'tree' : e.mode === '160000' ? 'commit' : 'blob'} ${e.sha}\t${e.name}\0`).join('');
    assert.equal(tree, execFileSync('git', ['mktree', '-z', '--missing'], { cwd: t.dir, input: mktree, encoding: 'utf8' }).trim());
    // commit-tree, at a fixed time and zone
    const when = new Date(1_700_000_000_000);
    const who = { name: 'Parallel Agents', email: 'parallel-agents@localhost' };
    const head = t.git('rev-parse', 'HEAD').trim();
    const ours = objectId('commit', commitContent(tree, [head], who, 'a message\n\nwith a body', when));
    const offset = -when.getTimezoneOffset();
    const tz = `${offset < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}${String(Math.abs(offset) % 60).padStart(2, '0')}`;
    const date = `@${Math.floor(when.getTime() / 1000)} ${tz}`;
    const theirs = execFileSync('git', ['commit-tree', '--no-gpg-sign', tree, '-p', head], {
      cwd: t.dir,
      input: 'a message\n\nwith a body\n',
      encoding: 'utf8',
      env: { ...TEST_GIT_ENV, GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    }).trim();
    assert.equal(ours, theirs);
    // through the engine's own entry points, on top of HEAD, then fsck
    const reader = new ObjectReader(repo);
    try {
      const built = await treeWithUpdates(repo, 'HEAD', [{ path: 'new/deep/file.txt', mode: '100644', sha: blob }, { path: 'a.txt' }], (ti, d) => reader.readFolder(ti, d));
      const commit = await commitTree(repo, built, [head], 'engine commit');
      await updateRef(repo, 'refs/parallel-agents/test/tasks/x', commit, 'test');
      assert.equal(t.git('rev-parse', 'refs/parallel-agents/test/tasks/x').trim(), commit);
      assert.equal(t.git('ls-tree', '-r', '--name-only', commit).trim(), 'new/deep/file.txt');
      assert.match(t.git('cat-file', '-p', commit), /^tree [0-9a-f]{40}\nparent [0-9a-f]{40}\nauthor Parallel Agents <parallel-agents@localhost> \d+ [+-]\d{4}\ncommitter .*\n\nengine commit\n$/);
    } finally {
      reader.dispose();
    }
    t.git('fsck', '--strict', '--no-dangling');
  });

  it('a refused ref update rejects with the ref named; the next ones still land', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const repo = await openRepo(t.dir);
    const head = t.git('rev-parse', 'HEAD').trim();
    await assert.rejects(updateRef(repo, 'refs/parallel-agents/r/tasks/bad', 'f'.repeat(40), 'test'), /refs\/parallel-agents\/r\/tasks\/bad/);
    await Promise.all([1, 2, 3].map((i) => updateRef(repo, `refs/parallel-agents/r/tasks/t${i}`, head, 'test')));
    for (const i of [1, 2, 3]) assert.equal(t.git('rev-parse', `refs/parallel-agents/r/tasks/t${i}`).trim(), head);
  });

  it('core.fsync or core.fsyncObjectFiles: objects go through git, which flushes them as asked', async () => {
    for (const [key, value] of [['core.fsync', 'loose-object'], ['core.fsync', 'all'], ['core.fsyncObjectFiles', 'true']] as const) {
      const t = makeRepo({ 'a.txt': 'a\n' });
      const repo = await openRepo(t.dir);
      assert.equal(await canWriteObjects(repo), true);
      t.git('config', key, value);
      await new Promise((r) => setTimeout(r, 150)); // config files are looked at again after 100 ms (writeConfig.ts)
      assert.equal(await canWriteObjects(repo), false, `${key}=${value}`);
      assert.equal(await canWriteCommits(repo), false, `${key}=${value}`);
      const [blob] = (await writeBlobs(repo, [Buffer.from('x\n')])) as [string];
      const commit = await commitTree(repo, await treeWithUpdates(repo, 'HEAD', [{ path: 'x.txt', mode: '100644', sha: blob }]), [t.git('rev-parse', 'HEAD').trim()], 'm');
      assert.equal(t.git('show', `${commit}:x.txt`), 'x\n');
      t.git('fsck', '--strict', '--no-dangling');
    }
  });

  it('a SHA-256 repository is written through git (its objects are not SHA-1)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pa-git-sha256-'));
    const t = new TestRepo(dir);
    t.git('init', '-q', '--object-format=sha256');
    const repo = await openRepo(t.dir);
    const [blob] = (await writeBlobs(repo, [Buffer.from('x\n')])) as [string];
    assert.equal(blob.length, 64);
    const tree = await treeWithUpdates(repo, undefined, [{ path: 'd/x.txt', mode: '100644', sha: blob }]);
    const commit = await commitTree(repo, tree, [], 'first');
    assert.equal(t.git('cat-file', '-t', commit).trim(), 'commit');
    t.git('fsck', '--strict', '--no-dangling');
    rmSync(dir, { recursive: true, force: true });
  });
});
