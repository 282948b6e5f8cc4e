// A dependent task's base merged without `git merge-tree` (src/git/disjointMerge.ts) must
// be exactly git's: the same tree, the same conflicts; every case it cannot prove is
// left to git. Each case is compared with `git merge-tree --write-tree` on a real repository.
import { strict as assert } from 'node:assert';
import { chmodSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { ObjectReader } from '../../../src/git/catFileBatch';
import { disjointMergeTree } from '../../../src/git/disjointMerge';
import { openRepo, type GitRepo } from '../../../src/git/repo';
import { mergeBase } from '../../../src/git/resultCommit';
import { cleanupRepos, makeRepo, type TestRepo } from './helpers';

type Change = string | null | { link: string } | { exec: string };

describe('git/disjoint merge of dependency results', () => {
  let t: TestRepo;
  let repo: GitRepo;
  let reader: ObjectReader;
  let base: string;

  before(async () => {
    t = makeRepo({
      'README.md': '# r\n',
      'src/a.ts': 'a\n',
      'src/b.ts': 'b\n',
      'src/lib/c.ts': 'c\n',
      'docs/guide.md': 'g\n',
      'old/one.txt': '1\n',
      'old/two.txt': '2\n',
    });
    base = t.git('rev-parse', 'HEAD').trim();
    repo = await openRepo(t.dir);
    reader = new ObjectReader(repo);
  });
  after(() => {
    reader.dispose();
    cleanupRepos();
  });

  /** A commit on `from` with `changes` (null deletes; a `{link}` is a symbolic link). */
  function side(from: string, changes: Record<string, Change>, message = 'side'): string {
    t.git('checkout', '-q', '--detach', from);
    for (const [p, c] of Object.entries(changes)) {
      t.remove(p);
      if (c === null) continue;
      if (typeof c === 'string') t.write(p, c);
      else if ('link' in c) symlinkSync(c.link, path.join(t.dir, p));
      else {
        t.write(p, c.exec);
        chmodSync(path.join(t.dir, p), 0o755);
      }
    }
    return t.commitAll(message);
  }

  function merged(ours: string, theirs: string, message = 'merge'): string {
    t.git('checkout', '-q', '--detach', ours);
    t.git('merge', '-q', '--no-ff', '-m', message, theirs);
    return t.git('rev-parse', 'HEAD').trim();
  }

  /** What git makes of it: the tree and the conflicted paths. */
  function gitMerge(ours: string, theirs: string): { tree: string; conflicts: string[] } {
    let out: string;
    try {
      out = t.git('merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', ours, theirs);
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? '');
    }
    const [tree, ...rest] = out.split('\0');
    return { tree: tree as string, conflicts: rest.filter(Boolean).sort() };
  }

  async function expectSame(ours: string, theirs: string, inProcess: boolean): Promise<void> {
    const direct = await disjointMergeTree(repo, reader, base, ours, theirs);
    const git = gitMerge(ours, theirs);
    if (inProcess) assert.equal(direct, git.tree, 'the tree merged here is git’s');
    else assert.equal(direct, undefined, 'left to git');
    const r = await mergeBase(repo, base, [ours, theirs], reader);
    assert.equal(t.git('rev-parse', `${r.commit}^{tree}`).trim(), git.tree);
    assert.deepEqual(r.conflicts, git.conflicts);
    assert.equal(t.git('rev-parse', `${r.commit}^1`).trim(), ours);
    assert.equal(t.git('rev-parse', `${r.commit}^2`).trim(), theirs);
  }

  it('merges results that add and edit different files like git, without git', async () => {
    const a = side(base, { 'src/a.ts': 'A\n', 'out/a.txt': 'a\n' });
    const b = side(base, { 'src/lib/c.ts': 'C\n', 'out/b.txt': 'b\n', 'new/deep/x.txt': 'x\n' });
    await expectSame(a, b, true);
  });

  it('merges a new folder both sides add different files to, modes and links, like git', async () => {
    const a = side(base, { 'new/one.txt': '1\n', 'run.sh': { exec: '#!/bin/sh\n' } });
    const b = side(base, { 'new/two.txt': '2\n', 'link': { link: 'src/a.ts' } });
    await expectSame(a, b, true);
    const x = side(base, { 'src/a.ts': { exec: 'a\n' } }); // only the mode changes
    const y = side(base, { 'src/b.ts': 'B\n' });
    await expectSame(x, y, true);
  });

  it('merges results built on merged bases (layers of dependents), and a result with its own ancestor', async () => {
    const a1 = side(base, { 'out/a1.txt': 'a1\n' });
    const a2 = side(base, { 'out/a2.txt': 'a2\n' });
    const a3 = side(base, { 'out/a3.txt': 'a3\n' });
    const b1 = side(merged(a1, a2), { 'out/b1.txt': 'b1\n' });
    const b2 = side(merged(a2, a3), { 'out/b2.txt': 'b2\n' });
    await expectSame(b1, b2, true);
    const c1 = side(b1, { 'out/c1.txt': 'c1\n' });
    await expectSame(c1, b1, true);
    await expectSame(b1, c1, true);
  });

  it('leaves conflicts, equal edits, deletions, renames and file/folder clashes to git', async () => {
    const conflictA = side(base, { 'src/a.ts': 'A1\n' });
    const conflictB = side(base, { 'src/a.ts': 'A2\n' });
    await expectSame(conflictA, conflictB, false);
    assert.deepEqual((await mergeBase(repo, base, [conflictA, conflictB], reader)).conflicts, ['src/a.ts']);
    await expectSame(side(base, { 'src/a.ts': 'same\n' }, 'one'), side(base, { 'src/a.ts': 'same\n' }, 'two'), false);
    await expectSame(side(base, { 'src/b.ts': null }), side(base, { 'src/a.ts': 'A\n' }), false);
    // a folder renamed on one side, a file added to it on the other: git's directory-rename rules
    const renamed = side(base, { 'old/one.txt': null, 'old/two.txt': null, 'moved/one.txt': '1\n', 'moved/two.txt': '2\n' });
    await expectSame(renamed, side(base, { 'old/three.txt': '3\n' }), false);
    await expectSame(side(base, { 'clash': 'file\n' }), side(base, { 'clash/inside.txt': 'dir\n' }), false);
    await expectSame(side(base, { 'src/lib': 'now a file\n' }), side(base, { 'docs/guide.md': 'G\n' }), false);
  });

  it('leaves a criss-cross history (two merge bases) to git', async () => {
    const p = side(base, { 'out/p.txt': 'p\n' });
    const q = side(base, { 'out/q.txt': 'q\n' });
    const x = side(merged(p, q, 'x'), { 'out/x.txt': 'x\n' });
    const y = side(merged(q, p, 'y'), { 'out/y.txt': 'y\n' });
    await expectSame(x, y, false);
  });

  it('writes objects git accepts', () => {
    t.git('fsck', '--strict', '--no-dangling');
  });
});
