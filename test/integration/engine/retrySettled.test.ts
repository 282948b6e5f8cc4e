// Retrying a task of a settled run that cannot run again (its dependency failed) leaves
// the run as it was: settled, with its end time. It once reopened the run first and then
// found nothing to run, so the run showed "running" for good.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startRun } from '../../../src/engine';
import { exampleRepo, git } from './fixture';

describe('engine: retry of a settled run', function () {
  this.timeout(60_000);
  let repo: ReturnType<typeof exampleRepo>;
  beforeEach(() => {
    repo = exampleRepo();
    writeFileSync(
      path.join(repo.dir, '.agents/tasks.yaml'),
      'version: 1\ntasks:\n  first:\n    run: exit 3\n    owns: [first.txt]\n  second:\n    run: echo x > second.txt\n    owns: [second.txt]\n    dependsOn: [first]\n',
    );
    git(repo.dir, 'commit', '-qam', 'two command tasks');
  });
  afterEach(() => repo.cleanup());

  it('refuses a task whose dependency failed and leaves the run settled', async () => {
    const run = await startRun({ workspace: repo.dir });
    try {
      const view = await run.done;
      assert.deepEqual(view.tasks.map((t) => [t.id, t.status]), [['first', 'failed'], ['second', 'skipped']]);
      const finishedAt = view.finishedAt;
      assert.equal(run.retry('second'), false);
      assert.equal(run.status, 'failed');
      assert.equal(run.record.finishedAt, finishedAt);
    } finally {
      run.dispose();
    }
  });
});
