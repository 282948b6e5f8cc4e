// What a command writes that does not become part of its result, and what `run --apply`
// leaves out: files git ignores (reported, with the first few paths), writes outside the
// workspace folder (reported as ownership violations, never kept), and changes outside
// the task's `owns` (kept for review, never written by `run --apply`).
import * as assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
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
