// The before-apply capture of only the paths an apply touches (captureWorkingTreePaths) must
// record at those paths, and at the folders above them, exactly what the whole-tree capture
// records: that is what apply merges against and what undo restores. Every case is
// compared with captureWorkingTree on the same working tree, and the fast path must be the
// one taken where the disk around the paths is plain.
import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { applyRun } from '../../../src/git/apply';
import { ObjectReader } from '../../../src/git/catFileBatch';
import { openRepo } from '../../../src/git/repo';
import { captureWorkingTree, captureWorkingTreePaths, entriesAt } from '../../../src/git/workingTreeCapture';
import { undoApply } from '../../../src/git/undo';
import { cleanupRepos, makeRepo, mapsEqual, type TestRepo } from './helpers';
import { Scenario } from './scenario';

function ancestors(paths: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) out.add(p.slice(0, i));
  return [...out];
}

/** Files by mode and id, folders by kind only (their other files are the index's in a scoped capture). */
function describe_(entries: ReadonlyMap<string, { mode: string; sha: string }>, paths: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of paths) {
    const e = entries.get(p);
    out[p] = !e ? 'absent' : e.mode === '040000' ? 'folder' : `${e.mode} ${e.sha}`;
  }
  return out;
}

async function compare(t: TestRepo, paths: string[]): Promise<{ scoped: boolean }> {
  const repo = await openRepo(t.dir);
  const reader = new ObjectReader(repo);
  try {
    const all = [...paths, ...ancestors(paths)];
    const indexBefore = t.read('.git/index');
    const scoped = await captureWorkingTreePaths(repo, reader, paths, 'scoped');
    await scoped.dispose();
    const whole = await captureWorkingTree(repo, 'whole');
    const want = describe_(await entriesAt(reader, whole.commit, all), all);
    assert.deepEqual(describe_(scoped.entries, all), want);
    assert.deepEqual(describe_(await entriesAt(reader, scoped.commit, all), all), want, 'the commit holds what `entries` says');
    assert.ok(indexBefore.equals(t.read('.git/index')), "the user's index is untouched");
    return { scoped: scoped.scoped };
  } finally {
    reader.dispose();
  }
}

describe('git/snapshot of the paths an apply touches', () => {
  after(cleanupRepos);

  it('records what `git add -A` records at every path, from the paths alone', async () => {
    const t = makeRepo({
      '.gitignore': '*.log\n',
      'clean.txt': 'clean\n',
      'edited.txt': 'edited\n',
      'staged.txt': 'staged\n',
      'deleted.txt': 'deleted\n',
      'tracked.log': 'tracked although ignored\n',
      'exec.sh': 'echo\n',
      'sub/deep/kept.txt': 'kept\n',
      'sub/deep/gone.txt': 'gone\n',
      'folder-now-file/a.txt': 'a\n',
      'folder-now-link/a.txt': 'a\n',
      'same-size.txt': 'aaaa\n',
    });
    t.write('edited.txt', 'edited by the user\n');
    t.write('staged.txt', 'staged by the user\n');
    t.git('add', 'staged.txt');
    t.write('staged.txt', 'staged, then edited again\n'); // the working tree wins over the index
    t.remove('deleted.txt');
    t.write('untracked.txt', 'new, not added\n');
    t.write('ignored.log', 'ignored, untracked\n');
    t.write('tracked.log', 'tracked, changed\n');
    chmodSync(path.join(t.dir, 'exec.sh'), 0o755);
    symlinkSync('clean.txt', path.join(t.dir, 'new-link'));
    t.remove('sub/deep/gone.txt');
    t.remove('folder-now-file');
    writeFileSync(path.join(t.dir, 'folder-now-file'), 'a file where a folder was\n');
    t.remove('folder-now-link');
    mkdirSync(path.join(t.dir, 'elsewhere'));
    symlinkSync('elsewhere', path.join(t.dir, 'folder-now-link'));
    t.write('same-size.txt', 'bbbb\n');
    t.write('untracked dir/ñame.txt', 'untracked in an untracked folder\n');
    const paths = [
      'clean.txt',
      'edited.txt',
      'staged.txt',
      'deleted.txt',
      'untracked.txt',
      'ignored.log',
      'tracked.log',
      'exec.sh',
      'new-link',
      'sub/deep/gone.txt',
      'sub/deep/kept.txt',
      'folder-now-file/a.txt',
      'folder-now-link/a.txt',
      'same-size.txt',
      'untracked dir/ñame.txt',
      'nowhere/new.txt',
      'new-at-root.txt',
    ];
    assert.deepEqual(await compare(t, paths), { scoped: true });
  });

  it('an untracked file in an ignored folder is left out, as `add -A` leaves it out', async () => {
    const t = makeRepo({ '.gitignore': 'build/\n', 'a.txt': 'a\n' });
    t.write('build/out.txt', 'ignored\n');
    assert.deepEqual(await compare(t, ['build/out.txt', 'a.txt']), { scoped: true });
  });

  it('captures the whole tree where the disk around the paths is not plain: the answer is the same', async () => {
    // a folder at a touched path
    const t1 = makeRepo({ 'a.txt': 'a\n' });
    t1.write('x/inside.txt', 'x\n');
    assert.deepEqual(await compare(t1, ['x', 'a.txt']), { scoped: false });
    // a folder on disk where the index has a file (replaced, not yet added)
    const t2 = makeRepo({ 'was-file': 'a file\n', 'b.txt': 'b\n' });
    t2.remove('was-file');
    t2.write('was-file/other.txt', 'now a folder\n');
    assert.deepEqual(await compare(t2, ['was-file/new.txt', 'b.txt']), { scoped: false });
    // (a path in that folder that exists replaces the index's file, as `add` does: no fallback)
    assert.deepEqual(await compare(t2, ['was-file/other.txt', 'b.txt']), { scoped: true });
    // a nested repository above a touched path
    const t3 = makeRepo({ 'b.txt': 'b\n' });
    const nested = makeRepo({ 'n.txt': 'nested\n' });
    t3.git('clone', '-q', nested.dir, 'nested');
    assert.deepEqual(await compare(t3, ['nested/n.txt', 'b.txt']), { scoped: false });
  });

  it('a conflicted index (unmerged entries elsewhere) falls back to the whole tree', async () => {
    const t = makeRepo({ 'c.txt': 'base\n', 'a.txt': 'a\n' });
    t.git('checkout', '-q', '-b', 'other');
    t.write('c.txt', 'other\n');
    t.commitAll('other');
    t.git('checkout', '-q', '-');
    t.write('c.txt', 'mine\n');
    t.commitAll('mine');
    try {
      t.git('merge', '-q', 'other');
    } catch {
      // the conflict is the point
    }
    assert.match(t.git('status', '--porcelain'), /UU c\.txt/);
    assert.deepEqual(await compare(t, ['a.txt']), { scoped: false });
  });

  it('apply on the scoped capture: a user edit is merged, files in the way are kept, undo is exact', async () => {
    const t = makeRepo({ '.gitignore': '*.log\n', 'a.txt': 'one\ntwo\nthree\nfour\nfive\n', 'b.txt': 'b\n' });
    const s = await Scenario.start(t);
    try {
      await s.task('agent', ['a.txt', 'new.txt', 'out.log', 'b.txt'], {
        'a.txt': 'one\ntwo\nthree\nfour\nfive (agent)\n',
        'new.txt': 'the agent\'s new file\n',
        'out.log': 'the agent\'s log\n',
        'b.txt': 'b (agent)\n',
      });
      // after the run's base: the user edits a touched file, puts files where the agent adds some
      t.write('a.txt', 'one (user)\ntwo\nthree\nfour\nfive\n');
      t.write('new.txt', 'the user\'s untracked file\n');
      t.write('out.log', 'the user\'s ignored file\n');
      const files = t.files();
      const r = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks, reader: s.reader });
      assert.equal(t.text('a.txt'), 'one (user)\ntwo\nthree\nfour\nfive (agent)\n', 'merged, not overwritten');
      assert.deepEqual(r.merged, ['a.txt']);
      assert.equal(t.text('b.txt'), 'b (agent)\n');
      assert.equal(t.text('out.log'), "the user's ignored file\n");
      assert.deepEqual(r.skipped.map((x) => x.path), ['out.log']);
      assert.match(t.text('new.txt'), /the user's untracked file/); // kept (as one side of a conflict)
      assert.deepEqual(r.conflicts.map((c) => [c.path, c.tasks[0]]), [['new.txt', 'working tree']]);
      await undoApply(s.repo, s.runId);
      assert.deepEqual(mapsEqual(files, t.files()), []);
    } finally {
      s.dispose();
    }
  });
});
