import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startRun } from '../../../src/engine';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { exampleRepo, git } from '../engine/fixture';
import { CLAMP_GOOD, write } from './script';

describe('strategies: competitive commands and cancelling attempts', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let repo: ReturnType<typeof exampleRepo>;
  afterEach(async () => {
    await fake?.close();
    repo?.cleanup();
  });

  it('a competitive command task: each attempt in its own worktree, the highest printed score wins', async () => {
    fake = await startFakeAnthropic({});
    repo = exampleRepo('strategies');
    writeFileSync(
      path.join(repo.dir, '.agents/tasks.yaml'),
      'version: 1\ntasks:\n  roll:\n    run: node -e "require(\'fs\').writeFileSync(\'roll.txt\', String(Math.floor(Math.random() * 1e6)))"\n' +
        '    owns: [roll.txt]\n    strategy: {type: competitive, attempts: 3, score: "cat roll.txt"}\n',
    );
    const run = await startRun({ workspace: repo.dir, baseURL: fake.baseURL });
    const v = await run.done;
    run.dispose();
    const t = v.tasks[0]!;
    assert.equal(t.status, 'succeeded', t.error);
    const attempts = t.strategy!.competitive!.attempts;
    assert.equal(attempts.length, 3);
    const rolls = attempts.map((a) => Number(git(repo.dir, 'show', `${a.resultCommit}:roll.txt`)));
    assert.deepEqual(attempts.map((a) => a.score), rolls);
    const best = attempts.find((a) => a.score === Math.max(...rolls))!;
    assert.ok(best.winner);
    assert.equal(t.resultCommit, best.resultCommit);
    assert.deepEqual(attempts.map((a) => a.model), [null, null, null]);
    // No worktree is left behind.
    assert.equal(git(repo.dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)?.length, 1);
  });

  it('cancelling a competitive task stops every attempt; their work so far stays reviewable', async () => {
    fake = await startFakeAnthropic({
      script: {
        'clamp#1': [write('src/clamp.js', CLAMP_GOOD), { text: 'done', delayMs: 20_000 }],
        'clamp#2': [{ text: 'thinking', delayMs: 20_000 }],
      },
    });
    repo = exampleRepo('strategies');
    writeFileSync(path.join(repo.dir, '.agents/tasks.yaml'), 'version: 1\ntasks:\n  clamp:\n    prompt: Fix clamp.\n    owns: [src/clamp.js]\n    strategy: {type: competitive, attempts: 2, score: node scripts/score.js}\n');
    const run = await startRun({ workspace: repo.dir, apiKey: 'k', baseURL: fake.baseURL, maxRetries: 0 });
    // Wait until attempt 1 has written its file (its second request is under way).
    while (fake.requests.filter((r) => r.taskId === 'clamp#1').length < 2) await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    run.cancelTask('clamp');
    const v = await run.done;
    run.dispose();
    assert.ok(Date.now() - t0 < 5000, 'cancelled promptly');
    const t = v.tasks[0]!;
    assert.equal(t.status, 'cancelled');
    const attempts = t.strategy!.competitive!.attempts;
    assert.deepEqual(attempts.map((a) => [a.status, a.winner]), [['cancelled', false], ['cancelled', false]]);
    assert.equal(git(repo.dir, 'show', `${attempts[0]!.resultCommit}:src/clamp.js`), CLAMP_GOOD);
  });
});
