import * as assert from 'node:assert/strict';
import { Scheduler, TaskCancelledError, type SchedulerTask } from '../../../src/core/scheduler';

/** A task whose completion the test controls; records when it started. */
class Gate {
  started = false;
  signal?: AbortSignal;
  resolve!: (v: string) => void;
  reject!: (e: unknown) => void;
  task(id: string, dependsOn: string[] = [], log?: string[]): SchedulerTask<string> {
    return {
      id,
      dependsOn,
      run: ({ signal }) => {
        this.started = true;
        this.signal = signal;
        log?.push(`start ${id}`);
        return new Promise<string>((res, rej) => {
          this.resolve = res;
          this.reject = rej;
          signal.addEventListener('abort', () => rej(signal.reason));
        });
      },
    };
  }
}

/** Lets pending promise callbacks run, but no timers (setImmediate runs after microtasks). */
const microtasks = () => new Promise<void>((r) => queueMicrotask(r)).then(() => Promise.resolve());
const flush = async () => {
  for (let i = 0; i < 5; i++) await microtasks();
};

describe('scheduler', () => {
  it('starts a dependent as soon as its dependency settles, with no timer in between', async () => {
    const a = new Gate();
    const b = new Gate();
    const s = new Scheduler([a.task('a'), b.task('b', ['a'])], { concurrency: 3 });
    void s.start();
    assert.ok(a.started);
    assert.ok(!b.started);
    let timerFired = false;
    setImmediate(() => (timerFired = true));
    a.resolve('A');
    await flush();
    assert.ok(b.started, 'b started in the same microtask chain');
    assert.ok(!timerFired, 'no timer ran before b started');
  });

  it('never runs more than the cap, and fills a slot the moment one frees', async () => {
    const gates = Array.from({ length: 5 }, () => new Gate());
    let running = 0;
    let peak = 0;
    const tasks = gates.map((g, i) => {
      const t = g.task(`t${i}`);
      return { ...t, run: async (ctx: Parameters<typeof t.run>[0]) => {
        running++;
        peak = Math.max(peak, running);
        try {
          return await t.run(ctx);
        } finally {
          running--;
        }
      } };
    });
    const s = new Scheduler(tasks, { concurrency: 2 });
    const done = s.start();
    await flush();
    assert.deepEqual(gates.map((g) => g.started), [true, true, false, false, false]);
    gates[1]!.resolve('x');
    await flush();
    assert.deepEqual(gates.map((g) => g.started), [true, true, true, false, false]);
    for (const g of gates) g.resolve?.('x');
    await flush();
    for (const g of gates) g.resolve?.('x');
    await flush();
    for (const g of gates) g.resolve?.('x');
    const states = await done;
    assert.equal(peak, 2);
    assert.ok([...states.values()].every((st) => st.status === 'succeeded'));
  });

  it('passes dependency results and records timestamped transitions', async () => {
    let seen: string[] = [];
    let t = 100;
    const s = new Scheduler<string>(
      [
        { id: 'a', dependsOn: [], run: async () => 'A' },
        { id: 'b', dependsOn: [], run: async () => 'B' },
        { id: 'c', dependsOn: ['a', 'b'], run: async ({ dependencies }) => ((seen = [...dependencies.values()]), 'C') },
      ],
      { concurrency: 3, now: () => t++ },
    );
    const events: string[] = [];
    s.onDidChangeTask((e) => events.push(`${e.taskId}:${e.status}@${e.at}`));
    const states = await s.start();
    assert.deepEqual(seen, ['A', 'B']);
    assert.equal(states.get('c')?.result, 'C');
    assert.deepEqual(events.slice(0, 2), ['a:running@103', 'b:running@104']);
    assert.ok(events.every((e) => /@\d+$/.test(e)));
    assert.deepEqual(states.get('c')?.history.map((h) => h.status), ['queued', 'running', 'succeeded']);
  });

  it('a failed task skips its dependents while independent tasks go on', async () => {
    const s = new Scheduler<string>(
      [
        { id: 'a', dependsOn: [], run: async () => { throw new Error('boom'); } },
        { id: 'b', dependsOn: ['a'], run: async () => 'B' },
        { id: 'c', dependsOn: ['b'], run: async () => 'C' },
        { id: 'd', dependsOn: [], run: async () => 'D' },
      ],
      { concurrency: 1 },
    );
    const states = await s.start();
    assert.equal(states.get('a')?.status, 'failed');
    assert.equal(states.get('a')?.reason, 'boom');
    assert.equal(states.get('b')?.status, 'skipped');
    assert.equal(states.get('b')?.reason, 'dependency "a" failed');
    assert.equal(states.get('c')?.status, 'skipped');
    assert.equal(states.get('d')?.status, 'succeeded');
  });

  it('cancels one running task through its signal; its dependents are skipped, others go on', async () => {
    const a = new Gate();
    const b = new Gate();
    const other = new Gate();
    const s = new Scheduler([a.task('a'), b.task('b', ['a']), other.task('o')], { concurrency: 3 });
    const done = s.start();
    assert.ok(s.cancelTask('a'));
    assert.ok(a.signal?.aborted);
    assert.ok(a.signal?.reason instanceof TaskCancelledError);
    await flush();
    assert.equal(s.state('a')?.status, 'cancelled');
    assert.equal(s.state('b')?.status, 'skipped');
    assert.equal(s.state('o')?.status, 'running');
    other.resolve('O');
    const states = await done;
    assert.equal(states.get('o')?.status, 'succeeded');
  });

  it('cancels the whole run through an AbortSignal: queued tasks never start', async () => {
    const gates = [new Gate(), new Gate(), new Gate()];
    const controller = new AbortController();
    const s = new Scheduler(gates.map((g, i) => g.task(`t${i}`)), { concurrency: 1, signal: controller.signal });
    const done = s.start();
    controller.abort();
    const states = await done;
    assert.deepEqual([...states.values()].map((st) => st.status), ['cancelled', 'cancelled', 'cancelled']);
    assert.deepEqual(gates.map((g) => g.started), [true, false, false]);
  });

  it('keeps work that finished even though a cancel arrived while it was finishing', async () => {
    const s = new Scheduler<string>([{ id: 'a', dependsOn: [], run: async () => 'done' }], { concurrency: 1 });
    const done = s.start();
    s.cancelTask('a');
    const states = await done;
    assert.equal(states.get('a')?.status, 'succeeded');
  });

  it('retries a failed task and then runs its skipped dependents', async () => {
    let calls = 0;
    const s = new Scheduler<string>(
      [
        { id: 'a', dependsOn: [], run: async ({ attempt }) => { calls++; if (attempt === 1) throw new Error('flaky'); return 'A'; } },
        { id: 'b', dependsOn: ['a'], run: async ({ dependencies }) => `B(${dependencies.get('a')})` },
      ],
      { concurrency: 2 },
    );
    let states = await s.start();
    assert.equal(states.get('b')?.status, 'skipped');
    assert.ok(s.retry('a'));
    states = await s.whenIdle();
    assert.equal(calls, 2);
    assert.equal(states.get('a')?.attempt, 2);
    assert.equal(states.get('b')?.result, 'B(A)');
    assert.ok(!s.retry('b'), 'a succeeded task cannot be retried');
  });

  it('a wide task (several slots) waits for its slots and is not overtaken', async () => {
    const a = new Gate();
    const wide = new Gate();
    const small = new Gate();
    const s = new Scheduler(
      [a.task('a'), { ...wide.task('wide'), slots: 2 }, small.task('small')],
      { concurrency: 2, priority: (id) => (id === 'wide' ? 10 : 0) },
    );
    void s.start();
    await flush();
    assert.deepEqual([a.started, wide.started, small.started], [false, true, false]);
    wide.resolve('w');
    await flush();
    assert.deepEqual([a.started, small.started], [true, true]);
  });
});
