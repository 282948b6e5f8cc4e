import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyCommand } from '../../../src/cli/commands/apply';
import { runsCommand } from '../../../src/cli/commands/runs';
import { showCommand } from '../../../src/cli/commands/show';
import { undoCommand } from '../../../src/cli/commands/undo';
import { CliError, type CliCommand, type CliIO } from '../../../src/cli/io';
import type { JournalV1 } from '../../../src/engine';
import { currentOwner, writeJournal } from '../../../src/git/journal';
import { cleanupRepos, makeRepo } from './helpers';
import { Scenario } from './scenario';

async function run(cmd: CliCommand, argv: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    cwd,
    env: process.env,
    isTTY: false,
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    interrupt: new AbortController().signal,
  };
  try {
    return { code: await cmd(argv, io), out, err };
  } catch (e) {
    if (e instanceof CliError) return { code: e.exitCode, out, err: err + e.message };
    throw e;
  }
}

describe('git/CLI runs, show, apply, undo', () => {
  after(cleanupRepos);

  it('lists runs, shows a run and a task, applies with exit 1 on conflicts, undoes', async () => {
    const t = makeRepo({ 'f.txt': 'one\ntwo\nthree\n', 'g.txt': 'g\n' });
    const s = await Scenario.start(t);
    try {
      await s.task('agentA', ['f.txt'], { 'f.txt': 'one\nTWO A\nthree\n' });
      await s.task('fmt', ['f.txt'], { 'f.txt': 'one\nTWO fmt\nthree\n', 'g.txt': 'G\n' });
      const journal: JournalV1 = {
        version: 1,
        runId: s.runId,
        startedAt: new Date(Date.now() - 5000).toISOString(),
        finishedAt: new Date().toISOString(),
        status: 'succeeded',
        owner: currentOwner(),
        baseCommit: s.base,
        concurrency: 2,
        taskFile: '.agents/tasks.yaml',
        tasks: Object.fromEntries(
          s.tasks.map((x) => [x.id, { status: 'succeeded', kind: 'agent', owns: x.owns, baseCommit: x.baseCommit, resultCommit: x.resultCommit, ms: 1200, output: `${x.id} done` }]),
        ) as JournalV1['tasks'],
      };
      await writeJournal(s.repo, journal);

      const runs = await run(runsCommand, [], t.dir);
      assert.equal(runs.code, 0);
      assert.match(runs.out, new RegExp(`${s.runId}\\s+succeeded`));
      const runsJson = JSON.parse((await run(runsCommand, [t.dir, '--json'], '/')).out);
      assert.equal(runsJson[0].runId, s.runId);

      const show = await run(showCommand, [t.dir, s.runId], '/');
      assert.equal(show.code, 0, show.err);
      assert.match(show.out, /agentA \(agent\): succeeded in 1\.2s, 1 file \+1 -1/);
      assert.match(show.out, /f\.txt: agentA, fmt — CONFLICT/);
      assert.match(show.out, /fmt changed g\.txt, outside what it owns/);
      const showTask = await run(showCommand, [s.runId, 'fmt'], t.dir);
      assert.match(showTask.out, /M g\.txt/);
      assert.match(showTask.out, /fmt done/);
      assert.equal((await run(showCommand, [s.runId, 'nope'], t.dir)).code, 2);

      const apply = await run(applyCommand, [s.runId], t.dir);
      assert.equal(apply.code, 1);
      assert.match(apply.out, /f\.txt: agentA vs fmt/);
      assert.match(apply.err, /1 conflict left unresolved/);
      assert.match(t.text('f.txt'), /<<<<<<< agentA\nTWO A\n=======\nTWO fmt\n>>>>>>> fmt/);
      assert.match((await run(showCommand, ['last'], t.dir)).out, /applied at/);

      const undo = await run(undoCommand, [t.dir, s.runId], '/');
      assert.equal(undo.code, 0, undo.err);
      assert.equal(t.text('f.txt'), 'one\ntwo\nthree\n');
      assert.equal(t.text('g.txt'), 'g\n');

      const only = await run(applyCommand, [s.runId, '--only', 'fmt'], t.dir);
      assert.equal(only.code, 0, only.err);
      assert.equal(t.text('f.txt'), 'one\nTWO fmt\nthree\n');
      assert.equal(t.text('g.txt'), 'g\n');
      assert.match(only.out, /Left out 1 ownership violation .*\n  g\.txt \(fmt\)/);
      assert.equal((await run(applyCommand, [s.runId, '--only', 'zzz'], t.dir)).code, 2);
      const again = await run(applyCommand, [s.runId], t.dir);
      assert.equal(again.code, 1);
      assert.match(again.err, /already applied/);
    } finally {
      s.dispose();
    }
  });

  it('explains a folder that is not a repository, and usage errors', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pa-cli-norepo-'));
    try {
      const r = await run(runsCommand, [], dir);
      assert.equal(r.code, 1);
      assert.match(r.err, /git init/);
      assert.equal((await run(showCommand, [], dir)).code, 2);
      assert.equal((await run(undoCommand, ['a', 'b', 'c'], dir)).code, 2);
      assert.equal((await run(runsCommand, ['--bogus'], dir)).code, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
