import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ViewChange } from '../../../src/core/commandView';
import { treeRemovalsSettled } from '../../../src/sandbox';
import { RUN, requireSandbox, sandboxFixture, type SandboxFixture } from './helpers';

const summary = (changes: readonly ViewChange[]) =>
  changes.map((c) => (c.kind === 'delete' ? `-${c.path}` : c.kind === 'symlink' ? `@${c.path}->${c.target}` : `+${c.path}${c.executable ? '*' : ''}=${c.content.toString('utf8').trim()}`));

describe('sandbox/view: what a command sees and what it changed', function () {
  let f: SandboxFixture;
  before(async function () {
    await requireSandbox(this);
    f = await sandboxFixture({
      '.gitignore': 'build/\n*.log\n',
      'src/a.ts': 'export const a = 1;\n',
      'src/b.ts': 'export const b = 2;\n',
      'src/deep/c.ts': 'c\n',
      'docs/readme.md': 'readme\n',
      'tool.sh': '#!/bin/sh\necho tool\n',
    }, (t) => chmodSync(path.join(t.dir, 'tool.sh'), 0o755));
  });
  after(async () => f?.cleanup());

  it('dispose frees the view folder at once and removes it in the background; a run waits for that', async () => {
    const v = await f.view({ taskId: 'disposed' });
    const r = await v.run('mkdir -p out/a/b && echo x > out/a/b/c.txt', RUN);
    assert.equal(r.exitCode, 0, r.output);
    const taskDir = path.join(f.repo.stateDir, 'runs', 'test-run', 'tasks', 'disposed');
    assert.ok(existsSync(path.join(taskDir, 'sandbox')));
    await v.dispose();
    // The name is free as soon as dispose resolves; what was there goes on libuv's pool.
    assert.equal(existsSync(path.join(taskDir, 'sandbox')), false);
    await treeRemovalsSettled();
    assert.deepEqual(readdirSync(taskDir).filter((n) => n.startsWith('sandbox')), []);
  });

  it('runs in the workspace at its own path and sees the base', async () => {
    const v = await f.view();
    const r = await v.run('pwd; cat src/a.ts; ls', RUN);
    assert.equal(r.exitCode, 0, r.output);
    assert.equal(v.mode, 'namespaces');
    assert.equal(v.workspacePath, f.t.dir);
    assert.match(r.output, new RegExp(`^${f.t.dir}\n`));
    assert.match(r.output, /export const a = 1;/);
    assert.deepEqual(r.changes, []);
  });

  it('sees writes synced from the file tools, and reports only what the command changed', async () => {
    const v = await f.view();
    await v.sync([
      { path: 'src/a.ts', kind: 'write', content: Buffer.from('export const a = 42;\n'), executable: false },
      { path: 'src/new/n.ts', kind: 'write', content: Buffer.from('new\n'), executable: false },
      { path: 'docs/readme.md', kind: 'delete' },
    ]);
    const r = await v.run('cat src/a.ts src/new/n.ts; test -e docs/readme.md && echo STILL; echo changed > src/b.ts', RUN);
    assert.equal(r.exitCode, 0, r.output);
    assert.match(r.output, /a = 42/);
    assert.match(r.output, /new/);
    assert.doesNotMatch(r.output, /STILL/);
    assert.deepEqual(summary(r.changes), ['+src/b.ts=changed']);
  });

  it('reads back writes, deletes, modes, links and a folder replaced as a whole', async () => {
    const v = await f.view();
    const r = await v.run(
      [
        'echo x > src/x.ts',
        'rm src/b.ts',
        'chmod +x src/a.ts',
        'ln -s ../docs/readme.md src/link',
        'rm -rf src/deep && mkdir src/deep && echo fresh > src/deep/d.ts',
        'chmod -x tool.sh',
        'rm docs/readme.md && mkdir docs/readme.md && echo in > docs/readme.md/inner',
      ].join(' && '),
      RUN,
    );
    assert.equal(r.exitCode, 0, r.output);
    assert.deepEqual(summary(r.changes), [
      '-docs/readme.md',
      '+docs/readme.md/inner=in',
      '+src/a.ts*=export const a = 1;',
      '-src/b.ts',
      '-src/deep/c.ts',
      '+src/deep/d.ts=fresh',
      '@src/link->../docs/readme.md',
      '+src/x.ts=x',
      '+tool.sh=#!/bin/sh\necho tool',
    ]);
    // The next command's changes are relative to this one's result.
    const r2 = await v.run('cat src/deep/d.ts; test -e src/deep/c.ts || echo GONE; echo y >> src/x.ts', RUN);
    assert.match(r2.output, /fresh/);
    assert.match(r2.output, /GONE/);
    assert.deepEqual(summary(r2.changes), ['+src/x.ts=x\ny']);
    // Nothing of it reached the real workspace.
    assert.equal(f.t.text('src/b.ts'), 'export const b = 2;\n');
    assert.equal(existsSync(path.join(f.t.dir, 'src/x.ts')), false);
  });

  it('keeps ignored paths in the view, never in the changes', async () => {
    const v = await f.view();
    const r = await v.run('mkdir -p build && echo out > build/out.js && echo log > run.log && echo t > src/t.ts', RUN);
    assert.deepEqual(summary(r.changes), ['+src/t.ts=t']);
    assert.deepEqual(r.ignored, { count: 2, sample: ['build/out.js', 'run.log'] });
    const r2 = await v.run('cat build/out.js run.log', RUN);
    assert.equal(r2.exitCode, 0, r2.output);
    assert.match(r2.output, /out\nlog/);
    assert.deepEqual(r2.changes, []);
  });

  it('reverts changes that were not kept, so later commands do not see them', async () => {
    const v = await f.view();
    await v.sync([{ path: 'src/a.ts', kind: 'write', content: Buffer.from('mine\n'), executable: false }]);
    const r = await v.run('echo theirs > src/a.ts; rm docs/readme.md; echo n > src/n.ts', RUN);
    assert.deepEqual(summary(r.changes), ['-docs/readme.md', '+src/a.ts=theirs', '+src/n.ts=n']);
    await v.revert(['src/a.ts', 'docs/readme.md', 'src/n.ts']);
    const r2 = await v.run('cat src/a.ts docs/readme.md; test -e src/n.ts && echo N', RUN);
    assert.equal(r2.exitCode, 1, r2.output);
    assert.match(r2.output, /^mine\nreadme\n$/);
    assert.deepEqual(r2.changes, []);
  });

  it('survives a command that deletes the whole view; other views and the workspace keep everything', async () => {
    const v = await f.view();
    const other = await f.view();
    const r = await v.run('rm -rf ./* ./.[!.]* 2>/dev/null; ls -A | wc -l', RUN);
    assert.match(r.output, /^0\n/);
    assert.deepEqual(
      r.changes.filter((c) => c.kind !== 'delete'),
      [],
    );
    assert.deepEqual(r.changes.map((c) => c.path), ['.gitignore', 'docs/readme.md', 'src/a.ts', 'src/b.ts', 'src/deep/c.ts', 'tool.sh']);
    const r2 = await other.run('cat src/a.ts', RUN);
    assert.match(r2.output, /a = 1/);
    assert.equal(readFileSync(path.join(f.t.dir, 'src/a.ts'), 'utf8'), 'export const a = 1;\n');
  });
});
