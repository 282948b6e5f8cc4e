// A consensus task that ended undecided (contract C1) reads as undecided in `runs` and
// `show`, never as a success.
import * as assert from 'node:assert/strict';
import { main } from '../../../src/cli/main';
import { createRunId, currentOwner, openRepo, snapshotWorkingTree, writeJournal } from '../../../src/git';
import { captureIO } from '../../unit/cli/helpers';
import { cleanupRepos, makeRepo } from '../git/helpers';

describe('cli: an undecided task in runs and show', () => {
  after(cleanupRepos);

  it('runs counts it as undecided, show says undecided and why', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const repo = await openRepo(t.dir);
    const runId = createRunId();
    const base = await snapshotWorkingTree(repo, runId);
    await writeJournal(repo, {
      version: 1,
      runId,
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      status: 'undecided',
      owner: currentOwner(),
      baseCommit: base,
      concurrency: 3,
      taskFile: '.agents/tasks.yaml',
      tasks: {
        pick: { status: 'undecided', kind: 'agent', owns: ['notes/**'], error: 'did not decide: a tie between tabs and spaces (2 votes each)' },
        style: { status: 'skipped', kind: 'agent', owns: ['style.md'], error: 'dependency "pick" did not decide' },
      },
    });
    const runs = captureIO(t.dir);
    assert.equal(await main(['runs'], runs), 0);
    assert.match(runs.out, new RegExp(`${runId}\\s+undecided\\s+.*0/2 ok, 1 undecided`));
    const show = captureIO(t.dir);
    assert.equal(await main(['show', 'last'], show), 0);
    assert.match(show.out, /^pick \(agent\): undecided$/m);
    assert.match(show.out, /^ {2}did not decide: a tie/m);
    assert.doesNotMatch(show.out, /error: did not decide|✓/);
  });
});
