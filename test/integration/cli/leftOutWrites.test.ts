// What a command wrote that is not part of its result (contract C3): `show` and the run
// summary say so, so a task that "changed 0 files" explains itself.
import * as assert from 'node:assert/strict';
import { main } from '../../../src/cli/main';
import { createRunId, currentOwner, openRepo, snapshotWorkingTree, writeJournal } from '../../../src/git';
import { captureIO } from '../../unit/cli/helpers';
import { cleanupRepos, makeRepo } from '../git/helpers';

describe('cli: ignored outputs and writes outside the workspace', () => {
  after(cleanupRepos);

  it('show says a task wrote N ignored files (the first few) and lists writes outside the workspace as violations', async () => {
    const t = makeRepo({ 'a.txt': 'a\n', '.gitignore': 'gen/\n' });
    const repo = await openRepo(t.dir);
    const runId = createRunId();
    const base = await snapshotWorkingTree(repo, runId);
    await writeJournal(repo, {
      version: 1,
      runId,
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      status: 'succeeded',
      owner: currentOwner(),
      baseCommit: base,
      concurrency: 3,
      taskFile: '.agents/tasks.yaml',
      tasks: {
        gen: {
          status: 'succeeded',
          kind: 'command',
          owns: ['gen/**'],
          baseCommit: base,
          resultCommit: base,
          changed: [],
          ignoredOutputs: { count: 7, sample: ['gen/a.h', 'gen/b.h', 'gen/c.h', 'gen/d.h', 'gen/e.h'] },
          outsideWrites: ['../x.txt'],
        },
      },
    });
    const io = captureIO(t.dir);
    assert.equal(await main(['show', 'last'], io), 0, io.err);
    assert.match(io.out, /^ {2}wrote 7 files that git ignores, not part of the result: gen\/a\.h, gen\/b\.h, gen\/c\.h, gen\/d\.h, gen\/e\.h, …$/m);
    assert.match(io.out, /^ {2}gen wrote \.\.\/x\.txt, outside the workspace folder \(not kept\)$/m);
    const json = captureIO(t.dir);
    assert.equal(await main(['show', 'last', '--json'], json), 0);
    const v = JSON.parse(json.out).analysis.violations;
    assert.deepEqual(v.map((x: { path: string; outsideWorkspace?: boolean }) => [x.path, x.outsideWorkspace]), [['../x.txt', true]]);
  });
});
