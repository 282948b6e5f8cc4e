// A result commit asks check-attr nothing when no attributes file can reach its files
// (attributeSources.ts), and its tree is still the one `git add -A` + `git write-tree` makes
// in a worktree of the base with the task's files written: with no attributes, with a
// .gitattributes in the base, info/attributes, core.attributesFile and core.autocrlf=true.
// A .gitattributes the task wrote is asked in a stand-in work tree (treeAttributes.ts).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { attributeQuestions } from '../../../src/git/attributeProcess';
import { ObjectReader } from '../../../src/git/catFileBatch';
import { createRunId } from '../../../src/git/ids';
import { OverlayWorkspace } from '../../../src/git/overlayWorkspace';
import { openRepo } from '../../../src/git/repo';
import { commitOverlay } from '../../../src/git/resultCommit';
import { cleanupRepos, makeRepo, type TestRepo } from './helpers';

const CRLF = 'one\r\ntwo\r\n';

/** The task's files committed by the engine and by git in a worktree of HEAD; check-attr questions asked meanwhile. */
async function bothTrees(t: TestRepo, files: Record<string, string>): Promise<{ engine: string; git: string; questions: number }> {
  const repo = await openRepo(t.dir);
  const reader = new ObjectReader(repo);
  const base = t.git('rev-parse', 'HEAD').trim();
  let engine: string;
  const before = attributeQuestions();
  try {
    const ws = new OverlayWorkspace(repo, reader, base);
    for (const [p, c] of Object.entries(files)) await ws.writeFile(p, c);
    const commit = await commitOverlay(repo, { runId: createRunId(), taskId: 't', baseCommit: base, workspace: ws, message: 'm' });
    engine = t.git('rev-parse', `${commit}^{tree}`).trim();
  } finally {
    reader.dispose();
  }
  const questions = attributeQuestions() - before;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pa-wt-'));
  const wt = path.join(tmp, 'wt');
  t.git('worktree', 'add', '-q', '--detach', wt, base);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(wt, p)), { recursive: true });
    writeFileSync(path.join(wt, p), c);
  }
  t.git('-C', wt, 'add', '-A');
  const git = t.git('-C', wt, 'write-tree').trim();
  t.git('worktree', 'remove', '--force', wt);
  rmSync(tmp, { recursive: true, force: true });
  return { engine, git, questions };
}

describe('git/result commits: no check-attr when no attributes can apply', function () {
  this.timeout(30_000);
  after(cleanupRepos);

  it('no attributes anywhere: git\'s tree, and check-attr is not asked', async () => {
    const t = makeRepo({ 'a.txt': 'a\n', 'deep/er/b.txt': 'b\n' });
    const r = await bothTrees(t, { 'a.txt': CRLF, 'deep/er/b.txt': CRLF, 'deep/new/c.txt': 'c\n' });
    assert.equal(r.engine, r.git);
    assert.equal(r.questions, 0);
  });

  it('core.autocrlf=true without attributes: cleaned as git cleans, still without check-attr', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    t.git('config', 'core.autocrlf', 'true');
    const r = await bothTrees(t, { 'a.txt': CRLF, 'sub/b.txt': CRLF });
    assert.equal(r.engine, r.git);
    assert.equal(r.questions, 0);
  });

  it('a .gitattributes in the base, above the file: asked, and git\'s tree', async () => {
    const t = makeRepo({ 'sub/.gitattributes': '*.txt text\n', 'sub/a.txt': 'a\n', 'b.txt': 'b\n' });
    const r = await bothTrees(t, { 'sub/deeper/a.txt': CRLF });
    assert.equal(r.engine, r.git);
    assert.ok(r.questions > 0);
  });

  it('a .gitattributes in the base beside other folders only: no question for files it cannot reach', async () => {
    const t = makeRepo({ 'other/.gitattributes': '*.txt text\n', 'b.txt': 'b\n' });
    const r = await bothTrees(t, { 'b.txt': CRLF, 'sub/c.txt': CRLF });
    assert.equal(r.engine, r.git);
    assert.equal(r.questions, 0);
  });

  it('a .gitattributes the task wrote: git\'s tree (its own attributes clean sub/a.txt)', async () => {
    const t = makeRepo({ 'b.txt': 'b\n' });
    const r = await bothTrees(t, { 'sub/.gitattributes': '*.txt text\n', 'sub/a.txt': CRLF });
    assert.equal(r.engine, r.git);
  });

  it('$GIT_DIR/info/attributes: asked, and git\'s tree', async () => {
    const t = makeRepo({ 'b.txt': 'b\n' });
    t.write('.git/info/attributes', '*.txt text\n');
    const r = await bothTrees(t, { 'a.txt': CRLF });
    assert.equal(r.engine, r.git);
    assert.ok(r.questions > 0);
  });

  it('core.attributesFile: asked, and git\'s tree', async () => {
    const t = makeRepo({ 'b.txt': 'b\n' });
    const file = path.join(t.dir, '.git', 'global-attributes');
    writeFileSync(file, '*.txt text\n');
    t.git('config', 'core.attributesFile', file);
    const r = await bothTrees(t, { 'a.txt': CRLF });
    assert.equal(r.engine, r.git);
    assert.ok(r.questions > 0);
  });

  it('an agent\'s read asks check-attr nothing where no attributes file can reach the file, and reads filtered where one can', async () => {
    const t = makeRepo({ 'plain/a.txt': CRLF, 'crlf/.gitattributes': '*.txt text eol=crlf\n', 'crlf/b.txt': 'one\ntwo\n' });
    const repo = await openRepo(t.dir);
    const reader = new ObjectReader(repo);
    try {
      const ws = new OverlayWorkspace(repo, reader, t.git('rev-parse', 'HEAD').trim());
      const before = attributeQuestions();
      assert.equal((await ws.readFile('plain/a.txt'))?.toString('utf8'), CRLF);
      assert.equal(attributeQuestions() - before, 0);
      // Filters and encoding ask for the same path at once: one question.
      assert.equal((await ws.readFile('crlf/b.txt'))?.toString('utf8'), CRLF);
      assert.equal(attributeQuestions() - before, 1);
    } finally {
      reader.dispose();
    }
  });
});

