import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { SharedBase } from '../../../src/sandbox';
import { processesWith, RUN, requireSandbox, sandboxFixture, type SandboxFixture } from './helpers';

describe('sandbox/shared base: materialised once, brought to a new commit incrementally', function () {
  let f: SandboxFixture;
  before(async function () {
    await requireSandbox(this);
    f = await sandboxFixture(
      {
        '.gitattributes': '*.crlf eol=crlf\n',
        'keep.txt': 'keep\n',
        'change.txt': 'old\n',
        'gone/one.txt': '1\n',
        'gone/two.txt': '2\n',
        'partly/stay.txt': 's\n',
        'partly/drop.txt': 'd\n',
        'win.crlf': 'a\nb\n',
        'run.sh': '#!/bin/sh\n',
      },
      (t) => {
        symlinkSync('keep.txt', path.join(t.dir, 'link'));
        chmodSync(path.join(t.dir, 'run.sh'), 0o755);
      },
    );
  });
  after(async () => f?.cleanup());

  it('checks the base out as git would: filters and eol, links, modes', () => {
    assert.equal(f.base.update.kind, 'full');
    const top = f.base.layers[0] as string;
    assert.equal(readFileSync(path.join(top, 'win.crlf'), 'utf8'), 'a\r\nb\r\n');
    assert.equal(readlinkSync(path.join(top, 'link')), 'keep.txt');
    assert.ok(lstatSync(path.join(top, 'run.sh')).mode & 0o100);
    assert.equal(f.base.entry('gone/one.txt'), 'file');
    assert.equal(f.base.entry('link'), 'symlink');
    assert.equal(f.base.entry('gone'), 'folder');
  });

  it('opening the same commit again reuses it', async () => {
    const again = await SharedBase.open(f.repo, f.commit);
    try {
      assert.equal(again.update.kind, 'none');
      assert.deepEqual(again.layers, f.base.layers);
    } finally {
      again.release();
    }
  });

  it('a new commit with the same tree (the next run\'s base, nothing changed) reuses the base, in this process and in a new one', async function () {
    this.timeout(60_000); // a Node process with tsx
    const sameTree = f.t.git('commit-tree', '-p', f.commit, '-m', 'the next run\'s base', `${f.commit}^{tree}`).trim();
    const before = readFileSync(path.join(SharedBase.dir(f.repo), 'current.json'), 'utf8');
    const again = await SharedBase.open(f.repo, sameTree);
    try {
      assert.equal(again.update.kind, 'none');
      assert.deepEqual(again.layers, f.base.layers);
      assert.equal(again.commit, sameTree);
      assert.equal(readFileSync(path.join(SharedBase.dir(f.repo), 'current.json'), 'utf8'), before);
    } finally {
      again.release();
    }
    // Another process: nothing remembered, the tree comes from git (current.json keeps its own).
    const script = `
      const { openRepo } = require('./src/git');
      const { SharedBase } = require('./src/sandbox');
      openRepo(process.argv[1]).then((r) => SharedBase.open(r, process.argv[2])).then((b) => {
        console.log(b.update.kind, b.layers.length);
        b.release();
      });`;
    const out = await new Promise<string>((resolve, reject) => {
      const c = spawn(process.execPath, ['--import', 'tsx', '-e', script, f.t.dir, sameTree], { cwd: path.resolve(__dirname, '../../..') });
      let text = '';
      let err = '';
      c.stdout.on('data', (d: Buffer) => (text += d.toString()));
      c.stderr.on('data', (d: Buffer) => (err += d.toString()));
      c.on('close', (code) => (code === 0 ? resolve(text.trim()) : reject(new Error(err))));
    });
    assert.equal(out, `none ${f.base.layers.length}`);
  });

  it('brings the base to a new commit by writing only the changed paths, atomically for its readers', async () => {
    const viewOnOld = await f.view();
    f.t.write('change.txt', 'new\n');
    f.t.write('added/new.txt', 'added\n');
    f.t.remove('gone');
    f.t.remove('partly/drop.txt');
    const next = f.t.commitAll('next');
    const b2 = await SharedBase.open(f.repo, next);
    try {
      assert.equal(b2.update.kind, 'incremental');
      // change.txt, added/new.txt, one whiteout for the folder gone/, one for partly/drop.txt.
      assert.equal(b2.update.pathsWritten, 4);
      const top = b2.layers[0] as string;
      const written: string[] = [];
      const walk = (d: string, r: string) => {
        for (const n of readdirSync(d)) {
          const st = lstatSync(path.join(d, n));
          if (st.isDirectory()) walk(path.join(d, n), `${r}${n}/`);
          else written.push(`${r}${n}${st.isCharacterDevice() ? ' (whiteout)' : ''}`);
        }
      };
      walk(top, '');
      assert.deepEqual(written.sort(), ['added/new.txt', 'change.txt', 'gone (whiteout)', 'partly/drop.txt (whiteout)']);
      assert.equal(b2.entry('gone/one.txt'), undefined);
      assert.equal(b2.entry('partly/stay.txt'), 'file');
      assert.equal(b2.entry('keep.txt'), 'file');

      // A view on the new base sees the new commit; the view still on the old base the old one.
      const v = await createView(f, b2);
      const r = await v.run('cat change.txt added/new.txt keep.txt; ls gone partly', RUN);
      assert.match(r.output, /^new\nadded\nkeep\n/);
      assert.match(r.output, /cannot access 'gone'/);
      assert.match(r.output, /stay\.txt/);
      assert.doesNotMatch(r.output, /drop\.txt/);
      const old = await viewOnOld.run('cat change.txt gone/one.txt', RUN);
      assert.equal(old.output, 'old\n1\n');
      await v.dispose();
    } finally {
      b2.release();
    }
  });

  it('lets several processes bring it up to date at once (a lock), each ending with a usable base', async function () {
    this.timeout(120_000); // three Node processes with tsx on a busy machine
    f.t.write('change.txt', 'third\n');
    const third = f.t.commitAll('third');
    const script = `
      const { openRepo } = require('./src/git');
      const { SharedBase } = require('./src/sandbox');
      openRepo(process.argv[1]).then((r) => SharedBase.open(r, process.argv[2])).then((b) => {
        console.log(JSON.stringify({ kind: b.update.kind, layers: b.layers }));
        b.release();
      });`;
    const one = () =>
      new Promise<{ kind: string; layers: string[] }>((resolve, reject) => {
        const c = spawn(process.execPath, ['--import', 'tsx', '-e', script, f.t.dir, third], { cwd: path.resolve(__dirname, '../../..') });
        let out = '';
        let err = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.stderr.on('data', (d: Buffer) => (err += d.toString()));
        c.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as { kind: string; layers: string[] }) : reject(new Error(err))));
      });
    const results = await Promise.all([one(), one(), one()]);
    assert.equal(results.filter((r) => r.kind === 'incremental').length, 1, JSON.stringify(results));
    assert.equal(results.filter((r) => r.kind === 'none').length, 2, JSON.stringify(results));
    for (const r of results) {
      assert.deepEqual(r.layers, results[0]?.layers);
      for (const l of r.layers) assert.ok(existsSync(l), l);
    }
    assert.equal(readFileSync(path.join(results[0]?.layers[0] as string, 'change.txt'), 'utf8'), 'third\n');
  });

  it('a no-orphan check that can fail: it sees a process left on the host', async () => {
    const c = spawn('sleep', ['1000.4242'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(processesWith('1000.4242'), [c.pid]);
    } finally {
      c.kill('SIGKILL');
    }
  });
});

async function createView(f: SandboxFixture, base: SharedBase) {
  const { createSandboxView } = await import('../../../src/sandbox');
  return createSandboxView({
    repo: f.repo,
    base,
    workspaceRel: '',
    workspacePath: f.t.dir,
    mounts: [],
    taskDir: path.join(f.repo.stateDir, 'runs', 'test-run', 'tasks', 'on-new-base'),
  });
}
