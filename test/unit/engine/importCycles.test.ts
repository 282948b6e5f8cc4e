// No import circle in src/: a circle (type-only imports count: they tie the files'
// designs together just the same) means two modules that cannot be read, tested or
// changed one without the other. Imports are read with TypeScript's own pre-processor,
// as scripts/check-layers.mjs does, so comments and strings never count.
//
// `import()` calls and `typeof import()` types count as well (a lazily loaded module still
// ties the two designs together), and a layer's index is a file like any other: a file that
// imported its own layer's index would close a circle through it (scripts/check-layers.mjs
// forbids that too).
//
// KNOWN lists the circles found when this test was written, in files of other owners; a
// circle not listed fails the test. Delete a line once its circle is gone.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { orderCycle, stronglyConnected } from '../../../src/core/graphCycles';

const root = path.resolve(__dirname, '../../..');
const EXCLUDED: readonly string[] = [];
const KNOWN = new Set([
  // Issue 12 §3 (the VS Code half): the vshell helper is breaking this one; remove this line
  // once that branch is merged.
  'src/vscode/commands.ts → src/vscode/runCommands.ts → src/vscode/commands.ts',
  // A type-only import of ApplyLockInfo; a structural parameter type in interruptedApply.ts ends it.
  'src/git/applyLock.ts → src/git/interruptedApply.ts → src/git/applyLock.ts',
]);

type Graph = ReadonlyMap<string, readonly string[]>;

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* walk(full);
    else if (/\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) yield full;
  }
}

const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');

/** The file a relative specifier names (`./x`, `./x.js` → x.ts, `./x` → x/index.ts), or undefined. */
function resolve(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  const stem = base.replace(/\.(js|mjs|cjs)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, path.join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

function importGraph(dir: string, excluded: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const kept = (f: string) => !excluded.some((e) => rel(f).startsWith(e));
  for (const file of walk(dir)) {
    if (!kept(file)) continue;
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((i) => i.fileName)
      .filter((s) => s.startsWith('.'))
      .map((s) => resolve(file, s))
      .filter((t): t is string => t !== undefined && kept(t))
      .map(rel);
    graph.set(rel(file), [...new Set(targets)]);
  }
  return graph;
}

/** One circle per strongly connected component of more than one file (or a file importing itself), as `a → b → a`. */
export function importCycles(graph: Graph): string[] {
  return stronglyConnected([...graph.keys()].sort(), graph)
    .filter((c) => c.length > 1 || (graph.get(c[0] as string) ?? []).includes(c[0] as string))
    .map((c) => {
      const circle = orderCycle(c, graph);
      return [...circle, circle[0]].join(' → ');
    });
}

describe('engine: no import circle in src/', () => {
  it('finds a circle in a small graph and names its files in order', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['self.ts', ['self.ts']],
    ]);
    assert.deepEqual(importCycles(graph).sort(), ['a.ts → b.ts → c.ts → a.ts', 'self.ts → self.ts']);
    assert.deepEqual(importCycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]])), []);
  });

  it('src/ has none (src/vscode and the layer indexes included)', () => {
    const graph = importGraph(path.join(root, 'src'), EXCLUDED);
    assert.ok(graph.has('src/engine/run.ts'), 'the walk found the engine');
    assert.ok(graph.get('src/vscode/runService.ts')?.includes('src/engine/index.ts'), "the walk follows the extension's lazy import() of the engine");
    const found = importCycles(graph);
    const cycles = found.filter((c) => !KNOWN.has(c));
    assert.deepEqual(cycles, [], `import circles:\n  ${cycles.join('\n  ')}`);
    const gone = [...KNOWN].filter((c) => !found.includes(c));
    assert.deepEqual(gone, [], `circles in KNOWN that are gone (delete their lines):\n  ${gone.join('\n  ')}`);
  });
});
