// HEAD read from git's files must say what `git rev-parse --verify HEAD^{commit}` says,
// in every layout git leaves them in.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { headCommit } from '../../../src/git/headCommit';
import { openRepo } from '../../../src/git/repo';
import { cleanupRepos, makeRepo, type TestRepo } from './helpers';

function gitsHead(t: TestRepo, dir = t.dir): string | undefined {
  const r = spawnSync('git', ['-C', dir, 'rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

async function assertSame(t: TestRepo, dir = t.dir): Promise<void> {
  assert.equal(await headCommit(await openRepo(dir)), gitsHead(t, dir));
}

describe('git/headCommit', () => {
  after(cleanupRepos);

  it("a branch's loose ref, then the same branch packed, then a new commit over the packed one", async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    await assertSame(t);
    t.git('pack-refs', '--all');
    t.git('branch', 'other');
    t.git('pack-refs', '--all');
    await assertSame(t);
    t.write('a.txt', 'a2\n');
    t.commitAll('second');
    await assertSame(t);
  });

  it('a detached HEAD, and a branch whose name has folders and dots', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    t.git('checkout', '-q', '--detach', 'HEAD');
    await assertSame(t);
    t.git('checkout', '-q', '-b', 'feature/v1.2-x');
    t.write('a.txt', 'b\n');
    t.commitAll('on the branch');
    await assertSame(t);
    t.git('pack-refs', '--all');
    await assertSame(t);
  });

  it('no commit yet: undefined, with and without a packed-refs file', async () => {
    const t = makeRepo();
    t.write('a.txt', 'a\n');
    assert.equal(await headCommit(await openRepo(t.dir)), undefined);
    const u = makeRepo({ 'a.txt': 'a\n' });
    u.git('pack-refs', '--all');
    u.git('checkout', '-q', '--orphan', 'fresh');
    assert.equal(await headCommit(await openRepo(u.dir)), undefined);
    assert.equal(gitsHead(u), undefined);
  });

  it("a linked worktree's own HEAD, not the main one's", async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pa-head-wt-'));
    try {
      const wt = path.join(dir, 'wt');
      t.git('worktree', 'add', '-q', '-b', 'side', wt);
      t.git('-C', wt, 'commit', '-q', '--allow-empty', '-m', 'side commit');
      await assertSame(t, wt);
      await assertSame(t);
      assert.notEqual(gitsHead(t, wt), gitsHead(t));
    } finally {
      t.git('worktree', 'remove', '--force', path.join(dir, 'wt'));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a symbolic ref to a symbolic ref is left to git', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const branch = t.git('symbolic-ref', 'HEAD').trim();
    t.git('symbolic-ref', 'refs/heads/alias', branch);
    t.git('symbolic-ref', 'HEAD', 'refs/heads/alias');
    await assertSame(t);
    assert.ok(gitsHead(t));
  });

  it('a sha256 repository', async function () {
    const t = makeRepo();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pa-head-256-'));
    try {
      t.git('init', '-q', '--object-format=sha256', dir);
      t.git('-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'first');
      const sha = await headCommit(await openRepo(dir));
      assert.equal(sha?.length, 64);
      assert.equal(sha, gitsHead(t, dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
