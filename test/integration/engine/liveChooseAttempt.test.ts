// Choosing another attempt of a live run's competitive task changes that run's own record
// (and its journal the same way); the run is not thrown away. In a sub-folder workspace,
// attempts' paths are repository-relative like the task's own.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readRunRecord, startRun, taskOf, type TaskRecord } from '../../../src/engine';
import { openRepo } from '../../../src/git';
import { cleanupRepos, makeRepo } from '../git/helpers';

describe('engine: choosing an attempt of a live run', function () {
  this.timeout(60_000);
  after(cleanupRepos);

  it('the live record and the journal both have the choice; attempts name repository paths', async () => {
    const t = makeRepo({ 'README.md': 'top\n', 'pkg/index.js': '\n' });
    mkdirSync(path.join(t.dir, 'pkg/.agents'), { recursive: true });
    writeFileSync(
      path.join(t.dir, 'pkg/.agents/tasks.yaml'),
      'version: 1\ntasks:\n  roll:\n    run: node -e "require(\'fs\').writeFileSync(\'roll.txt\', String(Math.floor(Math.random() * 1e6)))"\n' +
        '    owns: [roll.txt]\n    strategy: {type: competitive, attempts: 2, score: "cat roll.txt"}\n',
    );
    t.commitAll('tasks');
    const run = await startRun({ workspace: path.join(t.dir, 'pkg') });
    try {
      const done = await run.done;
      const roll = taskOf(done, 'roll')!;
      assert.equal(roll.status, 'succeeded', roll.error);
      assert.deepEqual(roll.changed, ['pkg/roll.txt']);
      const attempts = roll.strategy!.competitive!.attempts;
      assert.deepEqual(attempts.map((a) => a.changed), [['pkg/roll.txt'], ['pkg/roll.txt']]);
      const loser = attempts.find((a) => !a.winner)!;

      const seen: TaskRecord[] = [];
      const sub = run.onDidChangeTask((x) => seen.push(x));
      const r = await run.chooseAttempt('roll', loser.attempt);
      sub.dispose();
      assert.equal(r.chosen, loser.attempt);
      const now = taskOf(run.record, 'roll')!;
      assert.equal(now.resultCommit, loser.resultCommit);
      assert.deepEqual(now.changed, ['pkg/roll.txt']);
      assert.equal(now.strategy?.competitive?.winner, loser.attempt);
      assert.deepEqual(seen.map((x) => [x.id, x.resultCommit]), [['roll', loser.resultCommit]]);
      // The copy handed out earlier did not change under its holder.
      assert.equal(taskOf(done, 'roll')!.resultCommit, roll.resultCommit);

      const stored = await readRunRecord(await openRepo(t.dir), done.runId);
      const { analysis: _analysis, ...liveFields } = run.record;
      assert.deepEqual(stored, liveFields);
    } finally {
      run.dispose();
    }
  });
});
