#!/usr/bin/env node
// Bundles the extension-host suite (test/vscode/suite) into out/test/vscode/suite, one
// file per test so that mocha can load them itself. `vscode` comes from the host and
// `mocha` from node_modules at run time.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const suite = join(root, 'test', 'vscode', 'suite');
const outdir = join(root, 'out', 'test', 'vscode', 'suite');
rmSync(outdir, { recursive: true, force: true });
const entryPoints = readdirSync(suite)
  .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
  .map((f) => join(suite, f));
await esbuild.build({
  entryPoints,
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
  absWorkingDir: root,
});
console.log(`build-tests: ${entryPoints.length} files → ${outdir}`);
