#!/usr/bin/env node
// npm run test:electron — the same extension-host suite in desktop VS Code, downloaded by
// @vscode/test-electron (needs the internet; on these offline machines use test:vscode).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { copyWorkspace, repoRoot } from './lib.mjs';

for (const args of [['run', '--silent', 'build']]) {
  if (spawnSync('npm', args, { cwd: repoRoot, stdio: 'inherit' }).status) process.exit(1);
}
if (spawnSync(process.execPath, [join(repoRoot, 'scripts', 'vscode', 'build-tests.mjs')], { stdio: 'inherit' }).status) process.exit(1);
const workspace = copyWorkspace(join(repoRoot, 'test', 'vscode', 'fixtures', 'workspace'));
try {
  await runTests({
    version: process.env.VSCODE_VERSION || '1.100.3',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(`test:electron: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
