// What a command writes that does not become part of its result, and what `run --apply`
// leaves out: files git ignores (reported, with the first few paths), writes outside the
// workspace folder (reported as ownership violations, never kept), and changes outside
// the task's `owns` (kept for review, never written by `run --apply`).
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { readRunRecord, taskOf } from '../../../src/engine';
import { openRepo } from '../../../src/git';
import { captureIO } from '../../unit/cli/helpers';
import { exampleRepo, git } from './fixture';

describe('engine: ignored outputs, writes outside the workspace, violations left out of run --apply', function () {
  this.timeout(60_000);
  let repo: ReturnType<typeof exampleRepo>;
  afterEach(() => repo?.cleanup());

  const runJson = async (yaml: string, ...args: string[]) => {
    writeFileSync(path.join(repo.dir, '.agents/tasks.yaml'), yaml);
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-qm', 'tasks');
    const io = captureIO(repo.dir, {});
    const code = await main(['run', '--json', ...args], io);
    return { code, j: JSON.parse(io.out), err: io.err };
  };

  it('a command that writes ignored files and a file outside the workspace: both reported, neither kept', async () => {
    repo = exampleRepo();
    writeFileSync(path.join(repo.dir, '.gitignore'), 'gen/\n');
    const r = await runJson(
      'version: 1\ntasks:\n  gen:\n    run: mkdir -p gen && echo a > gen/a.h && echo b > gen/b.h && echo x > ../stray-outside.txt && echo ok > reports/gen.txt\n    owns: [reports/**]\n',
    );
    assert.equal(r.code, 0, r.err);
    const t = r.j.tasks[0];
    assert.deepEqual(t.changed, ['reports/gen.txt']);
    assert.deepEqual(t.ignoredOutputs, { count: 2, sample: ['gen/a.h', 'gen/b.h'] });
    assert.deepEqual(t.outsideWrites, ['../stray-outside.txt']);
    assert.deepEqual(r.j.violations, [{ task: 'gen', path: '../stray-outside.txt', outsideWorkspace: true }]);
    const j = await readRunRecord(await openRepo(repo.dir), r.j.runId);
    assert.deepEqual(taskOf(j, 'gen')!.ignoredOutputs, { count: 2, sample: ['gen/a.h', 'gen/b.h'] });
    assert.deepEqual(taskOf(j, 'gen')!.outsideWrites, ['../stray-outside.txt']);
    assert.ok(!existsSync(path.join(repo.dir, '.git/parallel-agents/worktrees', r.j.runId, 'stray-outside.txt')), 'not left inside .git/parallel-agents');
  });

  it('in a workspace folder inside the repository, a write to ../ lands outside it: reported, not kept', async () => {
    repo = exampleRepo();
    mkdirSync(path.join(repo.dir, 'pkg/.agents'), { recursive: true });
    writeFileSync(path.join(repo.dir, 'pkg/.agents/tasks.yaml'), 'version: 1\ntasks:\n  gen:\n    run: mkdir -p out && echo ok > out/a.txt && echo x > ../top.txt\n    owns: [out/**]\n');
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-qm', 'pkg');
    const io = captureIO(repo.dir, {});
    assert.equal(await main(['run', 'pkg', '--json'], io), 0, io.err);
    const j = JSON.parse(io.out);
    assert.deepEqual(j.tasks[0].changed, ['out/a.txt']);
    assert.deepEqual(j.tasks[0].outsideWrites, ['top.txt']);
    assert.deepEqual(j.violations, [{ task: 'gen', path: 'top.txt', outsideWorkspace: true }]);
    assert.equal(git(repo.dir, 'diff-tree', '-r', '--name-only', '--no-commit-id', j.tasks[0].resultCommit).trim(), 'pkg/out/a.txt');
  });

  it('run --apply writes what the task owns and leaves its ownership violations out, saying so', async () => {
    repo = exampleRepo();
    const r = await runJson('version: 1\ntasks:\n  lint:\n    run: echo ok > reports/lint.txt && echo x > stray.txt\n    owns: [reports/**]\n', '--apply');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.j.violations, [{ task: 'lint', path: 'stray.txt' }]);
    assert.ok(existsSync(path.join(repo.dir, 'reports/lint.txt')), 'the owned file is applied');
    assert.ok(!existsSync(path.join(repo.dir, 'stray.txt')), 'the violation is not written');
    assert.deepEqual(r.j.applied.files, ['reports/lint.txt']);
    assert.deepEqual(r.j.applied.violations, [{ task: 'lint', path: 'stray.txt', included: false }]);
  });
});
