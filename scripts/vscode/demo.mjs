#!/usr/bin/env node
// npm run demo — packages the extension and opens examples/four-step (a fresh git copy)
// in code-server with it installed, for a person to try in a browser. Ctrl-C stops it.
//   npm run demo -- [--port 8080] [--no-package]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyWorkspace, ensureCodeServer, removeQuietly, repoRoot, startGroup, tempDir, waitForHttp } from './lib.mjs';

const argv = process.argv.slice(2);
const portArg = argv.indexOf('--port');
const port = portArg >= 0 ? Number(argv[portArg + 1]) : 8080;
if (!argv.includes('--no-package') && spawnSync(process.execPath, [join(repoRoot, 'scripts', 'vscode', 'package.mjs')], { stdio: 'inherit' }).status) process.exit(1);
const vsix = readdirSync(join(repoRoot, 'dist')).filter((f) => f.endsWith('.vsix')).sort().pop();
if (!vsix) throw new Error('no .vsix in dist/');
const bin = join(ensureCodeServer(), 'out', 'node', 'entry.js');
const userData = tempDir('pa-demo-user-');
const extensions = tempDir('pa-demo-ext-');
const workspace = copyWorkspace(join(repoRoot, 'examples', 'four-step'), 'pa-demo-ws-');
const config = join(userData, 'config.yaml');
writeFileSync(config, 'auth: none\n');
mkdirSync(join(userData, 'User'), { recursive: true });
writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off' }, null, 2));
execFileSync(process.execPath, [bin, '--config', config, '--install-extension', join(repoRoot, 'dist', vsix), '--extensions-dir', extensions, '--user-data-dir', userData], { stdio: 'inherit' });
const server = startGroup(process.execPath, [bin, '--config', config, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--user-data-dir', userData, '--extensions-dir', extensions, workspace], { echo: true });
const stop = async () => {
  await server.stop();
  for (const d of [userData, extensions, workspace]) removeQuietly(d);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000, server.exited);
console.log(`\nParallel Agents demo: open http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}  (Ctrl-C stops it)\n`);
await server.exited;
await stop();
