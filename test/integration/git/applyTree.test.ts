// The after-apply tree is written in-process from the folder listings the apply read
// (FolderListings.treeWith): it must be exactly the tree git's route makes (a temp index
// holding the base, `update-index --index-info`, `write-tree`), objects git accepts
// (`fsck --strict`), and in a repository whose objects this process may not write (SHA-256)
// git's route itself.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { ObjectReader, openRepo, type GitRepo } from '../../../src/git';
import { applyRun } from '../../../src/git/apply';
import { undoApply } from '../../../src/git/undo';
import { captureWorkingTree } from '../../../src/git/workingTreeCapture';
import { FolderListings } from '../../../src/git/folderListings';
import { treeOf, treeWithUpdatesViaIndex, writeBlobs, type IndexUpdate } from '../../../src/git/objects';
import { cleanupRepos, makeRepo, TestRepo } from './helpers';
import { Scenario } from './scenario';

async function both(repo: GitRepo, base: string, updates: IndexUpdate[]): Promise<{ fast: string; git: string }> {
  const reader = new ObjectReader(repo);
  try {
    const fast = await new FolderListings(reader).treeWith(repo, base, updates);
    return { fast, git: await treeWithUpdatesViaIndex(repo, base, updates) };
  } finally {
    reader.dispose();
  }
}

describe('git/after-apply tree: written from the listings == git update-index + write-tree', function () {
  this.timeout(120_000);
  after(cleanupRepos);

  it('agrees on hand-picked cases (sort order, modes, links, gitlinks, new, emptied and replaced folders)', async () => {
    const t = makeRepo({
      'b': 'file b\n',
      'b.txt': 'b.txt\n',
      'b-': 'dash\n',
      'b0/x': 'x\n',
      'c/d/e.txt': 'e\n',
      'c/f.txt': 'f\n',
      'c/g h.txt': 'space\n',
      'é/ü.txt': 'unicode\n',
      'only/one.txt': '1\n',
      'tool.sh': '#!/bin/sh\n',
      'z.txt': 'z\n',
    });
    const repo = await openRepo(t.dir);
    const base = await treeOf(repo, 'HEAD');
    const [n1, n2, link] = (await writeBlobs(repo, [Buffer.from('new 1\n'), Buffer.from('new 2\n'), Buffer.from('c/f.txt')])) as [string, string, string];
    const head = t.git('rev-parse', 'HEAD').trim();
    const cases: IndexUpdate[][] = [
      [{ path: 'c/f.txt', mode: '100644', sha: n1 }],
      [{ path: 'tool.sh', mode: '100755', sha: n1 }],
      [{ path: 'c/d/e.txt' }],
      [{ path: 'c/d/e.txt' }, { path: 'c/f.txt' }, { path: 'c/g h.txt' }],
      [{ path: 'only/one.txt' }, { path: 'new/deep/er/file.txt', mode: '100644', sha: n2 }],
      [{ path: 'b' }, { path: 'b/inside.txt', mode: '100644', sha: n1 }],
      [{ path: 'b0/x' }, { path: 'b0', mode: '100644', sha: n2 }],
      [], // no updates
      [{ path: 'a-link', mode: '120000', sha: link }, { path: 'c/sub', mode: '160000', sha: head }],
      [{ path: 'b.txt', mode: '100644', sha: n2 }, { path: 'b-', mode: '100644', sha: n2 }, { path: 'b.a', mode: '100644', sha: n1 }],
      [{ path: 'c/d' }], // a folder is never deleted
      [{ path: 'é/ü.txt', mode: '100644', sha: n1 }, { path: 'é/a.txt', mode: '100644', sha: n2 }],
      [{ path: 'z.txt' }, { path: 'zz/a', mode: '100644', sha: n1 }, { path: 'a', mode: '100644', sha: n1 }],
      [{ path: 'b' }, { path: 'b/a' }, { path: 'z.txt', mode: '100644', sha: n1 }], // a file deleted, and a path below it
      [{ path: 'b/a' }, { path: 'b' }],
      [{ path: 'only/one.txt/x' }, { path: 'only/one.txt' }],
    ];
    for (const updates of cases) {
      const r = await both(repo, base, updates);
      assert.equal(r.fast, r.git, JSON.stringify(updates));
    }
    t.git('fsck', '--strict', '--no-dangling');
  });

  it('agrees on random updates over folders that sort around each other (property)', async () => {
    const files = ['a/1', 'a/b/2', 'a-b/3', 'a.b', 'ab/c/4', 'd/5', '6'];
    const t = makeRepo(Object.fromEntries(files.map((f) => [f, `${f}\n`])));
    const repo = await openRepo(t.dir);
    const base = await treeOf(repo, 'HEAD');
    const shas = await writeBlobs(repo, [Buffer.from('x'), Buffer.from('y')]);
    const seg = fc.constantFrom('a', 'b', 'a-b', 'a.b', 'ab', 'c', '1', '2', '6');
    const onePath = fc.array(seg, { minLength: 1, maxLength: 3 }).map((xs) => xs.join('/'));
    const update = fc.record({ path: onePath, del: fc.boolean(), which: fc.integer({ min: 0, max: 1 }), exec: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(update, { minLength: 1, maxLength: 6 }), async (raw) => {
        // the index cannot hold a file and a folder of the same name (see treeUpdates.test.ts)
        const writes = raw.filter((u) => !u.del).map((u) => u.path);
        if (writes.some((p) => writes.some((q) => q !== p && q.startsWith(p + '/')))) return;
        if (writes.some((p) => files.some((f) => f.startsWith(p + '/') || p.startsWith(f + '/')))) return;
        const seen = new Set<string>();
        const updates: IndexUpdate[] = [];
        for (const u of raw) {
          if (seen.has(u.path)) continue;
          seen.add(u.path);
          updates.push(u.del ? { path: u.path } : { path: u.path, mode: u.exec ? '100755' : '100644', sha: shas[u.which] as string });
        }
        const r = await both(repo, base, updates);
        assert.equal(r.fast, r.git, JSON.stringify(updates));
      }),
      { numRuns: 150 },
    );
    t.git('fsck', '--strict', '--no-dangling');
  });

  it('a SHA-256 repository goes through git (its trees are not SHA-1 trees)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pa-git-sha256-'));
    try {
      const t = new TestRepo(dir);
      t.git('init', '-q', '--object-format=sha256');
      t.write('a/x.txt', 'x\n');
      t.write('b.txt', 'b\n');
      t.commitAll('first');
      const repo = await openRepo(t.dir);
      const base = await treeOf(repo, 'HEAD');
      const [blob] = (await writeBlobs(repo, [Buffer.from('y\n')])) as [string];
      const r = await both(repo, base, [{ path: 'a/x.txt', mode: '100644', sha: blob }, { path: 'c/new.txt', mode: '100644', sha: blob }]);
      assert.equal(r.fast, r.git);
      t.git('fsck', '--strict', '--no-dangling');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an apply (merges, new and emptied folders, a file replaced by a folder) stores the tree it writes; undo is exact', async () => {
    const t = makeRepo({
      'src/a.ts': 'one\ntwo\nthree\nfour\nfive\n',
      'src/b.ts': 'b\n',
      'gone/only.txt': 'only\n',
      'config': 'a file that becomes a folder\n',
      'keep/x.txt': 'x\n',
    });
    const s = await Scenario.start(t);
    try {
      await s.task('t1', ['**'], { 'src/a.ts': 'ONE\ntwo\nthree\nfour\nfive\n', 'new/deep/file.txt': 'new\n', 'gone/only.txt': null });
      await s.task('t2', ['**'], { 'config': null, 'config/settings.json': '{}\n', 'src/b.ts': 'B\n', 'keep/y.txt': 'y\n' });
      t.write('src/a.ts', 'one\ntwo\nthree\nfour\nFIVE (user)\n'); // the user edits during the run
      const userFiles = t.files();
      const r = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks, reader: s.reader });
      assert.deepEqual(r.conflicts, []);
      assert.equal(t.text('src/a.ts'), 'ONE\ntwo\nthree\nfour\nFIVE (user)\n');
      const written = await captureWorkingTree(s.repo, 'after');
      assert.equal(t.git('rev-parse', `${r.afterApplyCommit}^{tree}`).trim(), written.tree, 'the after-apply tree is the working tree as written');
      t.git('fsck', '--strict', '--no-dangling');
      await undoApply(s.repo, s.runId);
      assert.deepEqual([...t.files()].sort(), [...userFiles].sort());
    } finally {
      s.dispose();
    }
  });
});
