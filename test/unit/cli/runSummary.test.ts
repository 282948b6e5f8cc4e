// The text `run` prints when a run ends: every task for a small run; for a large one, the
// counts, then only the tasks worth a look (failed, with a strategy's note or left-out
// writes), at most a screenful, and the command that lists every task.
import * as assert from 'node:assert/strict';
import { renderSummary, summarize } from '../../../src/cli/runSummary';
import type { RunRecord, TaskRecord } from '../../../src/engine';
import { captureIO, runRecord } from './helpers';

const ZERO = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
const task = (id: string, extra: Partial<TaskRecord> = {}): TaskRecord => ({
  id,
  kind: 'agent',
  status: 'succeeded',
  attempt: 1,
  tokens: ZERO,
  costUsd: 0,
  owns: [],
  dependsOn: [],
  startedAt: 1_000,
  finishedAt: 2_000,
  ms: 1_000,
  changed: [`out/${id}.txt`],
  ...extra,
});

const record = (tasks: TaskRecord[]) => runRecord(tasks, tasks.some((t) => t.status === 'failed') ? 'failed' : 'succeeded');

const print = (v: RunRecord) => renderSummary(v, summarize(v), captureIO('/repo'));
const taskLine = (out: string, id: string) => out.split('\n').filter((l) => new RegExp(`^ {2}\\S ${id} `).test(l));

describe('cli: the summary at the end of a run', () => {
  it('lists every task of a small run', () => {
    const out = print(record(Array.from({ length: 30 }, (_, i) => task(`t${i + 1}`))));
    for (let i = 1; i <= 30; i++) assert.equal(taskLine(out, `t${i}`).length, 1, `t${i}`);
    assert.doesNotMatch(out, /lists every task/);
  });

  it('counts a large run and lists only the failed tasks and those with notes', () => {
    const tasks = Array.from({ length: 1000 }, (_, i) => task(`t${i + 1}`));
    tasks[4] = task('t5', { status: 'failed', error: 'the API refused the key' });
    tasks[700] = task('t701', { status: 'cancelled', reason: 'cancelled by the user' });
    tasks[9] = task('t10', { outsideWrites: ['../x.txt'] });
    const out = print(record(tasks));
    assert.match(out, /^ {2}1000 tasks: 998 succeeded, 1 failed, 1 cancelled · listed below: 3 not succeeded or with notes$/m);
    assert.match(taskLine(out, 't5')[0] ?? '', /failed .* the API refused the key$/);
    assert.equal(taskLine(out, 't701').length, 1);
    assert.equal(taskLine(out, 't10').length, 1);
    assert.match(out, /\.\.\/x\.txt/);
    assert.equal(taskLine(out, 't1').length, 0);
    assert.match(out, /^ {2}`parallel-agents show r1` lists every task$/m);
    assert.ok(out.split('\n').length < 30, `printed ${out.split('\n').length} lines`);
  });

  it('caps the listed tasks at a screenful, in task order', () => {
    const tasks = Array.from({ length: 200 }, (_, i) => task(`t${i + 1}`, i % 2 ? {} : { status: 'failed', error: `boom ${i + 1}` }));
    const out = print(record(tasks));
    assert.equal(taskLine(out, 't1').length, 1);
    assert.equal(taskLine(out, 't39').length, 1);
    assert.equal(taskLine(out, 't41').length, 0);
    assert.match(out, /^ {2}… and 80 more; `parallel-agents show r1` lists every task$/m);
    assert.ok(out.split('\n').length < 35, `printed ${out.split('\n').length} lines`);
  });
});
