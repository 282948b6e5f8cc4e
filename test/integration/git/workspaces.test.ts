import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ObjectReader } from '../../../src/git/catFileBatch';
import { createRunId } from '../../../src/git/ids';
import { currentOwner, writeJournal } from '../../../src/git/journal';
import { OverlayWorkspace } from '../../../src/git/overlayWorkspace';
import { openRepo, type GitRepo } from '../../../src/git/repo';
import { commitOverlay, commitWorktree, mergeBase } from '../../../src/git/resultCommit';
import { snapshotWorkingTree } from '../../../src/git/snapshot';
import { WorktreeWorkspace } from '../../../src/git/worktreeWorkspace';
import { cleanupRepos, makeRepo, TEST_GIT_ENV, type TestRepo } from './helpers';

function show(t: TestRepo, spec: string): string {
  return t.git('cat-file', 'blob', spec);
}

describe('git/overlay workspace', () => {
  let t: TestRepo;
  let repo: GitRepo;
  let reader: ObjectReader;
  let base: string;
  const runId = createRunId();

  before(async () => {
    t = makeRepo({
      'src/a.ts': 'export const a = 1;\nconst needle = "base";\n',
      'src/b.ts': 'export const b = 2;\r\nneedle in crlf\r\n',
      'docs/read me.md': '# needle docs\n',
      'bin.dat': Buffer.from([0, 1, 2, 110, 101, 101, 100, 108, 101]),
      'run.sh': '#!/bin/sh\necho needle\n',
    });
    chmodSync(path.join(t.dir, 'run.sh'), 0o755);
    t.commitAll('exec');
    t.write('untracked ü.txt', 'needle untracked\n');
    repo = await openRepo(t.dir);
    base = await snapshotWorkingTree(repo, runId);
    reader = new ObjectReader(repo);
  });
  after(() => {
    reader?.dispose();
    cleanupRepos();
  });

  it('reads from the base, keeps writes and deletes in the overlay, lists files', async () => {
    const ws = new OverlayWorkspace(repo, reader, base);
    assert.equal((await ws.readFile('src/a.ts'))?.toString(), 'export const a = 1;\nconst needle = "base";\n');
    assert.equal((await ws.readFile('./untracked ü.txt'))?.toString(), 'needle untracked\n');
    assert.equal(await ws.readFile('nope.txt'), undefined);
    assert.equal(await ws.readFile('src'), undefined);
    await ws.writeFile('src/a.ts', 'changed needle\n');
    await ws.writeFile('src/new.ts', 'new\n');
    await ws.deleteFile('docs/read me.md');
    await ws.writeFile('tmp.txt', 'x');
    await ws.deleteFile('tmp.txt'); // created then deleted: no change at all
    await assert.rejects(ws.deleteFile('tmp.txt'), /no such file/);
    await assert.rejects(ws.writeFile('../escape', 'x'), /Invalid workspace path/);
    assert.equal((await ws.readFile('src/a.ts'))?.toString(), 'changed needle\n');
    assert.equal(await ws.readFile('docs/read me.md'), undefined);
    assert.deepEqual(await ws.listFiles(), ['bin.dat', 'run.sh', 'src/a.ts', 'src/b.ts', 'src/new.ts', 'untracked ü.txt']);
    assert.deepEqual(ws.changes(), [
      { path: 'docs/read me.md', kind: 'delete' },
      { path: 'src/a.ts', kind: 'write' },
      { path: 'src/new.ts', kind: 'write' },
    ]);
    // another overlay on the same base is isolated
    const other = new OverlayWorkspace(repo, reader, base);
    assert.equal((await other.readFile('src/a.ts'))?.toString(), 'export const a = 1;\nconst needle = "base";\n');
    assert.deepEqual(other.changes(), []);
  });

  it('searches base (git grep) and overlay (JS regex) with glob and maxResults', async () => {
    const ws = new OverlayWorkspace(repo, reader, base);
    await ws.writeFile('src/a.ts', 'nothing here\nneedle overlay\n');
    await ws.writeFile('zz.txt', 'needle z\n');
    const hits = await ws.search('need+le');
    assert.deepEqual(
      hits.map((h) => `${h.path}:${h.line}:${h.text}`),
      [
        'docs/read me.md:1:# needle docs',
        'run.sh:2:echo needle',
        'src/a.ts:2:needle overlay',
        'src/b.ts:2:needle in crlf',
        'untracked ü.txt:1:needle untracked',
        'zz.txt:1:needle z',
      ],
    );
    assert.deepEqual((await ws.search('needle', { glob: 'src/**' })).map((h) => h.path), ['src/a.ts', 'src/b.ts']);
    assert.deepEqual((await ws.search('needle', { maxResults: 2 })).map((h) => h.path), ['docs/read me.md', 'run.sh']);
    // JS-only syntax still works (falls back when git cannot read it), and results are confirmed by JS
    assert.deepEqual((await ws.search('(?<w>needle) \\k<w>?u')).map((h) => h.path), ['untracked ü.txt']);
    await assert.rejects(ws.search('('), /Invalid regular expression/);
  });

  it('commits an overlay as a child of its base, keeping modes', async () => {
    const ws = new OverlayWorkspace(repo, reader, base);
    await ws.writeFile('run.sh', '#!/bin/sh\necho changed\n');
    await ws.writeFile('new dir/ñ.txt', 'new\n');
    await ws.deleteFile('bin.dat');
    const sha = await commitOverlay(repo, { runId, taskId: 'agentA', baseCommit: base, workspace: ws, message: 'agentA: edit' });
    assert.equal(t.git('rev-parse', `refs/parallel-agents/${runId}/tasks/agentA`).trim(), sha);
    assert.equal(t.git('rev-parse', `${sha}^`).trim(), base);
    assert.equal(show(t, `${sha}:new dir/ñ.txt`), 'new\n');
    assert.match(t.git('ls-tree', sha, 'run.sh'), /^100755 /);
    assert.equal(t.git('ls-tree', sha, 'bin.dat'), '');
    assert.equal(
      t.git('diff-tree', '-r', '--name-status', base, sha),
      'D\tbin.dat\nA\tnew dir/ñ.txt\nM\trun.sh\n'.replace('new dir/ñ.txt', '"new dir/\\303\\261.txt"'),
    );
    const attempt = await commitOverlay(repo, { runId, taskId: 'agentA', baseCommit: base, workspace: ws, message: 'a2', refName: 'attempts/2' });
    assert.equal(t.git('rev-parse', `refs/parallel-agents/${runId}/extra/agentA/attempts/2`).trim(), attempt);
  });

  it('merges dependency results into a base for a dependent task', async () => {
    const mk = async (id: string, files: Record<string, string>) => {
      const ws = new OverlayWorkspace(repo, reader, base);
      for (const [p, c] of Object.entries(files)) await ws.writeFile(p, c);
      return commitOverlay(repo, { runId, taskId: id, baseCommit: base, workspace: ws, message: id });
    };
    const a = await mk('depA', { 'src/a.ts': 'A\n' });
    const b = await mk('depB', { 'src/new-b.ts': 'B\n' });
    const c = await mk('depC', { 'src/a.ts': 'C\n' });
    assert.deepEqual(await mergeBase(repo, base, []), { commit: base, conflicts: [] });
    assert.deepEqual(await mergeBase(repo, base, [a]), { commit: a, conflicts: [] });
    const ab = await mergeBase(repo, base, [a, b]);
    assert.deepEqual(ab.conflicts, []);
    assert.equal(show(t, `${ab.commit}:src/a.ts`), 'A\n');
    assert.equal(show(t, `${ab.commit}:src/new-b.ts`), 'B\n');
    const ac = await mergeBase(repo, base, [a, c]);
    assert.deepEqual(ac.conflicts, ['src/a.ts']);
    assert.match(show(t, `${ac.commit}:src/a.ts`), /<<<<<<< /);
  });
});

describe('git/worktree workspace', () => {
  after(cleanupRepos);

  it('creates a detached worktree of the base, commits what a command did, removes it', async () => {
    const t = makeRepo({ 'a.txt': 'a\n', '.gitignore': 'build/\n' });
    t.write('untracked.txt', 'u\n');
    const before = t.userState();
    const repo = await openRepo(t.dir);
    const runId = createRunId();
    const base = await snapshotWorkingTree(repo, runId);
    const wt = await WorktreeWorkspace.create(repo, base, runId, 'fmt');
    assert.ok(wt.path.startsWith(repo.stateDir));
    assert.equal(execFileSync('cat', ['untracked.txt'], { cwd: wt.path, encoding: 'utf8' }), 'u\n');
    writeFileSync(path.join(wt.path, 'a.txt'), 'formatted\n');
    writeFileSync(path.join(wt.path, 'made.txt'), 'made\n');
    rmSync(path.join(wt.path, 'untracked.txt'));
    execFileSync('mkdir', ['-p', 'build'], { cwd: wt.path });
    writeFileSync(path.join(wt.path, 'build', 'out.o'), 'ignored');
    const { commit: sha, ignored, outside } = await commitWorktree(repo, { runId, taskId: 'fmt', baseCommit: base, worktree: wt, message: 'fmt' });
    assert.deepEqual(ignored, { count: 1, sample: ['build/out.o'] });
    assert.deepEqual(outside, []);
    assert.equal(t.git('diff-tree', '-r', '--name-status', base, sha), 'M\ta.txt\nA\tmade.txt\nD\tuntracked.txt\n');
    await wt.dispose();
    assert.ok(!existsSync(wt.path));
    assert.equal(t.git('worktree', 'list', '--porcelain').match(/^worktree /gm)?.length, 1);
    assert.deepEqual(t.userState(), before);
    assert.equal(t.text('a.txt'), 'a\n');
  });

  it('cleans leftovers of a crashed run, never a live run\'s or a worktree that is not ours', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const repo = await openRepo(t.dir);
    const userWt = mkdtempSync(path.join(os.tmpdir(), 'pa-user-wt-'));
    rmSync(userWt, { recursive: true });
    t.git('worktree', 'add', '-q', '--detach', userWt, 'HEAD');
    try {
      const crashed = createRunId();
      const live = createRunId() + 'x';
      const base = await snapshotWorkingTree(repo, crashed);
      const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
      const journal = (runId: string, pid: number) =>
        writeJournal(repo, {
          version: 1, runId, startedAt: new Date().toISOString(), status: 'running',
          owner: { pid, hostname: currentOwner().hostname }, baseCommit: base, concurrency: 1, taskFile: 't', tasks: {},
        });
      await journal(crashed, dead);
      await journal(live, process.pid);
      const w1 = await WorktreeWorkspace.create(repo, base, crashed, 'lint');
      const w2 = await WorktreeWorkspace.create(repo, base, live, 'lint');
      const removed = await WorktreeWorkspace.cleanupLeftovers(repo);
      assert.deepEqual(removed, [w1.path]);
      assert.ok(!existsSync(w1.path));
      assert.ok(existsSync(w2.path));
      assert.ok(existsSync(path.join(userWt, 'a.txt')));
      const list = t.git('worktree', 'list', '--porcelain');
      assert.ok(list.includes(userWt) && list.includes(w2.path) && !list.includes(w1.path));
      await w2.dispose();
    } finally {
      execFileSync('git', ['worktree', 'remove', '--force', userWt], { cwd: t.dir, env: TEST_GIT_ENV });
    }
  });

  it('cleans a crashed run\'s folders whether or not git still keeps records of its worktrees', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const repo = await openRepo(t.dir);
    const crashed = createRunId();
    const base = await snapshotWorkingTree(repo, crashed);
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    await writeJournal(repo, {
      version: 1, runId: crashed, startedAt: new Date().toISOString(), status: 'running',
      owner: { pid: dead, hostname: currentOwner().hostname }, baseCommit: base, concurrency: 1, taskFile: 't', tasks: {},
    });
    // git forgot the first worktree (no records left at all); the second's folder is gone but git remembers it
    const forgotten = await WorktreeWorkspace.create(repo, base, crashed, 'lint');
    rmSync(path.join(repo.commonDir, 'worktrees'), { recursive: true });
    assert.deepEqual(await WorktreeWorkspace.cleanupLeftovers(repo), [forgotten.taskDir]);
    assert.ok(!existsSync(forgotten.taskDir));
    const remembered = await WorktreeWorkspace.create(repo, base, crashed, 'test');
    rmSync(remembered.taskDir, { recursive: true });
    assert.ok(t.git('worktree', 'list', '--porcelain').includes(remembered.path));
    await WorktreeWorkspace.cleanupLeftovers(repo);
    assert.equal(t.git('worktree', 'list', '--porcelain').match(/^worktree /gm)?.length, 1);
  });
});
