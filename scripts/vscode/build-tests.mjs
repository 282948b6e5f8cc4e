#!/usr/bin/env node
// Bundles the extension-host suite (test/vscode/suite) into out/test/vscode/suite, one
// file per test so that mocha can load them itself. `vscode` comes from the host and
// `mocha` from node_modules at run time.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
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

// The scripted chat model provider (a second extension, installed next to ours by
// runInServer.mjs): its package.json and its bundle.
const lmSource = join(root, 'test', 'vscode', 'lmTestExtension');
const lmOut = join(root, 'out', 'test', 'vscode', 'lmTestExtension');
rmSync(lmOut, { recursive: true, force: true });
mkdirSync(lmOut, { recursive: true });
copyFileSync(join(lmSource, 'package.json'), join(lmOut, 'package.json'));
await esbuild.build({
  entryPoints: [join(lmSource, 'extension.ts')],
  outfile: join(lmOut, 'out', 'extension.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  external: ['vscode'],
  logLevel: 'warning',
  absWorkingDir: root,
});
console.log(`build-tests: scripted chat model provider → ${lmOut}`);
