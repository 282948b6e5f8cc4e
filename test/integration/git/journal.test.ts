import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { promises as fsp, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { GitError } from '../../../src/git/errors';
import { createRunId } from '../../../src/git/ids';
import { appendTranscript, currentOwner, journalPath, transcriptPath, writeJournal } from '../../../src/git/journal';
import { listRunRecords, readRunRecord, recoverInterruptedRuns, taskOf, type JournalV1 } from '../../../src/engine';
import { openRepo } from '../../../src/git/repo';
import { cleanupRepos, makeRepo } from './helpers';

function journal(runId: string, startedAt: string, over: Partial<JournalV1> = {}): JournalV1 {
  return {
    version: 1,
    runId,
    startedAt,
    status: 'running',
    owner: currentOwner(),
    baseCommit: '0'.repeat(40),
    concurrency: 3,
    taskFile: '.agents/tasks.yaml',
    tasks: {
      a: { status: 'succeeded', kind: 'agent', resultCommit: '1'.repeat(40), ms: 5 },
      b: { status: 'running', kind: 'command' },
      c: { status: 'queued', kind: 'agent' },
    },
    ...over,
  };
}

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('git/journal (read as run records)', () => {
  after(cleanupRepos);

  it('writes atomically, reads back and lists newest first', async () => {
    const t = makeRepo({ 'x.txt': 'x\n' });
    const repo = await openRepo(t.dir);
    const r1 = createRunId(new Date(2026, 0, 1, 10, 0, 0));
    const r2 = createRunId(new Date(2026, 0, 2, 10, 0, 0));
    assert.match(r1, /^20260101-100000-[0-9a-f]{4}$/);
    await writeJournal(repo, journal(r1, '2026-01-01T10:00:00.000Z'));
    await writeJournal(repo, journal(r2, '2026-01-02T10:00:00.000Z', { status: 'succeeded' }));
    // many quick writes: last wins, no temp files left
    for (let i = 0; i < 20; i++) void writeJournal(repo, journal(r1, '2026-01-01T10:00:00.000Z', { concurrency: i }));
    await writeJournal(repo, journal(r1, '2026-01-01T10:00:00.000Z', { concurrency: 7 }));
    assert.equal((await readRunRecord(repo, r1)).concurrency, 7);
    assert.deepEqual((await listRunRecords(repo)).map((j) => j.runId), [r2, r1]);
    assert.deepEqual(readdirSync(path.dirname(journalPath(repo, r1))).sort(), [`${r1}.json`, `${r2}.json`].sort());
    await assert.rejects(readRunRecord(repo, '20200101-000000-0000'), (e: unknown) => e instanceof GitError && /runs/.test(e.message));
    await appendTranscript(repo, r1, 'a', [{ at: 1, type: 'user', data: 'hi' }]);
    await appendTranscript(repo, r1, 'a', { at: 2, type: 'assistant', data: 'yo' });
    const lines = (await fsp.readFile(transcriptPath(repo, r1, 'a'), 'utf8')).trim().split('\n');
    assert.equal(lines.length, 2);
    assert.equal(JSON.parse(lines[1] as string).data, 'yo');
  });

  it('a crash between journal writes leaves a loadable journal, and a dead owner\'s run becomes interrupted', async () => {
    const t = makeRepo({ 'x.txt': 'x\n' });
    const repo = await openRepo(t.dir);
    const runId = createRunId();
    const pid = deadPid();
    await writeJournal(repo, journal(runId, new Date().toISOString(), { owner: { pid, hostname: currentOwner().hostname } }));
    // simulate a crash in the middle of the next write: a half-written temp file
    const tmp = `${journalPath(repo, runId)}.tmp-${pid}-deadbeef`;
    writeFileSync(tmp, '{"version": 1, "runId": "' + runId.slice(0, 5));
    const liveId = createRunId();
    await writeJournal(repo, journal(liveId, new Date().toISOString()));
    const loaded = await readRunRecord(repo, runId);
    assert.equal(loaded.status, 'running');
    const recovered = await recoverInterruptedRuns(repo);
    assert.deepEqual(recovered.map((j) => j.runId), [runId]);
    const j = await readRunRecord(repo, runId);
    assert.equal(j.status, 'interrupted');
    assert.equal(taskOf(j, 'a')?.status, 'succeeded');
    assert.equal(taskOf(j, 'a')?.resultCommit, '1'.repeat(40));
    assert.equal(taskOf(j, 'b')?.status, 'cancelled');
    assert.match(taskOf(j, 'b')?.error ?? '', /interrupted/);
    assert.equal(taskOf(j, 'c')?.status, 'cancelled');
    assert.equal((await readRunRecord(repo, liveId)).status, 'running'); // our own process is alive
    assert.ok(!readdirSync(path.dirname(tmp)).some((n) => n.includes('.tmp-')));
  });
});
