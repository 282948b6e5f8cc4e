// An apply (or undo) killed with SIGKILL mid-way, in a real child process, at chosen
// moments: the next apply, undo or run start leaves the working tree with no file of ours
// and every path as it should be (issue 10 §5).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { applyRun } from '../../../src/git/apply';
import { readApplyRecord } from '../../../src/git/applyRecord';
import { createRunId } from '../../../src/git/ids';
import { currentOwner, writeJournal } from '../../../src/git/journal';
import { openRepo } from '../../../src/git/repo';
import { recoverInterruptedApply } from '../../../src/git/recovery';
import { beginSnapshot, snapshotWorkingTree } from '../../../src/git/snapshot';
import { undoApply } from '../../../src/git/undo';
import { removeTempFiles } from '../../../src/git/worktreeFiles';
import type { KilledApplySpec } from './fixtures/killedApply';
import { cleanupRepos, makeRepo, mapsEqual, TestRepo } from './helpers';
import { Scenario } from './scenario';

const CHILD = path.join(__dirname, 'fixtures', 'killedApply.ts');
const TEMP = /\.pa-[0-9a-f]{8}\.tmp$/;

/** Runs the child; asserts that it really was killed at the chosen moment. */
function killedAt(s: Scenario, spec: Omit<KilledApplySpec, 'dir' | 'runId' | 'tasks'>): void {
  const full: KilledApplySpec = { dir: s.t.dir, runId: s.runId, tasks: s.tasks, ...spec };
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(full)], { encoding: 'utf8', cwd: path.resolve(__dirname, '../../..') });
  assert.equal(r.signal, 'SIGKILL', `the child was not killed (exit ${r.status}): ${r.stderr}`);
}

/** The paths of a commit's tree, as a set. */
function treeFiles(t: TestRepo, commit: string): Map<string, true> {
  return new Map(t.git('ls-tree', '-r', '-z', '--name-only', commit).split('\0').filter(Boolean).map((p) => [p, true] as const));
}

const temps = (files: ReadonlyMap<string, unknown>) => [...files.keys()].filter((p) => TEMP.test(p));

/** A repository with 36 files in 3 folders, a user's dirty file and an untracked one. */
function repoWithFiles(): TestRepo {
  const initial: Record<string, string> = {};
  for (const dir of ['src', 'src/deep', 'docs']) for (let i = 0; i < 12; i++) initial[`${dir}/f${i}.txt`] = `${dir} ${i}\n`;
  initial['doomed/a.txt'] = 'a\n';
  initial['doomed/b.txt'] = 'b\n';
  const t = makeRepo(initial);
  t.write('docs/f0.txt', 'the user was here\n'); // dirty, untouched by the task
  t.write('notes.txt', 'untracked\n');
  return t;
}

/** The task: rewrites 30 files, creates 6 in new folders, deletes 2 (and their folder). */
async function bigTask(s: Scenario): Promise<Map<string, Buffer>> {
  const files: Record<string, string | null> = {};
  for (const dir of ['src', 'src/deep', 'docs']) for (let i = 1; i < 11; i++) files[`${dir}/f${i}.txt`] = `${dir} ${i} by the agent\n`;
  for (let i = 0; i < 6; i++) files[`gen/new ${i}/out.txt`] = `generated ${i}\n`;
  files['doomed/a.txt'] = null;
  files['doomed/b.txt'] = null;
  await s.task('agent', ['**'], files);
  const expected = new Map(s.t.files());
  for (const [p, c] of Object.entries(files)) {
    if (c === null) expected.delete(p);
    else expected.set(p, Buffer.from(c));
  }
  return expected;
}

describe('git/interrupted apply: killed mid-way, then recovered', function () {
  this.timeout(60_000);
  after(cleanupRepos);

  const moments: Array<{ name: string; at: Omit<KilledApplySpec, 'dir' | 'runId' | 'tasks' | 'operation'> }> = [
    { name: 'at the first file', at: { beforeRename: 0 } },
    { name: 'half way (17 of 36 files written)', at: { beforeRename: 17 } },
    { name: 'after every file, before the record says applied', at: { beforeRecordWrite: 1 } },
  ];
  const recoverers: Array<{ name: string; check: (s: Scenario, before: Map<string, Buffer>, after: Map<string, Buffer>) => Promise<void> }> = [
    {
      name: 'apply again',
      check: async (s, _before, after) => {
        const r = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks });
        assert.equal(r.applied.length, 38);
        assert.deepEqual(mapsEqual(after, s.t.files()), []);
        assert.equal((await readApplyRecord(s.repo, s.runId))?.status, 'applied');
      },
    },
    {
      name: 'undo',
      check: async (s, before) => {
        const u = await undoApply(s.repo, s.runId);
        assert.deepEqual(mapsEqual(before, s.t.files()), []);
        assert.ok(!existsSync(path.join(s.t.dir, 'gen')), 'folders made for new files are gone');
        assert.ok(u.restored.length + u.removed.length <= 38);
        await assert.rejects(undoApply(s.repo, s.runId), /already undone/);
      },
    },
    {
      name: 'a new run',
      check: async (s, before) => {
        const base = await snapshotWorkingTree(s.repo, createRunId());
        assert.deepEqual(mapsEqual(before, s.t.files()), []);
        assert.ok(!existsSync(path.join(s.t.dir, 'gen')), 'folders made for new files are gone');
        const inBase = s.t.git('ls-tree', '-r', '--name-only', base).split('\n');
        assert.deepEqual(inBase.filter((p) => TEMP.test(p)), []);
        assert.ok(inBase.includes('doomed/a.txt') && !inBase.some((p) => p.startsWith('gen/')));
        assert.equal((await readApplyRecord(s.repo, s.runId))?.status, 'undone'); // and it can be applied again
      },
    },
  ];

  moments.forEach((moment, i) => {
    for (const [j, recoverer] of recoverers.entries()) {
      // every moment with every recoverer would be 9 child processes; 2 per moment cover each pair of kinds
      if ((i + j) % 3 === 2) continue;
      it(`apply killed ${moment.name}; ${recoverer.name} finishes cleanly`, async () => {
        const t = repoWithFiles();
        const s = await Scenario.start(t);
        try {
          const after = await bigTask(s);
          const before = t.files();
          killedAt(s, { operation: 'apply', ...moment.at });
          const debris = t.files();
          if (moment.at.beforeRename !== undefined) assert.ok(temps(debris).length > 0, 'the kill left temp files (else the test proves nothing)');
          assert.ok(existsSync(path.join(t.dir, '.git', 'parallel-agents', 'apply.lock')));
          await recoverer.check(s, before, after);
          assert.deepEqual(temps(t.files()), []);
          assert.ok(!existsSync(path.join(t.dir, '.git', 'parallel-agents', 'apply.lock')));
        } finally {
          s.dispose();
        }
      });
    }
  });

  for (const recoverer of ['undo', 'a new run', 'a run whose snapshot began ahead'] as const) {
    it(`undo killed after 9 files written; ${recoverer} finishes it`, async () => {
      const t = repoWithFiles();
      const s = await Scenario.start(t);
      try {
        await bigTask(s);
        const before = t.files();
        await applyRun(s.repo, { runId: s.runId, tasks: s.tasks });
        killedAt(s, { operation: 'undo', beforeRename: 9 });
        assert.ok(temps(t.files()).length > 0);
        assert.equal(mapsEqual(before, t.files()).filter((d) => !TEMP.test(d)).length > 0, true); // half undone
        if (recoverer === 'undo') {
          const u = await undoApply(s.repo, s.runId);
          assert.ok(u.restored.length > 0 && u.restored.length + u.removed.length <= 38 - 9, JSON.stringify(u));
        } else if (recoverer === 'a new run') await snapshotWorkingTree(s.repo, createRunId());
        else {
          // begun while the half-undone files are on disk: what keep() stores must not be them
          const runId = createRunId();
          const base = await beginSnapshot(s.repo, runId).keep();
          assert.deepEqual(temps(treeFiles(s.t, base)), []);
          assert.ok(!treeFiles(s.t, base).has('gen/new 0/out.txt'), 'the base is the undone tree, not the half-undone one');
          assert.equal(s.t.git('rev-parse', `refs/parallel-agents/${runId}/base`).trim(), base);
        }
        assert.deepEqual(mapsEqual(before, t.files()), []);
        assert.ok(!existsSync(path.join(t.dir, 'gen')));
        assert.equal((await readApplyRecord(s.repo, s.runId))?.status, 'undone');
      } finally {
        s.dispose();
      }
    });
  }

  it("rolls back to the user's exact bytes where a checkout would not reproduce them (an LF-only eol=crlf file)", async () => {
    const files: Record<string, string> = { '.gitattributes': '*.bat text eol=crlf\n' };
    for (let i = 0; i < 12; i++) files[`s/f${i}.bat`] = `@echo ${i}\r\n`;
    const t = makeRepo(files);
    t.write('s/f3.bat', '@echo user, LF only\n'); // git add cleans it to the same blob a CRLF version would give
    const s = await Scenario.start(t);
    try {
      const changes: Record<string, string> = {};
      for (let i = 0; i < 12; i++) changes[`s/f${i}.bat`] = i === 3 ? '@echo user, LF only\nagent line\n' : `@echo ${i} by the agent\n`;
      await s.task('agent', ['**'], changes);
      const before = t.files();
      killedAt(s, { operation: 'apply', beforeRename: 11 });
      await recoverInterruptedApply(s.repo);
      assert.deepEqual(mapsEqual(before, t.files()), []);
      assert.equal(t.text('s/f3.bat'), '@echo user, LF only\n');
    } finally {
      s.dispose();
    }
  });

  it('removes only temp files made for the recorded paths', async () => {
    const t = makeRepo();
    const long = `${'ñ'.repeat(39)}😀tail.txt`; // cut after 40 characters, inside no character
    const ours = ['d/.a.txt.pa-0123abcd.tmp', `d/.${Array.from(long).slice(0, 40).join('')}.pa-89abcdef.tmp`, '.top.pa-00000000.tmp'];
    const theirs = ['d/.a.txt.pa-0123abcd.tmp.bak', 'd/.b.txt.pa-0123abcd.tmp', 'd/.a.txt.pa-zzzzzzzz.tmp', 'e/.a.txt.pa-0123abcd.tmp', 'd/a.txt'];
    for (const p of [...ours, ...theirs]) t.write(p, 'x');
    const removed = await removeTempFiles(t.dir, ['d/a.txt', `d/${long}`, 'top', 'missing/folder/x']);
    assert.deepEqual(removed, [...ours].sort());
    assert.deepEqual([...t.files().keys()].sort(), [...theirs].sort());
  });

  it('another worktree of the repository leaves the interrupted apply alone; its own worktree recovers it', async () => {
    const t = repoWithFiles();
    const s = await Scenario.start(t);
    const other = path.join(path.dirname(t.dir), `${path.basename(t.dir)}-wt2`);
    try {
      await bigTask(s);
      await writeJournal(s.repo, {
        version: 1, runId: s.runId, startedAt: new Date().toISOString(), status: 'succeeded', owner: currentOwner(),
        root: s.repo.root, baseCommit: s.base, concurrency: 1, taskFile: 'tasks.yaml', tasks: {},
      });
      const before = t.files();
      t.git('worktree', 'add', '-q', '--detach', other);
      const wt2 = new TestRepo(other);
      const wt2Files = wt2.files();
      killedAt(s, { operation: 'apply', beforeRename: 5 });
      const debris = t.files();
      await snapshotWorkingTree(await openRepo(other), createRunId());
      assert.deepEqual(mapsEqual(wt2Files, wt2.files()), []);
      assert.deepEqual(mapsEqual(debris, t.files()), []); // not this worktree's to touch
      assert.equal((await readApplyRecord(s.repo, s.runId))?.status, 'writing');
      const r = await recoverInterruptedApply(s.repo);
      assert.deepEqual(r.map((x) => [x.runId, x.outcome]), [[s.runId, 'restored']]);
      assert.deepEqual(mapsEqual(before, t.files()), []);
    } finally {
      s.dispose();
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('never overwrites a file the user edited after the interruption: the apply is left for undo', async () => {
    const t = repoWithFiles();
    const s = await Scenario.start(t);
    try {
      await bigTask(s);
      killedAt(s, { operation: 'apply', beforeRename: 20 });
      const written = ['docs', 'src', 'src/deep'].flatMap((d) => Array.from({ length: 10 }, (_, i) => `${d}/f${i + 1}.txt`)).find((p) => t.text(p).includes('by the agent'));
      assert.ok(written);
      t.write(written, 'edited by the user after the crash\n');
      const r = await recoverInterruptedApply(s.repo);
      assert.deepEqual(r.map((x) => [x.outcome, x.edited]), [['left', [written]]]);
      assert.equal(t.text(written), 'edited by the user after the crash\n');
      assert.deepEqual(temps(t.files()), []);
      const rec = await readApplyRecord(s.repo, s.runId);
      assert.equal(rec?.status, 'failed');
      assert.match(rec?.error ?? '', new RegExp(written.replace('/', '\\/')));
      await assert.rejects(undoApply(s.repo, s.runId), /edited after the apply/);
      assert.deepEqual(await recoverInterruptedApply(s.repo), []); // nothing left to recover
    } finally {
      s.dispose();
    }
  });
});
