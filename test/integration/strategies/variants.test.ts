import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { chooseAttempt } from '../../../src/engine/strategies';
import { readRunRecord, taskOf } from '../../../src/engine';
import { openRepo } from '../../../src/git';
import { captureIO } from '../../unit/cli/helpers';
import { git } from '../engine/fixture';
import { runJson } from './cliRun';
import { CLAMP_BEST, CLAMP_BROKEN, CLAMP_SAME, vote, write } from './script';

describe('strategies: competitive edge cases (CLI --json)', function () {
  this.timeout(60_000);

  it('a score command that prints no number scores by exit code alone; a failing one disqualifies; the tie goes to the smaller diff', async () => {
    const yaml = 'version: 1\ntasks:\n  clamp:\n    prompt: Fix clamp.\n    owns: [src/clamp.js]\n    strategy: {type: competitive, attempts: 3, score: node scripts/check.js, models: [model-a, model-b]}\n';
    const r = await runJson(yaml, {
      'clamp#1': [write('src/clamp.js', CLAMP_BEST), { text: 'rewrote it' }],
      'clamp#2': [write('src/clamp.js', CLAMP_SAME), { text: 'a comment' }],
      'clamp#3': [write('src/clamp.js', CLAMP_BROKEN), { text: 'broke it' }],
    });
    try {
      assert.equal(r.code, 0, r.err);
      const t = r.json.tasks[0];
      assert.deepEqual(
        t.attempts.map((a: { attempt: number; model: string; score: number | null; scoreSource: string; qualified: boolean; winner: boolean }) => [a.attempt, a.model, a.score, a.scoreSource, a.qualified, a.winner]),
        [
          [1, 'model-a', null, 'exit-code', true, false],
          [2, 'model-b', null, 'exit-code', true, true],
          [3, 'model-a', null, 'none', false, false],
        ],
      );
      assert.match(t.attempts[0].scoreNote, /printed no number: scored by exit code alone/);
      assert.match(t.attempts[2].scoreNote, /disqualified: the score command exited with 1/);
      assert.match(t.decidedBy, /attempts 2 and 1 tied; the tie went to the smaller diff \(2 lines against 5\)/);
      // The models were used in turn.
      assert.deepEqual(['clamp#1', 'clamp#2', 'clamp#3'].map((id) => r.fake.requests.find((q) => q.taskId === id)?.body['model']), ['model-a', 'model-b', 'model-a']);
    } finally {
      await r.done();
    }
  });

  it('an attempt whose API call fails is reported and left out; the others still compete', async () => {
    const yaml = 'version: 1\ntasks:\n  clamp:\n    prompt: Fix clamp.\n    owns: [src/clamp.js]\n    strategy: {type: competitive, attempts: 2, score: node scripts/score.js}\n';
    const r = await runJson(yaml, {
      'clamp#1': [{ ...write('src/clamp.js', CLAMP_BEST), faults: [{ kind: 'server_error' }] }],
      'clamp#2': [write('src/clamp.js', CLAMP_SAME), { text: 'a comment' }],
    });
    try {
      assert.equal(r.code, 0, r.err);
      const t = r.json.tasks[0];
      assert.deepEqual(t.attempts.map((a: { status: string; qualified: boolean; winner: boolean }) => [a.status, a.qualified, a.winner]), [['failed', false, false], ['succeeded', true, true]]);
      assert.match(t.attempts[0].error, /HTTP 500/);
      assert.match(t.decidedBy, /attempt 2 was the only attempt that qualified/);
    } finally {
      await r.done();
    }
  });

  it('a judge that answers without rank_attempts is asked once more, then the task fails saying so; chooseAttempt picks one', async () => {
    const yaml = 'version: 1\ntasks:\n  tagline:\n    prompt: Write a tagline.\n    owns: [docs/tagline.md]\n    strategy: {type: competitive, attempts: 2}\n';
    const r = await runJson(yaml, {
      'tagline#1': [write('docs/tagline.md', 'one\n'), { text: 'one' }],
      'tagline#2': [write('docs/tagline.md', 'two\n'), { text: 'two' }],
      'tagline#judge': [{ text: 'Both are fine, really.' }],
    });
    try {
      assert.equal(r.code, 1);
      const t = r.json.tasks[0];
      assert.equal(t.status, 'failed');
      assert.match(t.error, /the judge answered without calling rank_attempts, twice \(it said: "Both are fine, really\."\)/);
      assert.equal(t.winner, null);
      assert.deepEqual(t.attempts.map((a: { winner: boolean; status: string }) => [a.status, a.winner]), [['succeeded', false], ['succeeded', false]]);
      const judges = r.fake.requests.filter((q) => q.taskId === 'tagline#judge');
      assert.equal(judges.length, 2);
      assert.match(judges[1]!.systemText, /second and last chance/);

      // Pick attempt 2 by hand: the task ref moves, the journal says so, the task succeeds.
      const repo = await openRepo(r.repo.dir);
      const chooseIo = captureIO(r.repo.dir);
      assert.equal(await main(['choose', r.repo.dir, r.json.runId, 'tagline', '2'], chooseIo), 0, chooseIo.err);
      assert.match(chooseIo.out, /Task tagline of run \S+: attempt 2 is now its result; apply with: parallel-agents apply/);
      assert.equal(await main(['choose', r.repo.dir, r.json.runId, 'tagline', 'two'], captureIO(r.repo.dir)), 2);
      assert.equal(git(r.repo.dir, 'rev-parse', `refs/parallel-agents/${r.json.runId}/tasks/tagline`).trim(), t.attempts[1].resultCommit);
      const j = await readRunRecord(repo, r.json.runId);
      assert.equal(taskOf(j, 'tagline')!.status, 'succeeded');
      assert.equal(j.status, 'succeeded');
      assert.equal(taskOf(j, 'tagline')!.resultCommit, t.attempts[1].resultCommit);
      assert.deepEqual(taskOf(j, 'tagline')!.strategy!.competitive!.attempts.map((a) => a.winner), [false, true]);
      // …and apply uses it.
      const io = captureIO(r.repo.dir);
      assert.equal(await main(['apply', r.repo.dir, r.json.runId], io), 0, io.err);
      assert.equal(readFileSync(path.join(r.repo.dir, 'docs/tagline.md'), 'utf8'), 'two\n');
      // Choosing again after the apply is refused until it is undone.
      await assert.rejects(chooseAttempt(repo, r.json.runId, 'tagline', 1), /has been applied; undo it first/);
      await assert.rejects(chooseAttempt(repo, r.json.runId, 'tagline', 7), /has been applied|no attempt 7/);
    } finally {
      await r.done();
    }
  });

  it('a judge that forgets the tool once and ranks on the second request decides', async () => {
    const yaml = 'version: 1\ntasks:\n  tagline:\n    prompt: Write a tagline.\n    owns: [docs/tagline.md]\n    strategy: {type: competitive, attempts: 2, judge: true}\n';
    const r = await runJson(yaml, {
      'tagline#1': [write('docs/tagline.md', 'one\n'), { text: 'one' }],
      'tagline#2': [write('docs/tagline.md', 'two, longer\nand longer\n'), { text: 'two' }],
      'tagline#judge': (view) =>
        /second and last chance/.test(view.system) ?
          { toolCalls: [{ name: 'rank_attempts', input: { ranking: [{ attempt: 1, score: 7, reason: 'shorter' }, { attempt: 2, score: 7, reason: 'longer' }] } }] }
        : { text: 'I prefer the first.' },
    });
    try {
      assert.equal(r.code, 0, r.err);
      const t = r.json.tasks[0];
      // Equal judge scores: the tie goes to the smaller diff.
      assert.equal(t.winner, 1);
      assert.match(t.decidedBy, /tied at 7 from the judge; the tie went to the smaller diff/);
    } finally {
      await r.done();
    }
  });
});

describe('strategies: consensus (CLI --json)', function () {
  this.timeout(60_000);

  it('a weighted vote: the weighted models in turn, each vote counting its model\'s weight', async () => {
    const yaml =
      'version: 1\ntasks:\n  pick:\n    prompt: Which option?\n    owns: [notes/pick.md]\n' +
      '    strategy: {type: consensus, voters: 5, choices: [A, B], weights: {small-model: 1, big-model: 3}}\n';
    const r = await runJson(yaml, {
      'pick#1': vote('A', 'small says A'),
      'pick#2': vote('B', 'big says B'),
      'pick#3': vote('A', 'small says A'),
      'pick#4': vote('B', 'big says B'),
      'pick#5': vote('A', 'small says A'),
    });
    try {
      assert.equal(r.code, 0, r.err);
      const v = r.json.tasks[0].votes;
      // Three small voters for A (3 × 1) lose to two big ones for B (2 × 3).
      assert.deepEqual(v.tally, { B: 6, A: 3 });
      assert.equal(v.decision, 'B');
      assert.equal(v.weighted, true);
      assert.equal(v.tie, false);
      assert.deepEqual(v.ballots.map((b: { model: string; weight: number; choice: string }) => [b.model, b.weight, b.choice]), [
        ['small-model', 1, 'A'],
        ['big-model', 3, 'B'],
        ['small-model', 1, 'A'],
        ['big-model', 3, 'B'],
        ['small-model', 1, 'A'],
      ]);
      assert.equal(r.fake.requests.find((q) => q.taskId === 'pick#2')?.body['model'], 'big-model');
      assert.match(r.json.tasks[0].output, /^Decision: B\nTally \(weighted votes, 5 of 5 voters voted\): B 6, A 3/);
    } finally {
      await r.done();
    }
  });

  it('a choice outside `choices` is refused by the tool, and the voter can correct it', async () => {
    const yaml = 'version: 1\ntasks:\n  pick:\n    prompt: Which?\n    owns: [notes/pick.md]\n    strategy: {type: consensus, voters: 3, choices: [yes, no]}\n';
    const r = await runJson(yaml, {
      'pick#1': [{ toolCalls: [{ name: 'vote', input: { choice: 'maybe', rationale: 'unsure' } }] }, ...vote('yes', 'on reflection')],
      'pick#2': vote('yes', 'clearly'),
      'pick#3': vote('no', 'not convinced'),
    });
    try {
      assert.equal(r.code, 0, r.err);
      const v = r.json.tasks[0].votes;
      assert.deepEqual(v.tally, { yes: 2, no: 1 });
      const second = r.fake.requests.filter((q) => q.taskId === 'pick#1')[1]!;
      assert.match(JSON.stringify(second.messages), /is_error/);
    } finally {
      await r.done();
    }
  });
});
