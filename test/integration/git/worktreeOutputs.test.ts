// What a command task's result holds and reports, on real repositories and real shell
// commands in the task's worktree: ignored outputs (issue 11 §6), writes outside the
// workspace (issue 10 §3), submodules (issue 11 §4) and symbolic links (issue 11 §3).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { createRunId } from '../../../src/git/ids';
import { openRepo, type GitRepo } from '../../../src/git/repo';
import { commitWorktree, type WorktreeCommit } from '../../../src/git/resultCommit';
import { snapshotWorkingTree } from '../../../src/git/snapshot';
import { WorktreeWorkspace } from '../../../src/git/worktreeWorkspace';
import { cleanupRepos, makeRepo, TEST_GIT_ENV, type TestRepo } from './helpers';

describe('git/commitWorktree: what a command wrote that is not its result', function () {
  this.timeout(30_000);
  let t: TestRepo;
  let repo: GitRepo;
  let base: string;
  const runId = createRunId();
  let n = 0;

  before(async () => {
    const lib = makeRepo({ 's.txt': 'submodule file\n' });
    t = makeRepo({ 'a.txt': 'a\n', 'real.txt': 'real\n', '.gitignore': 'gen/\n*.o\n', 'pkg/p.txt': 'p\n', 'other/o.txt': 'o\n' });
    symlinkSync('real.txt', path.join(t.dir, 'link.txt'));
    symlinkSync('../outside.txt', path.join(t.dir, 'up.txt'));
    t.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib.dir, 'sub');
    t.commitAll('with a submodule and links');
    repo = await openRepo(t.dir);
    base = await snapshotWorkingTree(repo, runId);
  });
  after(cleanupRepos);

  /** Runs `command` with `sh -c` in a fresh worktree (in `folder` inside it), commits, disposes. */
  async function run(command: string, folder = ''): Promise<WorktreeCommit & { changes: string }> {
    const taskId = `cmd${++n}`;
    const wt = await WorktreeWorkspace.create(repo, base, runId, taskId);
    try {
      execFileSync('sh', ['-c', command], { cwd: path.join(wt.path, folder), env: TEST_GIT_ENV });
      const r = await commitWorktree(repo, { runId, taskId, baseCommit: base, worktree: wt, workspacePrefix: folder, message: command });
      return { ...r, changes: t.git('diff-tree', '-r', '--no-commit-id', '--raw', '--no-abbrev', base, r.commit).replace(/ [0-9a-f]{40} [0-9a-f]{40} /g, ' ').trim() };
    } finally {
      await wt.dispose();
      assert.ok(!existsSync(wt.taskDir), 'the task folder is removed with the worktree');
    }
  }

  it('reports a command that wrote only ignored files (count and the first paths)', async () => {
    const r = await run('mkdir -p gen && for i in 1 2 3 4 5 6 7; do echo "#define X $i" > gen/h$i.h; done && echo o > x.o');
    assert.equal(r.changes, '');
    assert.deepEqual(r.ignored, { count: 8, sample: ['gen/h1.h', 'gen/h2.h', 'gen/h3.h', 'gen/h4.h', 'gen/h5.h'] });
    assert.deepEqual(r.outside, []);
  });

  it('reports writes beside the repository (> ../x) and keeps them out of the result', async () => {
    const r = await run('echo x > ../x && mkdir -p ../d && echo y > ../d/y && echo a2 > a.txt');
    assert.deepEqual(r.outside, ['../d/y', '../x']);
    assert.equal(r.changes, ':100644 100644 M\ta.txt');
    assert.deepEqual(r.ignored, { count: 0, sample: [] });
  });

  it('in a workspace folder, writes elsewhere in the repository are outside too', async () => {
    const r = await run('echo p2 > p.txt && echo o2 > ../other/o.txt && echo new > ../other/new.txt && rm ../a.txt', 'pkg/');
    assert.equal(r.changes, ':100644 100644 M\tpkg/p.txt');
    assert.deepEqual(r.outside, ['a.txt', 'other/new.txt', 'other/o.txt']);
  });

  it('writes under a submodule, or replacing it, are flagged and never committed; the gitlink stays', async () => {
    const gitlink = t.git('ls-tree', base, 'sub');
    const into = await run('echo x > sub/new.txt');
    assert.deepEqual(into.outside, ['sub/new.txt']);
    assert.equal(into.changes, '');
    const removed = await run('rm -rf sub && echo now a file > sub');
    assert.deepEqual(removed.outside, ['sub']);
    assert.equal(removed.changes, '');
    assert.equal(t.git('ls-tree', removed.commit, 'sub'), gitlink);
    const folder = await run('rm -rf sub && mkdir sub && echo f > sub/f.txt');
    assert.equal(t.git('ls-tree', folder.commit, 'sub'), gitlink);
    assert.ok(folder.outside.includes('sub/f.txt'), folder.outside.join(' '));
  });

  it('symbolic links: a write through one changes its target; replacing one is a change to that path; a link out is outside', async () => {
    const through = await run('echo more >> link.txt');
    assert.equal(through.changes, ':100644 100644 M\treal.txt');
    const replaced = await run('rm link.txt && echo a file now > link.txt');
    assert.equal(replaced.changes, ':120000 100644 T\tlink.txt');
    const out = await run('echo escaped > up.txt');
    assert.deepEqual(out.outside, ['../outside.txt']);
    assert.equal(out.changes, '');
  });
});
