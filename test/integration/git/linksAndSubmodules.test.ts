// Issue 11 §3, §4, §7 on a real repository: symbolic links in and out of the workspace, a
// submodule added with `git submodule add` of a local repository, executable files. What
// the agents' tools see and do, and what the task's result commit holds.
import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { runRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import type { BetaToolUseBlock } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import { createWritePolicy } from '../../../src/agents/pathGuard';
import { createFileTools } from '../../../src/agents/tools';
import type { TaskWorkspace } from '../../../src/core/workspace';
import { PrefixedWorkspace } from '../../../src/engine/prefixedWorkspace';
import { ObjectReader } from '../../../src/git/catFileBatch';
import { createRunId } from '../../../src/git/ids';
import { OverlayWorkspace } from '../../../src/git/overlayWorkspace';
import { openRepo, type GitRepo } from '../../../src/git/repo';
import { commitOverlay } from '../../../src/git/resultCommit';
import { snapshotWorkingTree } from '../../../src/git/snapshot';
import { cleanupRepos, makeRepo, type TestRepo } from './helpers';

function toolsFor(ws: TaskWorkspace, owns = ['**']) {
  const ac = new AbortController();
  const { tools } = createFileTools({ workspace: ws, policy: createWritePolicy(owns, '.agents/tasks.yaml'), signal: ac.signal });
  return async (name: string, input: unknown) => {
    const tool = tools.find((x) => x.name === name);
    assert.ok(tool, name);
    const toolUse = { type: 'tool_use', id: 'toolu_1', name, input } as BetaToolUseBlock;
    const r = await runRunnableTool(tool, input, { toolUse, toolUseBlock: toolUse, signal: ac.signal });
    return { text: typeof r.content === 'string' ? r.content : JSON.stringify(r.content), isError: r.isError === true };
  };
}

describe('git/overlay: symbolic links, submodules and modes as git has them (issue 11 §3, §4, §7)', function () {
  this.timeout(30_000);
  let t: TestRepo;
  let repo: GitRepo;
  let reader: ObjectReader;
  let base: string;
  const runId = createRunId();
  let n = 0;

  /** `ls-tree` of one path in a commit: "mode type sha\tpath". */
  const entryAt = (commit: string, p: string) => t.git('ls-tree', commit, '--', p).trim();

  before(async () => {
    const lib = makeRepo({ 's.txt': 'submodule file\n' });
    t = makeRepo({ 'real.txt': 'real\n', 'd/f.txt': 'in d\n', 'pkg/a.txt': 'a in pkg\n', 'run.sh': '#!/bin/sh\necho run\n', 'plain.sh': 'echo plain\n' });
    chmodSync(path.join(t.dir, 'run.sh'), 0o755);
    symlinkSync('real.txt', path.join(t.dir, 'link.txt'));
    symlinkSync('d', path.join(t.dir, 'dlink'));
    symlinkSync('/etc', path.join(t.dir, 'etc-link'));
    symlinkSync('../outside.txt', path.join(t.dir, 'up.txt'));
    symlinkSync('../real.txt', path.join(t.dir, 'pkg', 'up.txt'));
    symlinkSync('missing.txt', path.join(t.dir, 'dangling.txt'));
    mkdirSync(path.join(t.dir, 'e'));
    t.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib.dir, 'sub');
    t.commitAll('links, a submodule, an executable');
    repo = await openRepo(t.dir);
    base = await snapshotWorkingTree(repo, runId);
    reader = new ObjectReader(repo);
    assert.match(entryAt(base, 'sub'), /^160000 commit /);
    assert.match(entryAt(base, 'link.txt'), /^120000 blob /);
  });
  after(() => {
    reader.dispose();
    cleanupRepos();
  });

  const overlay = () => new OverlayWorkspace(repo, reader, base);
  const commit = (ws: OverlayWorkspace) => commitOverlay(repo, { runId, taskId: `t${++n}`, baseCommit: base, workspace: ws, message: 'test' });

  describe('symbolic links', () => {
    it('read_file follows a link inside the workspace and says so; it never returns the target path as content', async () => {
      const call = toolsFor(overlay());
      const r = await call('read_file', { path: 'link.txt' });
      assert.equal(r.isError, false, r.text);
      assert.equal(r.text, 'real\n\n["link.txt" is a symbolic link; this is its target "real.txt". Edits go to "real.txt".]');
      const through = await call('read_file', { path: 'dlink/f.txt' });
      assert.match(through.text, /^in d\n/);
      assert.match((await call('read_file', { path: 'dangling.txt' })).text, /"dangling\.txt" is a symbolic link to "missing\.txt", which does not exist/);
    });

    it('refuses reads and writes through links that leave the workspace', async () => {
      const ws = overlay();
      const call = toolsFor(ws);
      for (const [name, input, re] of [
        ['read_file', { path: 'etc-link/passwd' }, /"etc-link" is a symbolic link to "\/etc", outside the workspace/],
        ['read_file', { path: 'up.txt' }, /"up\.txt" is a symbolic link to "\.\.\/outside\.txt", outside the workspace/],
        ['write_file', { path: 'etc-link/x', content: 'x' }, /write_file refused: "etc-link" is a symbolic link to "\/etc", outside the workspace; the tools do not follow it\. Nothing was changed\./],
        ['edit_file', { path: 'up.txt', old_text: 'a', new_text: 'b' }, /edit_file refused: .*outside the workspace/],
      ] as const) {
        const r = await call(name, input);
        assert.equal(r.isError, true, `${name} ${JSON.stringify(input)}: ${r.text}`);
        assert.match(r.text, re);
      }
      // the overlay itself refuses too, whoever calls it
      await assert.rejects(ws.writeFile('etc-link/x', 'x'), /“etc-link” is a symbolic link, not a folder/);
      await assert.rejects(ws.writeFile('link.txt', 'x'), /it is a symbolic link/);
      assert.deepEqual(ws.changes(), []);
      const sha = await commit(ws);
      assert.equal(entryAt(sha, 'etc-link'), entryAt(base, 'etc-link'));
    });

    it('a link that leaves a workspace folder is outside, even when it stays in the repository', async () => {
      const call = toolsFor(new PrefixedWorkspace(overlay(), 'pkg/', path.join(t.dir, 'pkg')));
      assert.equal((await call('read_file', { path: 'a.txt' })).text, 'a in pkg\n');
      const r = await call('read_file', { path: 'up.txt' });
      assert.equal(r.isError, true);
      assert.match(r.text, /"up\.txt" is a symbolic link to "\.\.\/real\.txt", outside the workspace/);
    });

    it('writes and edits through a link change its target; the link stays a link with the same target', async () => {
      const ws = overlay();
      const call = toolsFor(ws);
      assert.deepEqual(await call('edit_file', { path: 'link.txt', old_text: 'real', new_text: 'edited' }), {
        text: 'Edited "real.txt" (through the symbolic link "link.txt") at line 1.',
        isError: false,
      });
      assert.match((await call('write_file', { path: 'dlink/new.txt', content: 'new\n' })).text, /^Created "d\/new\.txt" \(through the symbolic link "dlink"\)/);
      const sha = await commit(ws);
      assert.equal(t.git('cat-file', 'blob', `${sha}:real.txt`), 'edited\n');
      assert.equal(t.git('cat-file', 'blob', `${sha}:d/new.txt`), 'new\n');
      assert.equal(entryAt(sha, 'link.txt'), entryAt(base, 'link.txt'));
      assert.equal(entryAt(sha, 'dlink'), entryAt(base, 'dlink'));
      assert.deepEqual(t.git('diff-tree', '-r', '--name-only', base, sha).trim().split('\n').sort(), ['d/new.txt', 'real.txt']);
    });

    it('the target must be owned, not only the link', async () => {
      const call = toolsFor(overlay(), ['link.txt']);
      const r = await call('write_file', { path: 'link.txt', content: 'x' });
      assert.equal(r.isError, true);
      assert.match(r.text, /"link\.txt" leads through symbolic links to "real\.txt": "real\.txt" is outside what this task owns/);
    });

    it('delete_file deletes the link, not its target; list_files shows links as links; search skips them', async () => {
      const ws = overlay();
      const call = toolsFor(ws);
      const listed = (await call('list_files', {})).text.split('\n');
      assert.ok(listed.includes('link.txt -> real.txt (symbolic link)'), listed.join('\n'));
      assert.ok(listed.includes('etc-link -> /etc (symbolic link)'));
      assert.ok(listed.includes('real.txt'));
      assert.ok(!listed.some((l) => l.startsWith('sub')), 'the submodule is not listed');
      assert.equal((await call('list_files', { pattern: 'dlink' })).text, 'dlink -> d (symbolic link)');
      assert.match((await call('list_files', { pattern: 'dlink/**' })).text, /^\["dlink" is a symbolic link to "d"; these are the files of "d"\.\]\nd\/f\.txt$/);
      assert.match((await call('search', { pattern: 'real\\.txt' })).text, /^No lines match/);
      assert.equal((await call('delete_file', { path: 'link.txt' })).text, 'Deleted the symbolic link "link.txt" (its target "real.txt" is unchanged).');
      const sha = await commit(ws);
      assert.equal(entryAt(sha, 'link.txt'), '');
      assert.equal(t.git('cat-file', 'blob', `${sha}:real.txt`), 'real\n');
    });
  });

  describe('submodules', () => {
    it('are not part of the workspace: reads, listings and writes under them are refused, and the gitlink stays', async () => {
      const ws = overlay();
      const call = toolsFor(ws);
      const said = /"sub" is a git submodule; it is not part of this task's workspace/;
      for (const [name, input] of [
        ['read_file', { path: 'sub/s.txt' }],
        ['read_file', { path: 'sub' }],
        ['list_files', { pattern: 'sub' }],
        ['list_files', { pattern: 'sub/**' }],
        ['write_file', { path: 'sub/new.txt', content: 'x' }],
        ['write_file', { path: 'sub', content: 'x' }],
        ['delete_file', { path: 'sub' }],
      ] as const) {
        const r = await call(name, input);
        assert.match(r.text, said, `${name} ${JSON.stringify(input)}: ${r.text}`);
        assert.equal(r.isError, name !== 'list_files', name);
      }
      await assert.rejects(ws.writeFile('sub/new.txt', 'x'), /“sub” is a git submodule/);
      await assert.rejects(ws.deleteFile('sub'), /it is a git submodule/);
      const sha = await commit(ws);
      assert.equal(entryAt(sha, 'sub'), entryAt(base, 'sub'));
      assert.equal(t.git('rev-parse', `${sha}^{tree}`).trim(), t.git('rev-parse', `${base}^{tree}`).trim());
    });
  });

  describe('executable files', () => {
    it('write_file sets or clears the mode, keeps it when not told, and edit_file keeps it', async () => {
      const ws = overlay();
      const call = toolsFor(ws);
      assert.match((await call('write_file', { path: 'scripts/new.sh', content: '#!/bin/sh\n', executable: true })).text, /^Created "scripts\/new\.sh" \(1 line, 10 bytes, executable\)\.$/);
      assert.match((await call('write_file', { path: 'run.sh', content: '#!/bin/sh\necho new\n' })).text, /executable\)\.$/);
      assert.match((await call('write_file', { path: 'plain.sh', content: 'echo now executable\n', executable: true })).text, /executable/);
      await call('write_file', { path: 'new-plain.txt', content: 'x\n' });
      const sha = await commit(ws);
      assert.match(entryAt(sha, 'scripts/new.sh'), /^100755 /);
      assert.match(entryAt(sha, 'run.sh'), /^100755 /);
      assert.match(entryAt(sha, 'plain.sh'), /^100755 /);
      assert.match(entryAt(sha, 'new-plain.txt'), /^100644 /);

      const ws2 = overlay();
      const call2 = toolsFor(ws2);
      await call2('edit_file', { path: 'run.sh', old_text: 'echo run', new_text: 'echo edited' });
      await call2('write_file', { path: 'plain.sh', content: 'echo plain\n', executable: true });
      const sha2 = await commit(ws2);
      assert.match(entryAt(sha2, 'run.sh'), /^100755 /);
      assert.deepEqual(t.git('diff-tree', '-r', '--raw', base, sha2).trim().split('\n').map((l) => l.replace(/ [0-9a-f]{40} [0-9a-f]{40} /, ' ')), [
        ':100644 100755 M\tplain.sh',
        ':100755 100755 M\trun.sh',
      ]);

      const ws3 = overlay();
      await toolsFor(ws3)('write_file', { path: 'run.sh', content: '#!/bin/sh\necho run\n', executable: false });
      assert.match(entryAt(await commit(ws3), 'run.sh'), /^100644 /);
    });
  });

  it('a write never replaces a folder or goes below a file', async () => {
    const ws = overlay();
    const call = toolsFor(ws);
    const r = await call('write_file', { path: 'd', content: 'x' });
    assert.equal(r.isError, true);
    assert.match(r.text, /"d" is a directory/);
    const below = await call('write_file', { path: 'real.txt/x', content: 'x' });
    assert.equal(below.isError, true);
    assert.match(below.text, /"real\.txt" is a file, so "real\.txt\/x" cannot exist/);
    await assert.rejects(ws.writeFile('d', 'x'), /it is a folder/);
    assert.deepEqual(ws.changes(), []);
  });
});
