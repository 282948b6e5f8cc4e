#!/usr/bin/env node
// npm run package — a production build and dist/parallel-agents-<version>.vsix. esbuild
// bundles the dependencies, so vsce runs with --no-dependencies; .vscodeignore keeps
// the package to dist/extension.js, dist/cli.js, media/, schemas/, README, LICENSE.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib.mjs';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit' });
  if (r.status) process.exit(r.status ?? 1);
};
const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const out = join(repoRoot, 'dist', `parallel-agents-${version}.vsix`);
run(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), '--production']);
run(process.execPath, [
  join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'),
  'package',
  '--no-dependencies',
  '--allow-missing-repository',
  // The README's pictures (docs/screenshots) are not in the package and there is no public
  // repository to point them at: keep its relative links as they are.
  '--no-rewrite-relative-links',
  '--skip-license',
  '--no-update-package-json',
  '--out',
  out,
]);
console.log(out);
