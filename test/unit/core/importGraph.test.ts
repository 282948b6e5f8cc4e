// The import graph on a small real JS/TS project in a temporary folder, and the plan's
// warning when a task's owned files import files that another, unordered task owns.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readImportGraph, resolveSpecifier, specifiers } from '../../../src/core/importGraph';
import { planTasks } from '../../../src/core/plan';
import { file, task } from './helpers';

const PROJECT: Record<string, string> = {
  'package.json': '{"name": "tiny", "type": "module"}',
  'src/math.js': 'export function add(a, b) { return a + b; }\n',
  'src/format.mjs': "import { add } from './math.js';\nexport const fmt = (a, b) => `${add(a, b)}`;\n",
  'src/types.ts': 'export interface Pair { a: number; b: number }\n',
  'lib/legacy.cjs': "'use strict';\nconst { add } = require('../src/math');\nmodule.exports = { twice: (x) => add(x, x) };\n",
  'app/main.ts': "import type { Pair } from '../src/types.js';\nimport { fmt } from '../src/format.mjs';\nexport const show = (p: Pair): string => fmt(p.a, p.b);\nconst later = () => import('./lazy');\n",
  'app/lazy.ts': 'export const lazy = 1;\n',
  'app/view.jsx': "import { show } from './main';\nexport const View = (p) => <div className=\"x\">{show(p)}</div>;\n",
  'node_modules/dep/index.js': "import '../../src/math.js';\n",
  'docs/notes.md': "import x from './src/math.js'\n",
};

describe('import graph', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pa-imports-'));
    for (const [rel, text] of Object.entries(PROJECT)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads ES imports, re-exports, import(), require() and TS .js specifiers; skips node_modules and non-code', async () => {
    const g = await readImportGraph(dir, Object.keys(PROJECT));
    assert.deepEqual(Object.fromEntries(g.imports), {
      'src/format.mjs': ['src/math.js'],
      'lib/legacy.cjs': ['src/math.js'],
      'app/main.ts': ['app/lazy.ts', 'src/format.mjs', 'src/types.ts'],
      'app/view.jsx': ['app/main.ts'],
    });
    assert.equal(g.skipped, 0);
  });

  it('stays within its bounds: too many or too large files are skipped and counted', async () => {
    const g = await readImportGraph(dir, Object.keys(PROJECT), { maxFiles: 2 });
    assert.equal(g.imports.size <= 2, true);
    assert.ok(g.skipped >= 4);
    const small = await readImportGraph(dir, Object.keys(PROJECT), { maxFileBytes: 10 });
    assert.equal(small.imports.size, 0);
  });

  it('resolves only relative specifiers inside the workspace', () => {
    const known = new Set(['src/a.ts', 'src/b/index.js', 'x.json']);
    assert.equal(resolveSpecifier('src/c.ts', './a.js', known), 'src/a.ts');
    assert.equal(resolveSpecifier('src/c.ts', './b', known), 'src/b/index.js');
    assert.equal(resolveSpecifier('src/c.ts', '../x.json', known), 'x.json');
    assert.equal(resolveSpecifier('src/c.ts', 'lodash', known), undefined);
    assert.equal(resolveSpecifier('src/c.ts', '../../outside', known), undefined);
    assert.deepEqual(specifiers("const a = require( './q' ); x.require('./no');"), ['./q']);
  });

  it('warns in the plan when an owned file imports what another concurrent task owns, and not once they are ordered', async () => {
    const g = await readImportGraph(dir, Object.keys(PROJECT));
    const tasks = [task('math', [], { owns: ['src/math.js'] }), task('format', [], { owns: ['src/format.mjs'] }), task('docs', [], { owns: ['docs/**'] })];
    const unordered = planTasks(file(tasks), { imports: g });
    assert.equal(unordered.errors.length, 0);
    assert.deepEqual(
      unordered.warnings.map((w) => [w.code, w.tasks, w.path]),
      [['import-dependency', ['format', 'math'], 'src/format.mjs']],
    );
    assert.match(unordered.warnings[0]?.message ?? '', /task "format" owns "src\/format\.mjs", which imports "src\/math\.js" that task "math" owns, but nothing orders them; add `dependsOn: \[math\]`/);
    const ordered = planTasks(file([tasks[0]!, { ...tasks[1]!, dependsOn: ['math'] }, tasks[2]!]), { imports: g });
    assert.deepEqual(ordered.warnings, []);
    // Declared reads already say it: one warning, not two.
    const declared = planTasks(file([tasks[0]!, { ...tasks[1]!, reads: ['src/math.js'] }]), { imports: g });
    assert.deepEqual(declared.warnings.map((w) => w.code), ['inferred-dependency']);
    assert.deepEqual(planTasks(file(tasks)).warnings, [], 'without the graph, nothing is inferred');
  });
});
