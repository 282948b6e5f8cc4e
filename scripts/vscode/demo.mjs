#!/usr/bin/env node
// npm run demo — packages the extension and opens examples/four-step (a fresh git copy)
// in code-server with it installed, for a person to try in a browser. Ctrl-C stops it.
//   npm run demo -- [--port 8080] [--no-package] [--demo-model] [--latency MS]
// With ANTHROPIC_API_KEY set, the agents use the real API (and cost money). Without it (or
// with --demo-model), the bundled scripted server (test/integration/engine/serveFourStep.ts,
// a test double replaying the four-step example's turns, nothing generated) answers on
// 127.0.0.1 with --latency ms per turn (default 1500), and code-server gets its URL as
// ANTHROPIC_BASE_URL with PARALLEL_AGENTS_DEMO=1, so the views label those agents "demo model".
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyWorkspace, ensureCodeServer, removeQuietly, repoRoot, startGroup, tempDir, waitForHttp } from './lib.mjs';

const argv = process.argv.slice(2);
const portArg = argv.indexOf('--port');
const port = portArg >= 0 ? Number(argv[portArg + 1]) : 8080;
const latencyArg = argv.indexOf('--latency');
const latencyMs = latencyArg >= 0 ? Number(argv[latencyArg + 1]) : 1500;
const scripted = argv.includes('--demo-model') || !process.env.ANTHROPIC_API_KEY?.trim();
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
writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(
    // VS Code's merge-conflict lenses would repeat ours on the markers an apply leaves.
    { 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'merge-conflict.codeLens.enabled': false, 'merge-conflict.decorators.enabled': false },
    null,
    2,
  ));
execFileSync(process.execPath, [bin, '--config', config, '--install-extension', join(repoRoot, 'dist', vsix), '--extensions-dir', extensions, '--user-data-dir', userData], { stdio: 'inherit' });

let fake;
const env = { ...process.env };
if (scripted) {
  fake = startGroup(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'integration', 'engine', 'serveFourStep.ts')], {
    cwd: repoRoot,
    env: { ...process.env, LATENCY_MS: String(latencyMs) },
  });
  const baseURL = await firstUrl(fake, 30_000);
  Object.assign(env, { ANTHROPIC_BASE_URL: baseURL, ANTHROPIC_API_KEY: 'demo-placeholder-key', PARALLEL_AGENTS_DEMO: '1' });
  console.log(`\nScripted demo server (a test double replaying fixed turns, not an AI model) on ${baseURL}, ${latencyMs} ms per turn.`);
} else {
  console.log('\nANTHROPIC_API_KEY is set: the agents use the Anthropic API (this costs money). Add --demo-model for the scripted server instead.');
}
const server = startGroup(process.execPath, [bin, '--config', config, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--user-data-dir', userData, '--extensions-dir', extensions, workspace], { echo: true, env });
const stop = async () => {
  await server.stop();
  await fake?.stop();
  for (const d of [userData, extensions, workspace]) removeQuietly(d);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000, server.exited);
console.log(`\nParallel Agents demo${scripted ? ' (agents: demo model)' : ''}: open http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}  (Ctrl-C stops it)`);
console.log('Trust the folder when asked, then run "Parallel Agents: Run All Tasks" from the command palette.\n');
await server.exited;
await stop();

/** The base URL the scripted server prints on its first line. */
async function firstUrl(group, timeoutMs) {
  const end = Date.now() + timeoutMs;
  let dead = false;
  group.exited.then(() => (dead = true));
  while (Date.now() < end && !dead) {
    const m = /^(http:\/\/127\.0\.0\.1:\d+)\s*$/m.exec(group.output());
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the scripted demo server did not start: ${group.output().slice(-2000)}`);
}
