// Trees and commits read through the run's ObjectReader are remembered by id
// (looseObjects.ts rememberRead): a dependent task's base merge walks the run base's trees,
// which the tasks listed already, without a cat-file round trip per tree.
import { strict as assert } from 'node:assert';
import { ObjectReader } from '../../../src/git/catFileBatch';
import { writtenObject } from '../../../src/git/looseObjects';
import { OverlayWorkspace } from '../../../src/git/overlayWorkspace';
import { openRepo } from '../../../src/git/repo';
import { commitOverlay, mergeBase } from '../../../src/git/resultCommit';
import { cleanupRepos, makeRepo } from './helpers';

describe('git/ObjectReader remembers the trees and commits it read', function () {
  this.timeout(30_000);
  after(cleanupRepos);

  it('a read tree or commit is found by id with git\'s content; a blob is not kept', async () => {
    const t = makeRepo({ 'a.txt': 'a\n', 'sub/b.txt': 'b\n' });
    const reader = new ObjectReader(await openRepo(t.dir));
    try {
      const tree = await reader.read('HEAD:sub');
      const commit = await reader.read('HEAD');
      const blob = await reader.read('HEAD:a.txt');
      assert.ok(tree && commit && blob);
      assert.equal(writtenObject(tree.sha)?.type, 'tree');
      assert.ok(writtenObject(tree.sha)?.content.equals(tree.content));
      assert.equal(tree.sha, t.git('rev-parse', 'HEAD:sub').trim());
      assert.equal(writtenObject(commit.sha)?.content.toString('utf8'), t.git('cat-file', 'commit', commit.sha));
      assert.equal(writtenObject(blob.sha), undefined);
    } finally {
      reader.dispose();
    }
  });

  it('merging two tasks\' disjoint results asks cat-file for the base commit only: the tasks listed its trees', async () => {
    const t = makeRepo({ 'README.md': '# r\n', 'src/a.ts': 'a\n', 'docs/g.md': 'g\n' });
    const repo = await openRepo(t.dir);
    const reader = new ObjectReader(repo);
    try {
      const base = t.git('rev-parse', 'HEAD').trim();
      const results: string[] = [];
      for (const [id, p] of [['one', 'src/new.ts'], ['two', 'docs/new.md']] as const) {
        const ws = new OverlayWorkspace(repo, reader, base);
        await ws.writeFile(p, `${id}\n`);
        results.push(await commitOverlay(repo, { runId: 'r1', taskId: id, baseCommit: base, workspace: ws, message: id }));
      }
      let reads = 0;
      const read = reader.read.bind(reader);
      reader.read = (spec: string) => (reads++, read(spec));
      const merged = await mergeBase(repo, base, results, reader);
      // the base commit itself, which no task read (they list trees)
      assert.equal(reads, 1);
      await mergeBase(repo, base, results, reader);
      assert.equal(reads, 1);
      assert.equal(t.git('rev-parse', `${merged.commit}^{tree}`).trim(), t.git('merge-tree', '--write-tree', ...results).trim());
    } finally {
      reader.dispose();
    }
  });
});
