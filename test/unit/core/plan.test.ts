import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatSpeedup, planTasks } from '../../../src/core/plan';
import type { Task } from '../../../src/core/taskSchema';
import { file, task } from './helpers';

describe('plan: waves and critical path', () => {
  it('the lesson exercise: three independent steps, then the changelog after tests', () => {
    const p = planTasks(file([task('tests'), task('docs'), task('lint', [], { kind: 'command' }), task('changelog', ['tests'])]));
    assert.deepEqual(p.waves, [['docs', 'lint', 'tests'], ['changelog']]);
    assert.deepEqual(p.criticalPath, ['tests', 'changelog']);
    assert.equal(p.totalWork, 4);
    assert.equal(p.criticalPathLength, 2);
    assert.equal(p.predictedSpeedup, 2);
    assert.equal(p.speedupBound, 2);
    assert.deepEqual(p.errors, []);
  });

  it('a diamond with a long branch: wave = 1 + latest dependency wave', () => {
    //   a → b → d,  a → c → d, c has a chain c1 → c2 before it
    const p = planTasks(file([task('a'), task('b', ['a']), task('c1', ['a']), task('c2', ['c1']), task('c', ['c2']), task('d', ['b', 'c'])]));
    assert.deepEqual(p.waves, [['a'], ['b', 'c1'], ['c2'], ['c'], ['d']]);
    assert.deepEqual(p.criticalPath, ['a', 'c1', 'c2', 'c', 'd']);
    assert.equal(p.tasks.find((t) => t.id === 'b')?.onCriticalPath, false);
  });

  it('uses measured durations from history, the median for tasks without one', () => {
    const history = new Map([['a', 1000], ['b', 5000], ['c', 3000]]);
    const p = planTasks(file([task('a'), task('b'), task('c'), task('d', ['a'])]), { history });
    assert.equal(p.unit, 'ms');
    assert.equal(p.tasks.find((t) => t.id === 'd')?.estimate, 3000);
    assert.deepEqual(p.criticalPath, ['b']);
    assert.equal(p.criticalPathLength, 5000);
    assert.equal(p.totalWork, 12000);
    assert.equal(p.predictedSpeedup, 12000 / 5000);
  });

  it('bounds the speedup by the concurrency cap and simulates the list schedule', () => {
    const tasks = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => task(id));
    const p = planTasks(file(tasks, 2));
    assert.equal(p.predictedSpeedup, 6);
    assert.equal(p.speedupBound, 2);
    assert.equal(p.expectedMakespan, 3);
  });

  it('counts every attempt of a competitive task as a slot', () => {
    const p = planTasks(file([task('x', [], { strategy: { type: 'competitive', attempts: 3 } }), task('y')], 3));
    assert.equal(p.totalWork, 4);
    assert.equal(p.tasks.find((t) => t.id === 'x')?.slots, 3);
    assert.equal(p.expectedMakespan, 2);
  });
});

describe('plan: the three questions', () => {
  it('resource conflict: two unordered tasks owning the same path, with an example from the workspace', () => {
    const p = planTasks(file([task('a', [], { owns: ['src/**'] }), task('b', [], { owns: ['**/*.ts'], line: 7, column: 3 })]), {
      files: ['README.md', 'src/index.ts'],
    });
    assert.equal(p.errors.length, 1);
    const e = p.errors[0]!;
    assert.equal(e.code, 'ownership-conflict');
    assert.deepEqual([e.line, e.column, e.path], [7, 3, 'src/index.ts']);
    assert.match(e.message, /tasks "a" and "b" can run at the same time but both own "src\/index.ts"/);
    assert.match(e.message, /add `dependsOn: \[a\]` to "b"/);
  });

  it('no conflict when a dependency path orders the two tasks', () => {
    const p = planTasks(file([task('a', [], { owns: ['src/**'] }), task('m', ['a']), task('b', ['m'], { owns: ['src/x.ts'] })]));
    assert.deepEqual(p.errors, []);
  });

  it('data dependency: B reads what A owns and nothing orders them → a warning', () => {
    const p = planTasks(file([task('a', [], { owns: ['src/**'] }), task('b', [], { reads: ['src/api.ts'] })]));
    assert.equal(p.warnings.length, 1);
    assert.match(p.warnings[0]!.message, /task "b" reads "src\/api.ts", which task "a" may write/);
    const ordered = planTasks(file([task('a', [], { owns: ['src/**'] }), task('b', ['a'], { reads: ['src/api.ts'] })]));
    assert.deepEqual(ordered.warnings, []);
  });

  it('order sensitivity: a cycle is an error naming its tasks in order', () => {
    const p = planTasks(file([task('a', ['c']), task('b', ['a']), task('c', ['b']), task('free'), task('after', ['a'])]));
    const cycle = p.errors.find((e) => e.code === 'cycle')!;
    assert.match(cycle.message, /dependency cycle: a → c → b → a/);
    assert.deepEqual([...cycle.tasks].sort(), ['a', 'b', 'c']);
    assert.deepEqual(p.waves, [['free']]);
    assert.equal(p.tasks.find((t) => t.id === 'after')?.wave, 0);
  });
});

describe('plan: the headline speedup is the one the cap allows (contract C6)', () => {
  it('21 tasks, a critical path of 2, capped at 8: uncapped 10.50×, headline 7.00×', () => {
    const tasks = [task('first'), task('second', ['first']), ...Array.from({ length: 19 }, (_, i) => task(`t${i}`))];
    const p = planTasks(file(tasks, 8));
    assert.equal(formatSpeedup(p.predictedSpeedup), '10.50×');
    assert.equal(p.speedupBound, 8);
    assert.equal(p.expectedMakespan, 3);
    assert.equal(formatSpeedup(p.expectedSpeedup), '7.00×');
  });

  it('speedups are written 2.00×', () => {
    assert.equal(formatSpeedup(2), '2.00×');
    assert.equal(formatSpeedup(1 / 3), '0.33×');
    assert.equal(formatSpeedup(Number.NaN), '–');
  });

  it('whatever the graph, history and cap: 1 ≤ expected ≤ bound ≤ cap, and expected ≤ uncapped', () => {
    const graph = fc.integer({ min: 1, max: 9 }).chain((n) =>
      fc.record({
        deps: fc.array(fc.array(fc.nat({ max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n }),
        ms: fc.array(fc.option(fc.integer({ min: 1, max: 10_000 })), { minLength: n, maxLength: n }),
        slots: fc.array(fc.constantFrom(1, 1, 1, 2, 3), { minLength: n, maxLength: n }),
        cap: fc.integer({ min: 1, max: 8 }),
      }),
    );
    fc.assert(
      fc.property(graph, ({ deps, ms, slots, cap }) => {
        // edges only to earlier tasks: acyclic
        const tasks: Task[] = deps.map((d, i) =>
          task(`t${i}`, [...new Set(d.filter((x) => x < i))].map((x) => `t${x}`), {
            ...((slots[i] ?? 1) > 1 && { strategy: { type: 'competitive', attempts: slots[i] as number } }),
          }),
        );
        const history = new Map(ms.flatMap((v, i) => (v === null ? [] : [[`t${i}`, v] as [string, number]])));
        const p = planTasks(file(tasks, cap), { history });
        const eps = 1e-9;
        return p.expectedSpeedup <= p.speedupBound + eps && p.speedupBound <= cap + eps && p.expectedSpeedup <= p.predictedSpeedup + eps && p.expectedSpeedup >= 1 - eps;
      }),
      { numRuns: 500 },
    );
  });
});
