import assert from 'node:assert/strict';
import { runRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import type { BetaToolUseBlock } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import { createFileTools, readPage, TOOL_NAMES, type FileToolsOptions } from '../../../src/agents/tools';
import { createWritePolicy } from '../../../src/agents/pathGuard';
import { MemoryWorkspace } from '../../../src/agents/memoryWorkspace';

function setup(files: Record<string, string | Uint8Array>, owns = ['src/**'], extra: Partial<FileToolsOptions> = {}) {
  const ws = new MemoryWorkspace(files);
  const ac = new AbortController();
  const { tools, fence } = createFileTools({
    workspace: ws,
    policy: createWritePolicy(owns, '.agents/tasks.yaml'),
    signal: ac.signal,
    ...extra,
  });
  const call = async (name: string, input: unknown) => {
    const tool = tools.find((t) => t.name === name);
    assert.ok(tool, name);
    const toolUse = { type: 'tool_use', id: 'toolu_1', name, input } as BetaToolUseBlock;
    const r = await runRunnableTool(tool, input, { toolUse, toolUseBlock: toolUse, signal: ac.signal });
    return { text: typeof r.content === 'string' ? r.content : JSON.stringify(r.content), isError: r.isError };
  };
  return { ws, ac, call, tools, fence };
}

describe('agents/tools', () => {
  it('defines exactly the six tools of the contract', () => {
    const { tools } = setup({});
    assert.deepEqual(tools.map((t) => t.name), [...TOOL_NAMES]);
    const props = (n: string) => Object.keys((tools.find((t) => t.name === n) as { input_schema: { properties: object } }).input_schema.properties);
    assert.deepEqual(props('read_file'), ['path', 'offset', 'limit']);
    assert.deepEqual(props('list_files'), ['pattern']);
    assert.deepEqual(props('search'), ['pattern', 'glob']);
    assert.deepEqual(props('write_file'), ['path', 'content', 'executable']);
    assert.deepEqual(props('edit_file'), ['path', 'old_text', 'new_text']);
    assert.deepEqual(props('delete_file'), ['path']);
  });

  describe('read_file', () => {
    it('reads a small file whole', async () => {
      const { call } = setup({ 'a.txt': 'one\ntwo\n' });
      assert.deepEqual(await call('read_file', { path: 'a.txt' }), { text: 'one\ntwo\n', isError: false });
    });

    it('reads big files in pages with a note on how to read on', async () => {
      const lines = Array.from({ length: 25 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
      const { call } = setup({ 'big.txt': lines }, ['src/**'], { pageLines: 10 });
      const first = await call('read_file', { path: 'big.txt' });
      assert.equal(first.isError, false);
      assert.match(first.text, /^line 1\n/);
      assert.match(first.text, /Lines 1–10 of 25/);
      assert.match(first.text, /offset 11/);
      const last = await call('read_file', { path: 'big.txt', offset: 21 });
      assert.match(last.text, /^line 21\n/);
      assert.match(last.text, /end of the file/);
      const past = await call('read_file', { path: 'big.txt', offset: 40 });
      assert.equal(past.isError, true);
      assert.match(past.text, /25 lines/);
    });

    it('caps a page by bytes too', () => {
      const text = Array.from({ length: 100 }, () => 'x'.repeat(100)).join('\n');
      const page = readPage(text, 'f', 1, 2000, 1000);
      assert.match(page, /Lines 1–9 of 100/);
    });

    it('refuses files over maxFileBytes for read_file and edit_file, pointing at search', async () => {
      const { call } = setup({ 'src/big.txt': 'x\n'.repeat(600_000) }, ['src/**'], { maxFileBytes: 1024 * 1024 });
      for (const [name, input] of [['read_file', { path: 'src/big.txt' }], ['edit_file', { path: 'src/big.txt', old_text: 'x', new_text: 'y' }]] as const) {
        const r = await call(name, input);
        assert.equal(r.isError, true, name);
        assert.match(r.text, /"src\/big\.txt" is 1\.1 MB; read_file and edit_file take text files of at most 1\.0 MB\. Use search/);
      }
    });

    it('pages from any offset, cuts long lines, and counts a last line without newline', () => {
      const text = 'a\nb\n' + 'c'.repeat(5000) + '\nd';
      assert.equal(readPage(text, 'f', 2, 2), `b\n${'c'.repeat(4000)} … [line cut: 5000 characters]\n\n[Lines 2–3 of 4 of "f". To read on, call read_file with path "f" and offset 4.]`);
      assert.equal(readPage(text, 'f', 4), 'd\n\n[Lines 4–4 of 4 of "f". This is the end of the file.]');
      assert.equal(readPage('a\n\n', 'f'), 'a\n\n');
    });

    it('refuses binary files with a clear message', async () => {
      const { call } = setup({ 'img.png': new Uint8Array([0x89, 0x50, 0x00, 0x01]) });
      const r = await call('read_file', { path: 'img.png' });
      assert.equal(r.isError, true);
      assert.match(r.text, /binary file/);
    });

    it('says when a file does not exist or is a directory, and refuses .git and escapes', async () => {
      const { call } = setup({ 'src/a.ts': 'x' });
      assert.match((await call('read_file', { path: 'nope.ts' })).text, /does not exist/);
      assert.match((await call('read_file', { path: 'src' })).text, /is a directory/);
      assert.equal((await call('read_file', { path: '.git/config' })).isError, true);
      assert.equal((await call('read_file', { path: '../x' })).isError, true);
      assert.equal((await call('read_file', { path: '/etc/passwd' })).isError, true);
    });
  });

  it('list_files lists everything, a glob, or a directory', async () => {
    const { call } = setup({ 'src/a.ts': '', 'src/b/c.ts': '', 'README.md': '' });
    assert.equal((await call('list_files', {})).text, 'README.md\nsrc/a.ts\nsrc/b/c.ts');
    assert.equal((await call('list_files', { pattern: 'src/**/*.ts' })).text, 'src/a.ts\nsrc/b/c.ts');
    assert.equal((await call('list_files', { pattern: 'src/b' })).text, 'src/b/c.ts');
    assert.match((await call('list_files', { pattern: '*.py' })).text, /No files match/);
  });

  it('search finds lines by regular expression, optionally in a glob, and rejects bad patterns', async () => {
    const { call } = setup({ 'src/a.ts': 'const x = 1;\nfunction foo() {}\n', 'lib/b.ts': 'function bar() {}\n' });
    assert.equal((await call('search', { pattern: 'function \\w+' })).text, 'lib/b.ts:1: function bar() {}\nsrc/a.ts:2: function foo() {}');
    assert.equal((await call('search', { pattern: 'function', glob: 'src/**' })).text, 'src/a.ts:2: function foo() {}');
    const bad = await call('search', { pattern: '(' });
    assert.equal(bad.isError, true);
    assert.match(bad.text, /Invalid regular expression/);
  });

  describe('write_file / edit_file / delete_file', () => {
    it('write_file creates and overwrites owned files', async () => {
      const { call, ws } = setup({ 'src/a.ts': 'old' });
      assert.match((await call('write_file', { path: 'src/new.ts', content: 'n\n' })).text, /Created/);
      assert.match((await call('write_file', { path: 'src/a.ts', content: 'new' })).text, /Overwrote/);
      assert.equal(ws.text('src/new.ts'), 'n\n');
      assert.equal(ws.text('src/a.ts'), 'new');
    });

    it('refuses writes, edits and deletes outside owns as errors naming path and owns, changing nothing', async () => {
      const { call, ws } = setup({ 'lib/a.ts': 'keep' });
      for (const [name, input] of [
        ['write_file', { path: 'lib/a.ts', content: 'x' }],
        ['edit_file', { path: 'lib/a.ts', old_text: 'keep', new_text: 'x' }],
        ['delete_file', { path: 'lib/a.ts' }],
      ] as const) {
        const r = await call(name, input);
        assert.equal(r.isError, true, name);
        assert.match(r.text, /"lib\/a\.ts"/);
        assert.match(r.text, /owns: src\/\*\*/);
      }
      assert.equal(ws.text('lib/a.ts'), 'keep');
      assert.deepEqual(ws.changes(), []);
    });

    it('edit_file replaces exactly one match, else says how many', async () => {
      const { call, ws } = setup({ 'src/a.ts': 'a = 1;\nb = 1;\nc = 2;\n' });
      const many = await call('edit_file', { path: 'src/a.ts', old_text: '= 1;', new_text: '= 3;' });
      assert.equal(many.isError, true);
      assert.match(many.text, /matches 2 places/);
      const none = await call('edit_file', { path: 'src/a.ts', old_text: 'zzz', new_text: '' });
      assert.equal(none.isError, true);
      assert.match(none.text, /0 matches/);
      assert.equal(ws.text('src/a.ts'), 'a = 1;\nb = 1;\nc = 2;\n');
      const one = await call('edit_file', { path: 'src/a.ts', old_text: 'b = 1;', new_text: 'b = 5;' });
      assert.deepEqual(one, { text: 'Edited "src/a.ts" at line 2.', isError: false });
      assert.equal(ws.text('src/a.ts'), 'a = 1;\nb = 5;\nc = 2;\n');
    });

    it('delete_file deletes owned files and reports missing ones', async () => {
      const { call, ws } = setup({ 'src/a.ts': 'x' });
      assert.equal((await call('delete_file', { path: 'src/a.ts' })).text, 'Deleted "src/a.ts".');
      assert.equal(ws.peek('src/a.ts'), undefined);
      assert.deepEqual(ws.changes(), [{ path: 'src/a.ts', kind: 'delete' }]);
      assert.match((await call('delete_file', { path: 'src/a.ts' })).text, /does not exist/);
    });

    it('applies no mutation once the task is cancelled', async () => {
      const { call, ws, ac } = setup({ 'src/a.ts': 'x' });
      ac.abort();
      for (const [name, input] of [
        ['write_file', { path: 'src/b.ts', content: 'y' }],
        ['edit_file', { path: 'src/a.ts', old_text: 'x', new_text: 'z' }],
        ['delete_file', { path: 'src/a.ts' }],
      ] as const) {
        const r = await call(name, input);
        assert.equal(r.isError, true);
        assert.match(r.text, /cancelled/);
      }
      assert.deepEqual(ws.changes(), []);
    });

    it('reports schema violations as tool errors', async () => {
      const { call } = setup({});
      const r = await call('write_file', { path: 'src/a.ts' });
      assert.equal(r.isError, true);
    });
  });
});
