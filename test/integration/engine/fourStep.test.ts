import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { startRun } from '../../../src/engine';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { captureIO } from '../../unit/cli/helpers';
import { exampleRepo, git } from './fixture';
import { fourStepScript, TEST_FILE, TESTS_SUMMARY } from './fourStepScript';

describe('engine: the four-step example end to end (real SDK, fake API over HTTP, real git)', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let repo: ReturnType<typeof exampleRepo>;
  beforeEach(async () => {
    fake = await startFakeAnthropic({ script: fourStepScript(), latencyMs: 150, apiKey: 'test-key' });
    repo = exampleRepo();
  });
  afterEach(async () => {
    await fake.close();
    repo.cleanup();
  });

  it('runs tests, docs and lint together, then changelog with the tests output; refuses an unowned write', async () => {
    // A user edit made before the run (uncommitted) must survive untouched.
    writeFileSync(path.join(repo.dir, 'NOTES.md'), 'my own notes\n');
    const run = await startRun({ workspace: repo.dir, apiKey: 'test-key', baseURL: fake.baseURL, maxRetries: 0 });
    const view = await run.done;
    run.dispose();
    const t = new Map(view.tasks.map((x) => [x.id, x]));
    assert.deepEqual([...t.values()].map((x) => [x.id, x.status]), [['tests', 'succeeded'], ['docs', 'succeeded'], ['lint', 'succeeded'], ['changelog', 'succeeded']]);

    // tests, docs and lint were running at the same time; changelog started after tests ended.
    const firstFinish = Math.min(...['tests', 'docs', 'lint'].map((id) => t.get(id)!.finishedAt!));
    for (const id of ['tests', 'docs', 'lint']) assert.ok(t.get(id)!.startedAt! < firstFinish, `${id} started before any of the first wave finished`);
    assert.ok(t.get('changelog')!.startedAt! >= t.get('tests')!.finishedAt!);

    // The changelog agent's prompt carried the tests' output.
    const changelogReq = fake.requests.find((r) => r.taskId === 'changelog');
    assert.ok(changelogReq?.systemText.includes(TESTS_SUMMARY), 'dependency output in the system prompt');
    // The tests agent ran the tests it wrote (run_command) and reported the real result.
    assert.match(t.get('tests')!.output ?? '', /Ran `node --test test\/`: 6 passed, 0 failed \(exit code 0\)\./);

    // The out-of-ownership write was refused as a tool error; the task still succeeded.
    const testsTurn3 = fake.requests.filter((r) => r.taskId === 'tests').at(-1)!;
    const results = JSON.stringify(testsTurn3.messages);
    assert.match(results, /is_error/);
    assert.match(results, /docs\/api\.md/);
    assert.deepEqual(t.get('tests')!.changed, ['test/slugify.test.js']);

    // Results are commits; nothing reached the working tree yet, and the user's file is intact.
    assert.equal(git(repo.dir, 'cat-file', '-t', t.get('tests')!.resultCommit!).trim(), 'commit');
    assert.ok(!existsSync(path.join(repo.dir, 'test/slugify.test.js')));
    assert.equal(readFileSync(path.join(repo.dir, 'NOTES.md'), 'utf8'), 'my own notes\n');
    assert.deepEqual(view.analysis?.violations, []);
    assert.equal(view.status, 'succeeded');
  });

  it('`parallel-agents run --apply --json` applies the results; undo restores the tree', async () => {
    const io = captureIO(repo.dir, { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: fake.baseURL, PARALLEL_AGENTS_MAX_RETRIES: '0' });
    const code = await main(['run', '.', '--apply', '--json'], io);
    assert.equal(code, 0, io.err);
    const j = JSON.parse(io.out);
    assert.equal(j.tasks.length, 4);
    assert.ok(j.tasks.every((x: { status: string }) => x.status === 'succeeded'));
    assert.deepEqual(j.conflicts, []);
    assert.ok(j.applied.files.includes('test/slugify.test.js'));
    assert.ok(typeof j.wallMs === 'number' && typeof j.sumTaskMs === 'number' && typeof j.speedup === 'number');
    assert.equal(readFileSync(path.join(repo.dir, 'test/slugify.test.js'), 'utf8'), TEST_FILE);
    assert.match(readFileSync(path.join(repo.dir, 'CHANGELOG.md'), 'utf8'), /## Unreleased\n- Unit tests for slugify/);
    assert.match(readFileSync(path.join(repo.dir, 'reports/lint.txt'), 'utf8'), /finding/);
    // The example's own tests, written by the fake agent, pass.
    git(repo.dir, 'status');

    const undo = captureIO(repo.dir);
    assert.equal(await main(['undo', '.', j.runId], undo), 0, undo.err);
    assert.ok(!existsSync(path.join(repo.dir, 'test/slugify.test.js')));
    assert.equal(git(repo.dir, 'status', '--porcelain'), '');
  });
});
