import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { applyRun } from '../../../src/git/apply';
import { acquireApplyLock } from '../../../src/git/applyLock';
import { writeApplyRecord } from '../../../src/git/applyRecord';
import { createRunId } from '../../../src/git/ids';
import type { JournalTaskV1, JournalV1, RunStatus } from '../../../src/engine';
import { appendTranscript, currentOwner, writeJournal } from '../../../src/git/journal';
import { pruneRuns } from '../../../src/git/prune';
import { openRepo, type GitRepo } from '../../../src/git/repo';
import { snapshotWorkingTree } from '../../../src/git/snapshot';
import { undoApply } from '../../../src/git/undo';
import { cleanupRepos, makeRepo, type TestRepo } from './helpers';
import { Scenario } from './scenario';

const HOUR = 3_600_000;

interface RunSpec {
  /** Hours ago it started. */
  readonly age: number;
  readonly status?: RunStatus;
  readonly owner?: JournalV1['owner'];
  /** The one task's writes; empty: a task that changed nothing. */
  readonly writes?: Record<string, string>;
  readonly apply?: 'applied' | 'undone' | 'failed';
}

/** A run made by the real engine pieces: base snapshot, a task result ref, journal, transcript, apply record. */
async function makeRun(t: TestRepo, spec: RunSpec): Promise<string> {
  const s = await Scenario.start(t);
  try {
    const tasks: Record<string, JournalTaskV1> = {};
    if (spec.writes) {
      const task = await s.task('t1', ['**'], spec.writes);
      tasks.t1 = { status: 'succeeded', kind: 'command', baseCommit: task.baseCommit, resultCommit: task.resultCommit, changed: Object.keys(spec.writes) };
      await appendTranscript(s.repo, s.runId, 't1', { at: Date.now(), type: 'event', data: 'done' });
    }
    const journal: JournalV1 = {
      version: 1,
      runId: s.runId,
      startedAt: new Date(Date.now() - spec.age * HOUR).toISOString(),
      status: spec.status ?? 'succeeded',
      owner: spec.owner ?? currentOwner(),
      baseCommit: s.base,
      concurrency: 1,
      taskFile: '.agents/tasks.yaml',
      tasks,
    };
    await writeJournal(s.repo, journal);
    if (spec.apply === 'failed') {
      await writeApplyRecord(s.repo, {
        version: 1,
        runId: s.runId,
        at: new Date().toISOString(),
        tasks: ['t1'],
        beforeApplyCommit: s.base,
        afterApplyCommit: s.tasks[0]?.resultCommit as string,
        paths: Object.keys(spec.writes ?? {}),
        status: 'failed',
        error: 'x.txt: permission denied',
      });
    } else if (spec.apply) {
      await applyRun(s.repo, { runId: s.runId, tasks: s.tasks });
      if (spec.apply === 'undone') await undoApply(s.repo, s.runId);
    }
    return s.runId;
  } finally {
    s.dispose();
  }
}

/** A pid that is surely not running: a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}

/** What of a run is on disk: [refs, journal, transcripts, apply record]. */
function traces(t: TestRepo, runId: string): [number, boolean, boolean, boolean] {
  const state = path.join(t.dir, '.git', 'parallel-agents');
  const refs = t.git('for-each-ref', '--format=%(refname)', `refs/parallel-agents/${runId}/`).split('\n').filter(Boolean).length;
  return [
    refs,
    existsSync(path.join(state, 'runs', `${runId}.json`)),
    existsSync(path.join(state, 'runs', runId)),
    existsSync(path.join(state, 'applies', `${runId}.json`)),
  ];
}

describe('git/prune', function () {
  this.timeout(60_000);
  after(cleanupRepos);

  let t: TestRepo;
  let repo: GitRepo;
  const id: Record<string, string> = {};

  beforeEach(async () => {
    t = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n', 'd.txt': 'd\n' });
    repo = await openRepo(t.dir);
    id.applied = await makeRun(t, { age: 50, writes: { 'a.txt': 'A\n' }, apply: 'applied' });
    id.nothingChanged = await makeRun(t, { age: 40, writes: {} });
    id.interrupted = await makeRun(t, { age: 30, status: 'running', owner: { pid: deadPid(), hostname: currentOwner().hostname } });
    id.unapplied = await makeRun(t, { age: 20, status: 'cancelled', writes: { 'b.txt': 'B\n' } });
    id.undone = await makeRun(t, { age: 10, writes: { 'c.txt': 'C\n' }, apply: 'undone' });
    id.failedApply = await makeRun(t, { age: 5, writes: { 'd.txt': 'D\n' }, apply: 'failed' });
    id.running = await makeRun(t, { age: 2, status: 'running', writes: { 'd.txt': 'D2\n' } });
    id.orphan = createRunId(); // refs only (a run that died before its journal): newest by its commit's date
    await snapshotWorkingTree(repo, id.orphan);
  });

  it('prunes what was applied, changed nothing or was interrupted; keeps running runs, unapplied results and failed applies; objects stay', async () => {
    const appliedBase = t.git('rev-parse', `refs/parallel-agents/${id.applied}/base`).trim();
    assert.deepEqual(traces(t, id.applied), [4, true, true, true]); // base, task, before-apply, after-apply
    const r = await pruneRuns(repo, {});
    assert.deepEqual(r.pruned, [id.orphan, id.interrupted, id.nothingChanged, id.applied]);
    const reasons = new Map(r.kept.map((k) => [k.runId, k.reason]));
    assert.deepEqual([...reasons.keys()], [id.running, id.failedApply, id.undone, id.unapplied]);
    assert.match(reasons.get(id.running) ?? '', new RegExp(`running \\(process ${process.pid}\\)`));
    assert.match(reasons.get(id.failedApply) ?? '', /apply failed/);
    assert.match(reasons.get(id.undone) ?? '', /undone.*never applied/);
    assert.match(reasons.get(id.unapplied) ?? '', /never applied/);
    for (const p of r.pruned) assert.deepEqual(traces(t, p), [0, false, false, false], p);
    for (const k of r.kept) assert.ok(traces(t, k.runId)[0] > 0, k.runId);
    assert.equal(t.git('cat-file', '-t', appliedBase).trim(), 'commit'); // left to git gc
    assert.deepEqual(await pruneRuns(repo, {}), { pruned: [], kept: r.kept });
  });

  it('a dry run says the same and changes nothing', async () => {
    const refs = t.git('for-each-ref');
    const dry = await pruneRuns(repo, { dryRun: true, force: true });
    assert.equal(t.git('for-each-ref'), refs);
    for (const p of dry.pruned) assert.ok(traces(t, p)[1] || traces(t, p)[0] > 0);
    assert.deepEqual(await pruneRuns(repo, { force: true }), dry);
  });

  it('force prunes unapplied results and failed applies, never a running run; never while an apply runs', async () => {
    const release = await acquireApplyLock(repo, id.unapplied, 'apply');
    try {
      await assert.rejects(pruneRuns(repo, { force: true }), new RegExp(`Cannot prune runs: run ${id.unapplied} is being applied`));
    } finally {
      await release();
    }
    const r = await pruneRuns(repo, { force: true });
    assert.deepEqual(r.kept.map((k) => k.runId), [id.running]);
    assert.equal(r.pruned.length, 7);
  });

  it('keeps the newest N, and only prunes runs older than asked', async () => {
    const k = await pruneRuns(repo, { keep: 4, dryRun: true });
    assert.deepEqual(k.pruned, [id.interrupted, id.nothingChanged, id.applied]);
    assert.deepEqual(
      k.kept.slice(0, 4).map((x) => [x.runId, x.reason]),
      [id.orphan, id.running, id.failedApply, id.undone].map((r) => [r, r === id.running ? `running (process ${process.pid})` : 'among the 4 newest']),
    );
    const o = await pruneRuns(repo, { olderThanMs: 35 * HOUR });
    assert.deepEqual(o.pruned, [id.nothingChanged, id.applied]);
    assert.match(o.kept.find((x) => x.runId === id.interrupted)?.reason ?? '', /less than 1.5 days ago/);
    await assert.rejects(pruneRuns(repo, { keep: -1 }), /whole number/);
  });
});
