import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ObjectReader, openRepo } from '../../../src/git';
import { FolderListings } from '../../../src/git/folderListings';
import { treeWithUpdatesIncremental, treeWithUpdatesViaIndex, writeBlobs, type IndexUpdate } from '../../../src/git/objects';
import { cleanupRepos, makeRepo } from './helpers';

// The incremental tree builder (only the touched folders, for big repositories) must
// give exactly the tree the temp-index route gives, for any mix of writes and deletes.
describe('git/tree updates: incremental == temp index', function () {
  this.timeout(60_000);
  after(cleanupRepos);

  it('agrees on hand-picked cases: new folders, emptied folders, a file replaced by a folder', async () => {
    const t = makeRepo({ 'a/b/c.txt': 'c\n', 'a/d.txt': 'd\n', 'top.txt': 't\n', 'x/only.txt': 'o\n', 'f': 'file\n' });
    const repo = await openRepo(t.dir);
    const [blob] = await writeBlobs(repo, [Buffer.from('new\n')]);
    const cases: IndexUpdate[][] = [
      [{ path: 'a/b/c.txt', mode: '100644', sha: blob! }],
      [{ path: 'n/e/w/file.txt', mode: '100644', sha: blob! }],
      [{ path: 'x/only.txt' }],
      [{ path: 'a/b/c.txt' }, { path: 'a/d.txt' }],
      [{ path: 'f' }, { path: 'f/inside.txt', mode: '100644', sha: blob! }],
      [{ path: 'top.txt', mode: '100755', sha: blob! }, { path: 'missing.txt' }],
      // A file deleted together with a path below it (found by the property below): the file goes.
      [{ path: 'a/d.txt' }, { path: 'a/d.txt/x' }],
      [{ path: 'a/d.txt/x' }, { path: 'a/d.txt' }],
      [{ path: 'f' }, { path: 'f/x/y' }, { path: 'top.txt' }],
    ];
    for (const updates of cases) {
      const a = await treeWithUpdatesIncremental(repo, 'HEAD', updates);
      const b = await treeWithUpdatesViaIndex(repo, 'HEAD', updates);
      assert.equal(a, b, JSON.stringify(updates));
    }
  });

  it('agrees on random updates (property)', async () => {
    const t = makeRepo({ 'a/1': '1', 'a/b/2': '2', 'a/b/c/3': '3', 'd/4': '4', '5': '5' });
    const repo = await openRepo(t.dir);
    const shas = await writeBlobs(repo, [Buffer.from('x'), Buffer.from('y')]);
    const reader = new ObjectReader(repo);
    const seg = fc.constantFrom('a', 'b', 'c', 'd', '1', '2', 'n');
    const path = fc.array(seg, { minLength: 1, maxLength: 4 }).map((xs) => xs.join('/'));
    const update = fc.record({ path, del: fc.boolean(), which: fc.integer({ min: 0, max: 1 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(update, { minLength: 1, maxLength: 5 }), async (raw) => {
        // The index route cannot hold a file and a folder of the same name: keep only updates
        // where no written path is a prefix of another written path.
        // Nor a file written where the base has a folder, or below a base file (the
        // overlay's tools never produce those).
        const writes = raw.filter((u) => !u.del).map((u) => u.path);
        if (writes.some((p) => writes.some((q) => q !== p && q.startsWith(p + '/')))) return;
        const baseFiles = ['a/1', 'a/b/2', 'a/b/c/3', 'd/4', '5'];
        if (writes.some((p) => baseFiles.some((f) => f.startsWith(p + '/') || p.startsWith(f + '/')))) return;
        const seen = new Set<string>();
        const updates: IndexUpdate[] = [];
        for (const u of raw) {
          if (seen.has(u.path)) continue;
          seen.add(u.path);
          updates.push(u.del ? { path: u.path } : { path: u.path, mode: '100644', sha: shas[u.which]! });
        }
        const a = await treeWithUpdatesIncremental(repo, 'HEAD', updates);
        const b = await treeWithUpdatesViaIndex(repo, 'HEAD', updates);
        // …and with folders read through a cat-file --batch reader, as result commits do.
        const c = await treeWithUpdatesIncremental(repo, 'HEAD', updates, (t, d) => reader.readFolder(t, d));
        // …and on raw listings, as apply does.
        const d = await new FolderListings(reader).treeWith(repo, 'HEAD', updates);
        assert.equal(a, b, JSON.stringify(updates));
        assert.equal(c, b, JSON.stringify(updates));
        assert.equal(d, b, JSON.stringify(updates));
      }),
      { numRuns: 150 },
    ).finally(() => reader.dispose());
  });
});
