#!/usr/bin/env node
// npm run test:vscode — everything that needs a real VS Code, offline:
//   1. build the extension (npm run build) and the extension-host suite;
//   2. install code-server into the cache if missing (scripts/vscode/install-code-server.sh);
//   3. run the suite in the VS Code server with a trusted workspace, then an untrusted one;
//   4. package the .vsix and drive code-server's UI with Playwright (test/vscode/ui),
//      saving screenshots to test-results/screenshots/ (ignored by git). The README's
//      pictures in docs/screenshots/ are refreshed only when asked: PA_UPDATE_SCREENSHOTS=1,
//      or `npm run screenshots` (the UI tests alone, writing docs/screenshots/).
// Flags: --suite-only, --ui-only, --no-build, --verbose, --grep RE (extension-host tests only).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureCodeServer, repoRoot, screenshotsDir } from './lib.mjs';

const argv = process.argv.slice(2);
const has = (f) => argv.includes(f);
const step = (title, cmd, args) => {
  console.log(`\n== ${title}`);
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit' });
  return r.status ?? 1;
};

if (!has('--no-build')) {
  if (step('build', 'npm', ['run', '--silent', 'build'])) process.exit(1);
  if (step('build the extension-host suite', process.execPath, [join(repoRoot, 'scripts', 'vscode', 'build-tests.mjs')])) process.exit(1);
}
ensureCodeServer();
// Passed on to the extension-host runner.
// The suite takes about four minutes here (the VS Code model tests added one); 600 s leaves room on a busy machine.
const suiteArgs = ['--timeout', '600', ...(has('--verbose') ? ['--verbose'] : [])];
const grepAt = argv.indexOf('--grep');
if (grepAt >= 0) suiteArgs.push('--grep', argv[grepAt + 1] ?? '');
const results = [];
if (!has('--ui-only')) {
  results.push(['extension host, trusted', step('extension-host suite, trusted workspace', process.execPath, [join(repoRoot, 'test', 'vscode', 'runInServer.mjs'), ...suiteArgs])]);
  results.push(['extension host, untrusted', step('extension-host suite, untrusted workspace', process.execPath, [join(repoRoot, 'test', 'vscode', 'runInServer.mjs'), '--untrusted', ...suiteArgs])]);
}
if (!has('--suite-only')) {
  if (!has('--no-build') && step('package the .vsix', process.execPath, [join(repoRoot, 'scripts', 'vscode', 'package.mjs')])) process.exit(1);
  results.push([
    'UI (code-server + Playwright)',
    step('UI tests against code-server', process.execPath, [join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--timeout', '180000', 'test/vscode/ui/**/*.test.ts']),
  ]);
}
console.log('\n== summary');
if (!has('--suite-only')) console.log(`screenshots: ${screenshotsDir()}`);
for (const [name, code] of results) console.log(`${code === 0 ? 'ok  ' : 'FAIL'} ${name}`);
process.exit(results.some(([, code]) => code !== 0) ? 1 : 0);
