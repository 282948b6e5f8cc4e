#!/usr/bin/env node
// Runs the extension-host suite (out/test/vscode/suite) in a real VS Code, offline: the
// VS Code server from code-server's package plus headless Chromium. The web client takes
// the test flags in its `payload` URL parameter and calls codeAutomationExit with the
// suite's result (see shared/TESTING-IN-VSCODE.md). Prints the suite's output and exits
// with its code; every process it started is stopped on the way out.
//
//   node test/vscode/runInServer.mjs [--untrusted] [--workspace DIR] [--extension DIR] [--grep RE] [--timeout S] [--verbose]
import { chromium } from 'playwright-core';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  copyWorkspace,
  ensureCodeServer,
  freePort,
  removeQuietly,
  repoRoot,
  startGroup,
  tempDir,
  waitForHttp,
} from '../../scripts/vscode/lib.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const untrusted = flag('--untrusted');
const verbose = flag('--verbose');
const timeoutMs = Number(option('--timeout', '300')) * 1000;
const suiteEntry = join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js');
if (!existsSync(suiteEntry)) {
  console.error(`runInServer: ${suiteEntry} is missing; run node scripts/vscode/build-tests.mjs first`);
  process.exit(2);
}
// --extension DIR: the extension to load (default: this checkout; the benchmark passes a
// packaged production build).
const extensionRoot = option('--extension') ?? repoRoot;
if (!existsSync(join(extensionRoot, 'dist', 'extension.js'))) {
  console.error('runInServer: dist/extension.js is missing; run npm run build first');
  process.exit(2);
}

const cleanups = [];
let exitCode = 1;
try {
  exitCode = await main();
} catch (e) {
  console.error(`runInServer: ${e?.stack ?? e}`);
  exitCode = 1;
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}
process.exit(exitCode);

async function main() {
  const pkg = ensureCodeServer();
  const workspace = option('--workspace') ?? copyWorkspace(join(repoRoot, 'test', 'vscode', 'fixtures', 'workspace'));
  if (!option('--workspace')) cleanups.push(async () => removeQuietly(workspace));
  const dataDir = tempDir('pa-vscode-data-');
  cleanups.push(async () => removeQuietly(dataDir));
  // Machine settings apply to the remote (server) side: keep the run quiet and offline.
  mkdirSync(join(dataDir, 'data', 'Machine'), { recursive: true });
  writeFileSync(
    join(dataDir, 'data', 'Machine', 'settings.json'),
    JSON.stringify({ 'extensions.autoUpdate': false, 'extensions.autoCheckUpdates': false, 'telemetry.telemetryLevel': 'off', 'git.enabled': false }, null, 2),
  );
  // The scripted chat model provider (test/vscode/lmTestExtension, a test double) as an
  // installed extension beside the one under development: the web client takes one
  // extensionDevelopmentPath only. It declares the `chatProvider` proposal, which
  // code-server lets every extension use.
  const lmExtension = join(repoRoot, 'out', 'test', 'vscode', 'lmTestExtension');
  if (existsSync(join(lmExtension, 'out', 'extension.js'))) {
    cpSync(lmExtension, join(dataDir, 'extensions', 'pa-test.scripted-lm-0.0.1'), { recursive: true });
  }
  const report = join(dataDir, 'report.txt');
  writeFileSync(report, '');

  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const serverArgs = [
    join(pkg, 'lib', 'vscode', 'out', 'server-main.js'),
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--server-data-dir', dataDir,
    '--disable-telemetry',
  ];
  // Trusted runs: the server's own switch (the trust prompt is refused in test mode).
  if (!untrusted) serverArgs.push('--disable-workspace-trust');
  // No real model endpoint in tests: runs without a key must fail the way a user sees it.
  const env = { ...process.env, PA_TEST_REPORT: report, ...(option('--grep') && { PA_TEST_GREP: option('--grep') }) };
  delete env.ANTHROPIC_API_KEY;
  delete env.ANTHROPIC_BASE_URL;
  const server = startGroup(process.execPath, serverArgs, { echo: verbose, env });
  cleanups.push(() => server.stop());
  await waitForHttp(`http://${host}/`, 60_000, server.exited);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  cleanups.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  let resolveExit;
  const exit = new Promise((r) => (resolveExit = r));
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    if (verbose) console.error(`[workbench ${type}] ${Array.isArray(args) ? args.join(' ') : args}`);
  });
  if (verbose) page.on('console', (m) => console.error(`[page ${m.type()}] ${m.text()}`));

  const remote = (p) => `vscode-remote://${host}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionRoot)],
    ['extensionTestsPath', remote(suiteEntry)],
    ['skipWelcome', 'true'],
  ];
  const url = `http://${host}/?folder=${encodeURIComponent(remote(workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  console.log(`runInServer: VS Code server on ${host}, ${untrusted ? 'untrusted' : 'trusted'} workspace ${workspace}`);
  await page.goto(url);

  const timedOut = new Promise((r) => setTimeout(() => r('timeout'), timeoutMs));
  const result = await Promise.race([exit, timedOut, server.exited.then(() => 'server-exit')]);
  const out = readFileSync(report, 'utf8');
  process.stdout.write(out.endsWith('\n') || !out ? out : out + '\n');
  if (result === 'timeout') {
    console.error(`runInServer: the suite did not finish within ${timeoutMs / 1000} s`);
    await page.screenshot({ path: join(dataDir, '..', 'pa-runInServer-timeout.png') }).catch(() => undefined);
    if (!verbose) console.error(server.output().slice(-4000));
    return 1;
  }
  if (result === 'server-exit') {
    console.error('runInServer: the VS Code server exited during the suite');
    console.error(server.output().slice(-4000));
    return 1;
  }
  if (!out.includes('tests:')) {
    console.error(`runInServer: the suite reported nothing (exit code ${result}); server output:`);
    console.error(server.output().slice(-4000));
    return result || 1;
  }
  return result;
}
