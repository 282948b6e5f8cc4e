// The layer lint (scripts/check-layers.mjs) and the codemod that fixes what it finds
// (scripts/fix-layer-imports.mjs), each run as CI and the integrator run them, on a small
// tree in a temp directory: the lint must fail on every kind of bad import and name the line,
// and the codemod must turn a tree that fails into one that passes, the same on a second run.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-layers-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

function script(name: string, dir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', name), '--root', dir, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const LOWER = {
  'src/core/index.ts': "export { Emitter } from './lifecycle';\n",
  'src/core/lifecycle.ts': 'export class Emitter {}\nexport class Disposable {}\nexport interface Event { readonly x: number }\n',
  'src/git/index.ts': "export { applyRun } from './apply';\n",
  'src/git/apply.ts': "import { Emitter } from '../core';\nexport const applyRun = () => new Emitter();\n",
};

describe('scripts: the layer lint and its codemod', function () {
  this.timeout(120_000); // each run of the codemod builds a TypeScript program
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('fails on an upward import, a peer, a bypassed index, an own-index import and vscode outside src/vscode, at FILE:LINE:COL', () => {
    const dir = tree({
      ...LOWER,
      'src/engine/index.ts': 'export const run = 1;\n',
      'src/git/upward.ts': "// a comment: import { run } from '../engine';\nimport { run } from '../engine';\nexport const x = run;\n",
      'src/engine/bypass.ts': "import { applyRun } from '../git/apply';\nexport const y = applyRun;\n",
      'src/cli/peer.ts': "import type { Z } from '../vscode/z';\nexport type W = Z;\n",
      'src/vscode/z.ts': "export type Z = typeof import('../git/apply.js');\n",
      'src/git/own.ts': "import { applyRun } from './index';\nexport const z = applyRun;\n",
      'src/core/ui.ts': "import * as vscode from 'vscode';\nexport const v = vscode;\n",
    });
    dirs.push(dir);
    const r = script('check-layers.mjs', dir);
    assert.equal(r.status, 1, r.stdout);
    const lines = r.stderr.trim().split('\n');
    assert.deepEqual(lines.map((l) => l.slice(0, l.indexOf(': '))), [
      'src/cli/peer.ts:1:24',
      'src/core/ui.ts:1:25',
      'src/engine/bypass.ts:1:26',
      'src/git/own.ts:1:26',
      'src/git/upward.ts:2:21',
      'src/vscode/z.ts:1:31',
      'layers',
    ]);
    assert.match(lines[0] as string, /cli may not import vscode \('\.\.\/vscode\/z'\): cli and vscode are peers/);
    assert.match(lines[1] as string, /imports 'vscode'; only src\/vscode and src\/extension\.ts may/);
    assert.match(lines[2] as string, /imports src\/git\/apply\.ts past the git layer's index; import from '\.\.\/git' instead \(node scripts\/fix-layer-imports\.mjs/);
    assert.match(lines[3] as string, /imports its own layer's index \('\.\/index'\); import the sibling file/);
    assert.match(lines[4] as string, /git may not import engine \('\.\.\/engine'\): a layer imports only lower layers/);
    assert.match(lines[5] as string, /imports src\/git\/apply\.ts past the git layer's index/, 'a typeof import() counts');
    assert.match(lines[6] as string, /^layers: 6 problems/);
  });

  it('passes a tree that imports only lower layers through their indexes, and the lazy import() of an index', () => {
    const dir = tree({
      ...LOWER,
      'src/vscode/app.ts': "import * as vscode from 'vscode';\nimport type { Emitter } from '../core';\nexport const load = () => import('../git/index.js');\nexport type E = Emitter | typeof vscode;\n",
      'src/extension.ts': "import { load } from './vscode/app';\nexport const activate = load;\n",
    });
    dirs.push(dir);
    const r = script('check-layers.mjs', dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^layers: ok/);
  });

  it('the codemod rewrites imports onto the index, merges them, keeps import type, adds missing exports, and changes nothing on a second run', () => {
    const dir = tree({
      ...LOWER,
      'src/engine/run.ts': [
        '// The header.',
        "import { Emitter } from '../core/lifecycle';",
        "import type { Event } from '../core/lifecycle';",
        "import { Disposable } from '../core/lifecycle';",
        "import { applyRun } from '../git/apply';",
        'export const r = [Emitter, Disposable, applyRun];',
        'export type V = Event;',
        "export { applyRun as apply } from '../git/apply';",
        '',
      ].join('\n'),
    });
    dirs.push(dir);
    assert.equal(script('check-layers.mjs', dir).status, 1, 'the tree fails the lint before');

    const check = script('fix-layer-imports.mjs', dir, '--check');
    assert.equal(check.status, 1, '--check fails when there is something to rewrite');
    assert.match(check.stdout, /would rewrite 5 cross-layer imports/);

    const fix = script('fix-layer-imports.mjs', dir);
    assert.equal(fix.status, 0, fix.stderr);
    assert.match(fix.stdout, /rewrote 5 cross-layer imports; changed 2 files/);
    assert.equal(readFileSync(path.join(dir, 'src/engine/run.ts'), 'utf8'), [
      '// The header.',
      "import { Emitter, Disposable } from '../core';",
      "import type { Event } from '../core';",
      "import { applyRun } from '../git';",
      'export const r = [Emitter, Disposable, applyRun];',
      'export type V = Event;',
      "export { applyRun as apply } from '../git';",
      '',
    ].join('\n'));
    assert.equal(readFileSync(path.join(dir, 'src/core/index.ts'), 'utf8'),
      "export { Emitter } from './lifecycle';\nexport { Disposable, type Event } from './lifecycle';\n");

    const again = script('fix-layer-imports.mjs', dir);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /rewrote 0 cross-layer imports; changed 0 files/);
    const lint = script('check-layers.mjs', dir);
    assert.equal(lint.status, 0, lint.stderr);
  });

  it('the codemod leaves an import alone when the index exports another declaration under its name', () => {
    const dir = tree({
      ...LOWER,
      'src/git/other.ts': 'export const applyRun = 2;\n',
      'src/engine/run.ts': "import { applyRun } from '../git/other';\nexport const r = applyRun;\n",
    });
    dirs.push(dir);
    const fix = script('fix-layer-imports.mjs', dir);
    assert.equal(fix.status, 1);
    assert.match(fix.stderr, /src\/engine\/run\.ts:1: 'applyRun' from src\/git\/other\.ts is not the 'applyRun' that src\/git\/index\.ts exports/);
    assert.equal(readFileSync(path.join(dir, 'src/engine/run.ts'), 'utf8'), "import { applyRun } from '../git/other';\nexport const r = applyRun;\n");
  });
});
