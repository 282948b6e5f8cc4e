import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitError } from '../../../src/git/errors';
import { createRunId } from '../../../src/git/ids';
import { openRepo } from '../../../src/git/repo';
import { applyLockPath } from '../../../src/git/applyLock';
import { beginSnapshot, snapshotWorkingTree } from '../../../src/git/snapshot';
import { cleanupRepos, makeRepo, mapsEqual, type TestRepo } from './helpers';

function treeOf(repo: TestRepo, commit: string): Map<string, string> {
  const out = repo.git('ls-tree', '-r', '-z', '--full-tree', commit);
  const m = new Map<string, string>();
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    m.set(rec.slice(tab + 1), rec.slice(0, tab));
  }
  return m;
}

function blob(repo: TestRepo, commit: string, p: string): string {
  return repo.git('cat-file', 'blob', `${commit}:${p}`);
}

describe('git/snapshot', () => {
  after(cleanupRepos);

  it('captures tracked, staged and untracked-not-ignored files, touching nothing of the user', async () => {
    const t = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n', '.gitignore': 'ignored/\n*.log\n', 'gone.txt': 'x\n' });
    t.write('a.txt', 'a modified\n'); // unstaged change
    t.write('b.txt', 'b staged\n');
    t.git('add', 'b.txt'); // staged change
    t.write('b.txt', 'b staged then edited\n'); // working tree wins
    t.write('new dir/ünïcode name.txt', 'untracked\n');
    t.write('ignored/x.txt', 'ignored\n');
    t.write('debug.log', 'ignored\n');
    t.remove('gone.txt');
    t.write('staged-new.txt', 'staged new\n');
    t.git('add', 'staged-new.txt');
    t.git('stash', 'list');
    const before = t.userState();
    const files = t.files();
    const repo = await openRepo(t.dir);
    const runId = createRunId();
    const sha = await snapshotWorkingTree(repo, runId);
    assert.equal(t.git('rev-parse', `refs/parallel-agents/${runId}/base`).trim(), sha);
    const tree = treeOf(t, sha);
    assert.deepEqual([...tree.keys()].sort(), ['.gitignore', 'a.txt', 'b.txt', 'new dir/ünïcode name.txt', 'staged-new.txt']);
    assert.equal(blob(t, sha, 'a.txt'), 'a modified\n');
    assert.equal(blob(t, sha, 'b.txt'), 'b staged then edited\n');
    assert.equal(blob(t, sha, 'new dir/ünïcode name.txt'), 'untracked\n');
    assert.equal(t.git('rev-parse', `${sha}^`).trim(), t.git('rev-parse', 'HEAD').trim());
    assert.deepEqual(t.userState(), before);
    assert.deepEqual(mapsEqual(files, t.files()), []);
    assert.match(t.git('status', '--porcelain'), /M  b\.txt|MM b\.txt/);
  });

  it('works on a repository with no commits yet, and with names that need quoting', async () => {
    const t = makeRepo();
    t.write('tab\there.txt', 'tab\n');
    t.write('quote"d.txt', 'q\n');
    t.write('new\nline.txt', 'nl\n');
    t.write('spa ce/é.txt', 'e\n');
    const before = t.userState();
    const repo = await openRepo(path.join(t.dir));
    const sha = await snapshotWorkingTree(repo, createRunId());
    const tree = treeOf(t, sha);
    assert.deepEqual([...tree.keys()].sort(), ['new\nline.txt', 'quote"d.txt', 'spa ce/é.txt', 'tab\there.txt']);
    assert.equal(t.git('rev-list', '--count', sha).trim(), '1');
    assert.deepEqual(t.userState(), before);
  });

  it('works on a detached HEAD and records submodules without entering them', async () => {
    const sub = makeRepo({ 'inner.txt': 'inner\n' });
    const t = makeRepo({ 'top.txt': 'top\n' });
    t.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'sub');
    t.commitAll('add submodule');
    const subHead = t.git('-C', 'sub', 'rev-parse', 'HEAD').trim();
    t.write('sub/inner.txt', 'changed inside the submodule\n');
    t.write('sub/untracked-inside.txt', 'x\n');
    t.git('checkout', '-q', '--detach', 'HEAD');
    t.write('top.txt', 'top changed\n');
    const before = t.userState();
    const repo = await openRepo(path.join(t.dir, 'sub', '..'));
    const sha = await snapshotWorkingTree(repo, createRunId());
    const tree = treeOf(t, sha);
    assert.equal(tree.get('sub'), `160000 commit ${subHead}`);
    assert.ok(![...tree.keys()].some((k) => k.startsWith('sub/')));
    assert.equal(blob(t, sha, 'top.txt'), 'top changed\n');
    assert.deepEqual(t.userState(), before);
  });

  it('a snapshot begun ahead stores what snapshotWorkingTree would, under the base ref, only when kept', async () => {
    const t = makeRepo({ 'a.txt': 'a\n', '.gitignore': '*.log\n' });
    t.write('a.txt', 'a modified\n');
    t.write('new/b.txt', 'untracked\n');
    t.write('debug.log', 'ignored\n');
    const before = t.userState();
    const repo = await openRepo(t.dir);
    const runId = createRunId();
    const pending = beginSnapshot(repo, runId);
    const other = await snapshotWorkingTree(repo, createRunId());
    assert.equal(t.git('for-each-ref', `refs/parallel-agents/${runId}/`), '', 'no ref before keep()');
    const sha = await pending.keep();
    assert.equal(t.git('rev-parse', `refs/parallel-agents/${runId}/base`).trim(), sha);
    assert.equal(t.git('rev-parse', `${sha}^{tree}`), t.git('rev-parse', `${other}^{tree}`));
    assert.equal(t.git('rev-parse', `${sha}^`).trim(), t.git('rev-parse', 'HEAD').trim());
    assert.equal(t.git('log', '-1', '--format=%s', sha).trim(), `parallel-agents: base of run ${runId}`);
    assert.deepEqual(t.userState(), before);
    t.git('fsck', '--strict', '--no-dangling');
  });

  it('a snapshot begun while an apply holds the lock is refused by keep(), naming the apply, and writes no ref', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const repo = await openRepo(t.dir);
    mkdirSync(path.dirname(applyLockPath(repo)), { recursive: true });
    const lock = { pid: process.pid, hostname: os.hostname(), runId: 'r1', operation: 'apply', at: new Date().toISOString() };
    writeFileSync(applyLockPath(repo), JSON.stringify(lock));
    const runId = createRunId();
    await assert.rejects(beginSnapshot(repo, runId).keep(), (e: unknown) => e instanceof GitError && /Cannot start a run: run r1 is being applied/.test(e.message));
    assert.equal(t.git('for-each-ref', 'refs/parallel-agents/'), '');
  });

  it('fails clearly outside a repository', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pa-not-a-repo-'));
    try {
      await assert.rejects(openRepo(dir), (e: unknown) => e instanceof GitError && /git init/.test(e.message));
      await assert.rejects(openRepo(path.join(dir, 'missing')), (e: unknown) => e instanceof GitError && /does not exist/.test(e.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
