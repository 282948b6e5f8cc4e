// The live view of `parallel-agents run` on a terminal, with a fake terminal, a fake run and
// a hand-driven timer: redraws are coalesced (however many events), a frame never has
// more lines than the terminal has rows nor a line wider than it, a large run is shown by
// its counts and its running tasks, and the last state is drawn at the end.
import * as assert from 'node:assert/strict';
import { Emitter } from '../../../src/core';
import { LiveView, liveFrame, type LiveSource } from '../../../src/cli/liveView';
import type { RunRecord, TaskRecord } from '../../../src/engine';
import { runRecord } from './helpers';

const ZERO = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
const task = (id: string, extra: Partial<TaskRecord> = {}): TaskRecord => ({ id, kind: 'agent', status: 'queued', attempt: 1, tokens: ZERO, costUsd: 0, owns: [], dependsOn: [], ...extra });

function fakeRun(n: number): { source: LiveSource; tasks: TaskRecord[]; change(i: number, t: Partial<TaskRecord>): void; progress(): void } {
  const tasks = Array.from({ length: n }, (_, i) => task(`t${i + 1}`));
  const onTask = new Emitter<TaskRecord>();
  const onProgress = new Emitter<void>();
  let reads = 0;
  const source = {
    get record(): RunRecord {
      reads++;
      return runRecord(tasks);
    },
    get reads() {
      return reads;
    },
    onDidChangeTask: (l: () => void) => onTask.event(l),
    onDidProgress: (l: () => void) => onProgress.event(l),
  };
  return {
    source,
    tasks,
    change: (i, t) => {
      tasks[i] = { ...(tasks[i] as TaskRecord), ...t };
      onTask.fire(tasks[i] as TaskRecord);
    },
    progress: () => onProgress.fire(),
  };
}

/** A terminal that keeps what was written, frame by frame. */
function fakeTerminal(rows: number, columns: number) {
  const writes: string[] = [];
  return { writes, size: () => ({ rows, columns }), write: (t: string) => void writes.push(t) };
}

/** A timer the test runs by hand. */
function handTimer() {
  const due: Array<() => void> = [];
  return {
    setTimer: (fn: () => void) => {
      due.push(fn);
      return { clear: () => due.splice(due.indexOf(fn) >>> 0, 1) };
    },
    get pending() {
      return due.length;
    },
    tick: () => due.splice(0).forEach((f) => f()),
  };
}

// A frame's lines: each starts by clearing its row; the frame ends by clearing below.
const frameLines = (w: string) => w.replace(/^\x1b\[\d+A/, '').replace(/\x1b\[J$/, '').split('\n').slice(0, -1).map((l) => l.replace(/^\x1b\[2K/, ''));

describe('cli/liveView', () => {
  it('redraws once per interval however many events arrive, and the last state at the end', () => {
    const run = fakeRun(1000);
    const term = fakeTerminal(40, 120);
    const timer = handTimer();
    let now = 0;
    const view = new LiveView(term, run.source, { setTimer: timer.setTimer, now: () => now });
    assert.equal(term.writes.length, 1, 'the first frame is drawn at once');
    // 1,000 tasks start and stream progress: 3,000 events, one timer pending, no redraw yet.
    for (let i = 0; i < 1000; i++) {
      run.change(i, { status: 'running', startedAt: i });
      run.progress();
      run.progress();
    }
    assert.equal(timer.pending, 1);
    assert.equal(term.writes.length, 1);
    now = 150;
    timer.tick();
    assert.equal(term.writes.length, 2, '3,000 events, one redraw');
    // Each task succeeds: again one redraw for the whole burst.
    for (let i = 0; i < 1000; i++) run.change(i, { status: 'succeeded', ms: 5 });
    timer.tick();
    assert.equal(term.writes.length, 3);
    view.dispose();
    const last = frameLines(term.writes.at(-1) ?? '');
    assert.match(last[0] ?? '', /^ {2}1000\/1000 done · 1000 succeeded · /);
    // No event, no timer left behind.
    assert.equal(timer.pending, 0);
  });

  it('never writes more lines than the terminal has rows, nor a line wider than it', () => {
    const run = fakeRun(1000);
    const rows = 12;
    const columns = 72;
    const term = fakeTerminal(rows, columns);
    const timer = handTimer();
    const view = new LiveView(term, run.source, { setTimer: timer.setTimer, now: () => 5000 });
    for (let i = 0; i < 40; i++) run.change(i, { status: 'running', startedAt: i, progress: { taskId: `t${i + 1}`, currentTool: 'write_file', tokens: ZERO, costUsd: 0, turns: 1, elapsedMs: 1 } });
    for (let i = 40; i < 45; i++) run.change(i, { status: 'failed', error: 'the model\nsaid no', finishedAt: i });
    timer.tick();
    view.dispose();
    for (const w of term.writes) {
      const lines = frameLines(w);
      assert.ok(lines.length <= rows - 1, `a frame of ${lines.length} lines on a terminal of ${rows} rows`);
      for (const l of lines) assert.ok(l.length < columns, `a line of ${l.length} columns: ${l}`);
      // The cursor goes back up no more than the lines of the frame before.
      const up = /^\x1b\[(\d+)A/.exec(w);
      if (up) assert.ok(Number(up[1]) <= rows - 1);
    }
    const last = frameLines(term.writes.at(-1) ?? '');
    assert.match(last[0] ?? '', /^ {2}5\/1000 done · 5 failed · 40 running · 955 queued · 5\.0 s$/);
    // The longest running first, then as many as fit, and how many were left out.
    assert.match(last[1] ?? '', /^ {2}▶ t1 /);
    assert.match(last.at(-1) ?? '', /^ {2}… and 36 more running or failed$/);
    assert.equal(last.length, rows - 1);
  });

  it('shows a failed task with its error on one line when the failures fit', () => {
    const lines = liveFrame({ ...fakeRun(1).source.record, tasks: [task('a', { status: 'failed', error: 'line one\nline two' })] }, 0, 24, false);
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /✗ a +failed .* · line one line two$/);
  });

  it('lists every task when the run fits the terminal, as before', () => {
    const run = fakeRun(5);
    const lines = liveFrame(run.source.record, 0, 24, false);
    assert.deepEqual(lines.map((l) => l.trim().split(/\s+/).slice(0, 3).join(' ')), ['· t1 queued', '· t2 queued', '· t3 queued', '· t4 queued', '· t5 queued']);
    // Ctrl-C while tasks run adds the notice.
    run.change(0, { status: 'running', startedAt: 0 });
    assert.match(liveFrame(run.source.record, 0, 24, true).at(-1) ?? '', /Cancelling… finished work is kept/);
  });

  it('writes nothing when nothing on screen changed', () => {
    const run = fakeRun(3);
    const term = fakeTerminal(24, 80);
    const timer = handTimer();
    const view = new LiveView(term, run.source, { setTimer: timer.setTimer, now: () => 0 });
    run.progress();
    timer.tick();
    view.dispose();
    assert.equal(term.writes.length, 1);
    assert.equal(view.frames, 1);
  });
});
