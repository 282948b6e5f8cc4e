// The live run's writers: the journal (coalesced, one write in flight) and the transcripts
// (batched per task). Whatever was asked for before a flush is on disk when it resolves.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { TranscriptEntry } from '../../../src/core';
import { openRepo, transcriptPath, type GitRepo } from '../../../src/git';
import { readRunRecord, type RunRecord } from '../../../src/engine';
import { RunJournalWriter, TranscriptWriter } from '../../../src/engine/runJournal';
import { cleanupRepos, makeRepo } from '../git/helpers';

function record(repo: GitRepo, n: number): RunRecord {
  const tasks = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, status: 'queued', owns: [`out/t${i}.txt`], dependsOn: [] }));
  return { version: 2, runId: 'run-writers', status: 'running', startedAt: 1, repoRoot: repo.root, prefix: '', baseCommit: 'abc', tasks } as unknown as RunRecord;
}

describe('engine: the run journal and transcript writers', () => {
  after(cleanupRepos);

  it('the journal on disk is the latest state after a flush, also when a write was in flight', async () => {
    const repo = await openRepo(makeRepo({ 'a.txt': 'a\n' }).dir);
    const r = record(repo, 200);
    const errors: unknown[] = [];
    const w = new RunJournalWriter(repo, () => r, (e) => errors.push(e));
    for (let i = 0; i < 200; i++) {
      (r.tasks[i] as { status: string }).status = 'running';
      w.schedule();
    }
    await w.flush();
    assert.ok((await readRunRecord(repo, r.runId)).tasks.every((t) => t.status === 'running'));
    const first = w.flush();
    (r.tasks[0] as { status: string }).status = 'succeeded';
    w.schedule();
    const second = w.flush();
    (r as { status: string }).status = 'succeeded';
    await Promise.all([first, second]);
    const stored = await readRunRecord(repo, r.runId);
    assert.equal(stored.status, 'succeeded');
    assert.equal(stored.tasks[0]?.status, 'succeeded');
    w.cancelTimer();
    assert.deepEqual(errors, []);
  });

  it('every transcript entry is on disk, in order, after a flush: also those appended while a batch was being written', async () => {
    const repo = await openRepo(makeRepo({ 'a.txt': 'a\n' }).dir);
    const w = new TranscriptWriter(repo, 'run-writers', (_id, e) => assert.fail(String(e)));
    const entry = (k: number): TranscriptEntry => ({ at: k, type: 'event', data: { k } });
    for (let k = 0; k < 30; k++) w.append(`t${k % 3}`, entry(k));
    const flushing = w.flush();
    for (let k = 30; k < 60; k++) w.append(`t${k % 3}`, entry(k));
    await flushing;
    await w.flush();
    for (let t = 0; t < 3; t++) {
      const lines = readFileSync(transcriptPath(repo, 'run-writers', `t${t}`), 'utf8').trim().split('\n');
      const ks = lines.map((l) => (JSON.parse(l) as { data: { k: number } }).data.k);
      assert.deepEqual(ks, Array.from({ length: 20 }, (_, i) => i * 3 + t));
    }
  });
});
