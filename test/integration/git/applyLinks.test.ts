import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyRun } from '../../../src/git/apply';
import { undoApply } from '../../../src/git/undo';
import { cleanupRepos, makeRepo, mapsEqual, TEST_GIT_ENV, type TestRepo } from './helpers';
import { Scenario } from './scenario';

type Change = { mode?: string; content: string } | null;

/**
 * A task result made with git plumbing, the way a result that replaced a symlink or a
 * submodule by a folder is stored: `null` deletes the path, other entries write a blob.
 */
function resultCommit(t: TestRepo, base: string, changes: Record<string, Change>, gitlinks: Record<string, string> = {}): string {
  const index = path.join(t.dir, '.git', `test-index-${Math.random().toString(36).slice(2)}`);
  const env = { ...TEST_GIT_ENV, GIT_INDEX_FILE: index };
  const git = (args: string[], input?: string) => execFileSync('git', args, { cwd: t.dir, env, input, encoding: 'utf8' });
  try {
    git(['read-tree', base]);
    let info = '';
    for (const [p, c] of Object.entries(changes)) {
      if (c === null) info += `0 ${'0'.repeat(40)}\t${p}\0`;
      else info += `${c.mode ?? '100644'} ${git(['hash-object', '-w', '--stdin'], c.content).trim()}\t${p}\0`;
    }
    for (const [p, sha] of Object.entries(gitlinks)) info += `160000 ${sha}\t${p}\0`;
    git(['update-index', '-z', '--index-info'], info);
    const tree = git(['write-tree']).trim();
    return git(['commit-tree', tree, '-p', base, '-m', 'result']).trim();
  } finally {
    rmSync(index, { force: true });
  }
}

describe('git/apply and undo: symbolic links and submodules', () => {
  const outside: string[] = [];
  after(() => {
    cleanupRepos();
    for (const d of outside) rmSync(d, { recursive: true, force: true });
  });

  it('never replaces a user\'s symlink (tracked, untracked, ignored) nor writes through it; legit link and file↔folder changes apply', async () => {
    const away = mkdtempSync(path.join(os.tmpdir(), 'pa-outside-'));
    outside.push(away);
    const t = makeRepo({ '.gitignore': 'ignored-link\n', 'a.txt': 'a\n', 'b.txt': 'b\n', 'f': 'a file that becomes a folder\n', 'keep.txt': 'k\n' });
    symlinkSync(away, path.join(t.dir, 'tracked-link'));
    symlinkSync('a.txt', path.join(t.dir, 'pointer'));
    t.commitAll('links');
    symlinkSync('b.txt', path.join(t.dir, 'untracked-link'));
    symlinkSync(away, path.join(t.dir, 'ignored-link'));
    const s = await Scenario.start(t);
    try {
      const r0 = resultCommit(t, s.base, {
        // a result that turned the links into folders / a file
        'tracked-link': null,
        'tracked-link/escaped.txt': { content: 'through the link\n' },
        'untracked-link': { content: 'now a regular file\n' },
        'ignored-link/escaped.txt': { content: 'through the ignored link\n' },
        // legit changes: a link re-pointed, a file replaced by a folder, a plain edit
        pointer: { mode: '120000', content: 'keep.txt' },
        f: null,
        'f/inside.txt': { content: 'in the new folder\n' },
        'a.txt': { content: 'A\n' },
      });
      s.tasks.push({ id: 'agent', owns: ['**'], baseCommit: s.base, resultCommit: r0 });
      const files0 = t.files();

      const r = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks });
      assert.deepEqual(r.conflicts, [
        { path: 'tracked-link', tasks: ['agent'], kind: 'symlink', markerSize: 7 },
        { path: 'untracked-link', tasks: ['agent'], kind: 'symlink', markerSize: 7 },
      ]);
      assert.deepEqual(
        r.skipped.map((x) => x.path),
        ['ignored-link/escaped.txt', 'tracked-link/escaped.txt'],
      );
      assert.ok(r.skipped.every((x) => /symbolic link/.test(x.reason)), JSON.stringify(r.skipped));
      assert.deepEqual(r.applied, ['a.txt', 'f', 'f/inside.txt', 'pointer']);
      // the links are as they were, nothing was written where they point
      assert.equal(readlinkSync(path.join(t.dir, 'tracked-link')), away);
      assert.equal(readlinkSync(path.join(t.dir, 'untracked-link')), 'b.txt');
      assert.equal(readlinkSync(path.join(t.dir, 'ignored-link')), away);
      assert.deepEqual(readdirSync(away), []);
      assert.equal(readlinkSync(path.join(t.dir, 'pointer')), 'keep.txt');
      assert.ok(lstatSync(path.join(t.dir, 'f')).isDirectory());
      assert.equal(t.text('f/inside.txt'), 'in the new folder\n');
      assert.equal(t.text('a.txt'), 'A\n');

      await undoApply(s.repo, s.runId);
      assert.deepEqual(mapsEqual(files0, t.files()), []);
    } finally {
      s.dispose();
    }
  });

  it('never writes into a submodule (git submodule add of a local repository); report, writes and undo agree', async () => {
    const lib = makeRepo({ 'lib.txt': 'library\n' });
    const libHead = lib.git('rev-parse', 'HEAD').trim();
    lib.write('lib.txt', 'library v2\n');
    const libV2 = lib.commitAll('v2');
    const t = makeRepo({ 'app.txt': 'app\n' });
    t.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib.dir, 'sub');
    t.git('-C', 'sub', 'checkout', '-q', libHead);
    t.git('add', 'sub');
    t.commitAll('with a submodule');
    const subFiles = () => readdirSync(path.join(t.dir, 'sub')).sort();
    const sub0 = subFiles();
    const s = await Scenario.start(t);
    try {
      const replaced = resultCommit(t, s.base, {
        sub: null,
        'sub/lib.txt': { content: 'rewritten by the task\n' },
        'sub/new.txt': { content: 'new in the submodule\n' },
        'app.txt': { content: 'APP\n' },
      });
      const bumped = resultCommit(t, s.base, {}, { sub: libV2 });
      s.tasks.push({ id: 'folder', owns: ['**'], baseCommit: s.base, resultCommit: replaced });
      s.tasks.push({ id: 'bump', owns: ['**'], baseCommit: s.base, resultCommit: bumped });
      const files0 = t.files();
      const r = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks });
      assert.deepEqual(r.applied, ['app.txt']);
      assert.deepEqual(
        r.skipped.map((x) => x.path),
        ['sub', 'sub/lib.txt', 'sub/new.txt'],
      );
      assert.ok(r.skipped.every((x) => /submodule/.test(x.reason)), JSON.stringify(r.skipped));
      assert.deepEqual(subFiles(), sub0);
      assert.equal(t.text('sub/lib.txt'), 'library\n');
      assert.ok(!existsSync(path.join(t.dir, 'sub', 'new.txt')));
      assert.equal(t.git('-C', 'sub', 'rev-parse', 'HEAD').trim(), libHead);
      const u = await undoApply(s.repo, s.runId);
      assert.deepEqual([u.restored, u.removed], [['app.txt'], []]);
      assert.deepEqual(mapsEqual(files0, t.files()), []);
      assert.deepEqual(subFiles(), sub0);
    } finally {
      s.dispose();
    }
  });
});
