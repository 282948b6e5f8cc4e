// Issue 11 §1, the agents' side: what an agent reads is what git would check out (eol=crlf,
// smudge filters, core.autocrlf), and what it writes is stored as git would clean it, so a
// CRLF .bat read by an agent shows CRLF and an edit keeps CRLF in the working tree after
// apply. A working-tree-encoding file is read and written in the UTF-8 git stores.
import { strict as assert } from 'node:assert';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import type { BetaToolUseBlock } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import { createWritePolicy } from '../../../src/agents/pathGuard';
import { createFileTools } from '../../../src/agents/tools';
import { applyRun } from '../../../src/git/apply';
import { ObjectReader } from '../../../src/git/catFileBatch';
import { createRunId } from '../../../src/git/ids';
import { OverlayWorkspace } from '../../../src/git/overlayWorkspace';
import { openRepo } from '../../../src/git/repo';
import { commitOverlay } from '../../../src/git/resultCommit';
import { snapshotWorkingTree } from '../../../src/git/snapshot';
import { cleanupRepos, makeRepo, type TestRepo } from './helpers';

const crlf = (s: string) => s.replace(/\n/g, '\r\n');
const utf16 = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);

/** An agent's tools on an overlay of the working tree's snapshot; `finish` commits and applies. */
async function agentOn(t: TestRepo) {
  const repo = await openRepo(t.dir);
  const runId = createRunId();
  const base = await snapshotWorkingTree(repo, runId);
  const reader = new ObjectReader(repo);
  const ws = new OverlayWorkspace(repo, reader, base);
  const ac = new AbortController();
  const { tools } = createFileTools({ workspace: ws, policy: createWritePolicy(['**'], '.agents/tasks.yaml'), signal: ac.signal });
  const call = async (name: string, input: unknown) => {
    const tool = tools.find((x) => x.name === name);
    assert.ok(tool, name);
    const toolUse = { type: 'tool_use', id: 'toolu_1', name, input } as BetaToolUseBlock;
    const r = await runRunnableTool(tool, input, { toolUse, toolUseBlock: toolUse, signal: ac.signal });
    const text = typeof r.content === 'string' ? r.content : JSON.stringify(r.content);
    assert.ok(!r.isError, `${name}: ${text}`);
    return text;
  };
  const finish = async () => {
    try {
      const resultCommit = await commitOverlay(repo, { runId, taskId: 'agent', baseCommit: base, workspace: ws, message: 'agent' });
      const applied = await applyRun(repo, { runId, tasks: [{ id: 'agent', owns: ['**'], baseCommit: base, resultCommit }], reader });
      assert.deepEqual(applied.conflicts, []);
      return resultCommit;
    } finally {
      reader.dispose();
    }
  };
  return { call, finish };
}

describe('git/overlay: agents read checkouts and write what git would clean (issue 11 §1)', function () {
  this.timeout(30_000);
  after(cleanupRepos);

  it('eol=crlf, a smudge/clean filter and working-tree-encoding, through read_file, edit_file, write_file and apply', async () => {
    const t = makeRepo({
      '.gitattributes': '*.bat text eol=crlf\n*.up filter=upper\n*.u16 text working-tree-encoding=UTF-16LE-BOM\n',
      'build.bat': crlf('@echo off\nset A=1\nset B=2\n'),
      'shout.up': 'abc\n',
      'names.u16': utf16('ann\nbob\n'),
    });
    t.git('config', 'filter.upper.smudge', 'tr a-z A-Z');
    t.git('config', 'filter.upper.clean', 'tr A-Z a-z');
    t.git('checkout', '--', 'shout.up'); // the working tree as the filter makes it
    assert.equal(t.git('cat-file', 'blob', 'HEAD:build.bat'), '@echo off\nset A=1\nset B=2\n');
    const { call, finish } = await agentOn(t);

    assert.equal(await call('read_file', { path: 'build.bat' }), '@echo off\r\nset A=1\r\nset B=2\r\n');
    assert.match(await call('search', { pattern: 'set B=2$' }), /^build\.bat:3: set B=2$/);
    await call('edit_file', { path: 'build.bat', old_text: 'set A=1', new_text: 'set A=one' });
    await call('write_file', { path: 'new.bat', content: 'echo new\r\n' });
    assert.equal(await call('read_file', { path: 'shout.up' }), 'ABC\n');
    await call('edit_file', { path: 'shout.up', old_text: 'ABC\n', new_text: 'ABC\nDEF\n' });
    assert.equal(await call('read_file', { path: 'names.u16' }), 'ann\nbob\n');
    await call('edit_file', { path: 'names.u16', old_text: 'bob', new_text: 'bea' });

    const result = await finish();
    // stored as git would clean it
    assert.equal(t.git('cat-file', 'blob', `${result}:build.bat`), '@echo off\nset A=one\nset B=2\n');
    assert.equal(t.git('cat-file', 'blob', `${result}:new.bat`), 'echo new\n');
    assert.equal(t.git('cat-file', 'blob', `${result}:shout.up`), 'abc\ndef\n');
    assert.equal(t.git('cat-file', 'blob', `${result}:names.u16`), 'ann\nbea\n');
    // and written as git would check it out
    assert.equal(t.read('build.bat').toString('utf8'), crlf('@echo off\nset A=one\nset B=2\n'));
    assert.equal(t.read('new.bat').toString('utf8'), 'echo new\r\n');
    assert.equal(t.text('shout.up'), 'ABC\nDEF\n');
    assert.ok(t.read('names.u16').equals(utf16('ann\nbea\n')));
    assert.deepEqual(t.git('status', '--porcelain').split('\n').filter(Boolean).map((l) => l.trim()).sort(), ['?? new.bat', 'M build.bat', 'M names.u16', 'M shout.up']);
  });

  it('core.autocrlf=true: CRLF files read as CRLF and stay CRLF after an edit', async () => {
    const t = makeRepo();
    t.git('config', 'core.autocrlf', 'true');
    t.write('notes.txt', 'one\r\ntwo\r\n');
    t.commitAll('initial');
    assert.equal(t.git('cat-file', 'blob', 'HEAD:notes.txt'), 'one\ntwo\n');
    const { call, finish } = await agentOn(t);
    assert.equal(await call('read_file', { path: 'notes.txt' }), 'one\r\ntwo\r\n');
    await call('edit_file', { path: 'notes.txt', old_text: 'two\r\n', new_text: 'two\r\nthree\r\n' });
    const result = await finish();
    assert.equal(t.git('cat-file', 'blob', `${result}:notes.txt`), 'one\ntwo\nthree\n');
    assert.equal(t.read('notes.txt').toString('utf8'), 'one\r\ntwo\r\nthree\r\n');
  });

  /** The tree git itself makes of `base` with the same writes and deletes: `git add -A` in a checkout of it. */
  function gitsOwnTree(t: TestRepo, base: string, writes: Record<string, string>, deletes: string[]): string {
    const wt = `${t.dir}-wt-${Math.random().toString(16).slice(2)}`;
    t.git('worktree', 'add', '-q', '--detach', wt, base);
    for (const [p, c] of Object.entries(writes)) {
      mkdirSync(path.dirname(path.join(wt, p)), { recursive: true });
      writeFileSync(path.join(wt, p), c);
    }
    for (const p of deletes) rmSync(path.join(wt, p));
    t.git('-C', wt, 'add', '-A');
    const tree = t.git('-C', wt, 'write-tree').trim();
    t.git('worktree', 'remove', '--force', wt);
    return tree;
  }

  it("a task's own .gitattributes decides how its files are stored, as git add in its result would (written and deleted)", async () => {
    // Written: sub/.gitattributes makes *.txt text, so the CRLF file is stored with LF.
    const t = makeRepo({ 'readme.md': 'r\n', 'sub/keep.txt': 'k\n' });
    const a = await agentOn(t);
    const writes = { 'sub/.gitattributes': '*.txt text\n', 'sub/a.txt': 'one\r\ntwo\r\n', 'b.txt': 'b\r\n' };
    for (const [p, c] of Object.entries(writes)) await a.call('write_file', { path: p, content: c });
    const result = await a.finish();
    assert.equal(t.git('cat-file', 'blob', `${result}:sub/a.txt`), 'one\ntwo\n');
    assert.equal(t.git('cat-file', 'blob', `${result}:b.txt`), 'b\r\n'); // outside sub/: no attribute applies
    assert.equal(t.git('rev-parse', `${result}^{tree}`).trim(), gitsOwnTree(t, `${result}~1`, writes, []));

    // Deleted: with the top .gitattributes gone, a CRLF file keeps its CRs.
    const u = makeRepo({ '.gitattributes': '*.txt text\n', 'x.txt': 'x\n' });
    const b = await agentOn(u);
    await b.call('delete_file', { path: '.gitattributes' });
    await b.call('write_file', { path: 'y.txt', content: 'y\r\n' });
    const result2 = await b.finish();
    assert.equal(u.git('cat-file', 'blob', `${result2}:y.txt`), 'y\r\n');
    assert.equal(u.git('rev-parse', `${result2}^{tree}`).trim(), gitsOwnTree(u, `${result2}~1`, { 'y.txt': 'y\r\n' }, ['.gitattributes']));
  });
});

