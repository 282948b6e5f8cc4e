// Issue 10 §2: no pattern a model writes may block the event loop. Catastrophic regexes and
// globs over a real repository: the tool answers with an error saying the pattern is too
// costly, other work (a setInterval here; other agents, cancel, timeouts in a run) goes on
// meanwhile, and a cancel ends a search at once.
import { strict as assert } from 'node:assert';
import { runRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import type { BetaToolUseBlock } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import { createWritePolicy } from '../../../src/agents/pathGuard';
import { createFileTools } from '../../../src/agents/tools';
import { ObjectReader } from '../../../src/git/catFileBatch';
import { OverlayWorkspace } from '../../../src/git/overlayWorkspace';
import { openRepo, type GitRepo } from '../../../src/git/repo';
import { cleanupRepos, makeRepo, type TestRepo } from './helpers';

// `^(a+)+$` on "a…a!" backtracks 2^n times: n = 34 is minutes of JavaScript (and beyond
// PCRE's match limit in git grep). A glob with many stars is polynomial: n^15 here.
const RUN = 'a'.repeat(34);
const BUDGET_MS = 500;

/** Counts timer ticks while `fn` runs: a blocked event loop counts none. */
async function ticking<T>(fn: () => Promise<T>): Promise<{ value: T; ticks: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  try {
    const value = await fn();
    return { value, ticks };
  } finally {
    clearInterval(timer);
  }
}

describe('git/overlay: patterns are bounded (issue 10 §2)', function () {
  let t: TestRepo;
  let repo: GitRepo;
  let reader: ObjectReader;
  let base: string;

  before(async () => {
    const lines = Array.from({ length: 50 }, () => `${RUN}!`).join('\n') + '\n';
    t = makeRepo({ 'data/slow.txt': lines, 'src/ok.ts': 'export const ok = 1;\n', [`names/${'a'.repeat(60)}.txt`]: 'x\n' });
    repo = await openRepo(t.dir);
    base = t.git('rev-parse', 'HEAD').trim();
    reader = new ObjectReader(repo);
  });
  after(() => {
    reader.dispose();
    cleanupRepos();
  });

  function tools(ac = new AbortController()) {
    const ws = new OverlayWorkspace(repo, reader, base);
    const { tools: list } = createFileTools({ workspace: ws, policy: createWritePolicy(['**'], '.agents/tasks.yaml'), signal: ac.signal, patternBudgetMs: BUDGET_MS });
    const call = async (name: string, input: unknown) => {
      const tool = list.find((x) => x.name === name);
      assert.ok(tool);
      const toolUse = { type: 'tool_use', id: 'toolu_1', name, input } as BetaToolUseBlock;
      const r = await runRunnableTool(tool, input, { toolUse, toolUseBlock: toolUse, signal: ac.signal });
      return { text: typeof r.content === 'string' ? r.content : JSON.stringify(r.content), isError: r.isError === true };
    };
    return { ws, call, ac };
  }

  it('a catastrophic regex over a base file is refused as too costly while the event loop runs', async () => {
    const { call } = tools();
    const { value, ticks } = await ticking(() => call('search', { pattern: '^(a+)+$' }));
    assert.equal(value.isError, true, value.text);
    assert.match(value.text, /too costly/);
    assert.match(value.text, /\^\(a\+\)\+\$/);
    assert.ok(ticks > 0, 'the event loop was blocked');
  });

  it('the same in a file the agent wrote (JS regex in the worker, stopped at its budget)', async () => {
    const { ws, call } = tools();
    await ws.writeFile('data/mine.txt', `${RUN}!\n`);
    const { value, ticks } = await ticking(() => call('search', { pattern: '^(a+)+$', glob: 'data/mine.txt' }));
    assert.equal(value.isError, true, value.text);
    assert.match(value.text, /too costly: it ran for more than 500 ms/);
    assert.ok(ticks > 0);
  });

  it('the same for JS-only syntax that git grep cannot read (the cat-file fallback)', async () => {
    const { call } = tools();
    // `\u0062` is "b" for JavaScript; PCRE refuses \u, so the base is searched through cat-file.
    const { value, ticks } = await ticking(() => call('search', { pattern: '^(a+)+\\u0062' }));
    assert.equal(value.isError, true, value.text);
    assert.match(value.text, /too costly/);
    assert.ok(ticks > 0);
  });

  it('a catastrophic list_files glob is refused the same way', async () => {
    const { call } = tools();
    const { value, ticks } = await ticking(() => call('list_files', { pattern: `**/${'*a'.repeat(15)}*b` }));
    assert.equal(value.isError, true, value.text);
    assert.match(value.text, /glob .* is too costly/);
    assert.ok(ticks > 0);
  });

  it('cancelling ends a search that is still matching', async () => {
    const ac = new AbortController();
    const { ws } = tools(ac);
    await ws.writeFile('data/mine.txt', `${RUN}!\n`);
    const search = ws.search('^(a+)+$', { glob: 'data/mine.txt', signal: ac.signal, budgetMs: 600_000 });
    setTimeout(() => ac.abort(new Error('cancelled by the test')), 50);
    await assert.rejects(search, /cancelled by the test/);
  });

  it('ordinary patterns still find their lines', async () => {
    const { call } = tools();
    assert.deepEqual(await call('search', { pattern: 'export const \\w+' }), { text: 'src/ok.ts:1: export const ok = 1;', isError: false });
    assert.deepEqual(await call('list_files', { pattern: 'src/*.ts' }), { text: 'src/ok.ts', isError: false });
    const long = await call('search', { pattern: 'x'.repeat(3000) });
    assert.equal(long.isError, true);
    assert.match(long.text, /at most 2000/);
  });
});
