// The plan looks only at candidate pairs of tasks. Every pair that the full double loop
// would report (an ownership clash, a read of another's file, an import edge) must be one
// of them, in the loop's order; and a file of plain paths must not cost every pair.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileGlobs, ownershipOverlap } from '../../../src/core/glob';
import { importEdgeBetween, type ImportGraph } from '../../../src/core/importGraph';
import { candidatePairs } from '../../../src/core/planPairs';
import type { Task } from '../../../src/core/taskSchema';
import { task } from './helpers';

const FILES = ['src/a.ts', 'src/b.ts', 'src/lib/c.ts', 'docs/api.md', 'README.md', './src/a.ts'];
const GLOBS = ['src/**', 'src/*.ts', 'docs/', '**/*.md', 'src/lib/', '!src/b.ts', 'src/{a,b}.ts'];

const owns = (tasks: readonly Task[]) => {
  const globs = new Map(tasks.map((t) => [t.id, compileGlobs(t.owns)]));
  return (id: string, f: string) => globs.get(id)?.matches(f) ?? false;
};

/** What the plan's double loop reports for a pair, in either direction. */
function reported(a: Task, b: Task, graph: ImportGraph, own: ReturnType<typeof owns>): boolean {
  if (ownershipOverlap(a.owns, b.owns)) return true;
  for (const [r, w] of [[a, b], [b, a]] as const) {
    if (r.reads.length && ownershipOverlap(r.reads, w.owns)) return true;
    if (importEdgeBetween(graph, r.id, w.id, own)) return true;
  }
  return false;
}

describe('plan: candidate pairs', () => {
  it('contains every pair the full loop reports, in (i, j) order', () => {
    const path = fc.oneof(fc.constantFrom(...FILES), fc.constantFrom(...GLOBS));
    const taskArb = fc.record({ owns: fc.array(path, { maxLength: 3 }), reads: fc.array(path, { maxLength: 2 }) });
    const graphArb = fc.array(fc.tuple(fc.constantFrom(...FILES.slice(0, 5)), fc.array(fc.constantFrom(...FILES.slice(0, 5)), { maxLength: 3 })), { maxLength: 5 });
    fc.assert(
      fc.property(fc.array(taskArb, { minLength: 2, maxLength: 8 }), graphArb, (specs, edges) => {
        const tasks = specs.map((s, i) => task(`t${i}`, [], s));
        const graph: ImportGraph = { imports: new Map(edges), skipped: 0 };
        const own = owns(tasks);
        const got = candidatePairs(tasks, graph, own);
        const keys = got.map(([i, j]) => `${i},${j}`);
        assert.deepEqual(keys, [...keys].sort((x, y) => Number(x.split(',')[0]) - Number(y.split(',')[0]) || Number(x.split(',')[1]) - Number(y.split(',')[1])));
        assert.ok(got.every(([i, j]) => i < j));
        for (let i = 0; i < tasks.length; i++) {
          for (let j = i + 1; j < tasks.length; j++) {
            if (reported(tasks[i] as Task, tasks[j] as Task, graph, own)) assert.ok(keys.includes(`${i},${j}`), `pair t${i}, t${j} left out`);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('1,000 tasks of plain files: only the pairs that share a file', () => {
    const tasks = Array.from({ length: 1000 }, (_, i) => task(`t${i}`, [], { owns: [`out/t${i}.txt`], reads: i === 7 ? ['out/t500.txt'] : [] }));
    tasks.push(task('twin', [], { owns: ['out/t3.txt'] }));
    assert.deepEqual(candidatePairs(tasks, undefined, owns(tasks)), [[3, 1000], [7, 500]]);
  });
});
