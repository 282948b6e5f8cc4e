// Shared by the VS Code test runners and the demo: where code-server is, free ports,
// Chromium's launch flags, starting a server and stopping it with all its children.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CODE_SERVER_VERSION = process.env.CODE_SERVER_VERSION || '4.100.3';

export function codeServerCache() {
  return (
    process.env.PA_CODE_SERVER_CACHE ||
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'parallel-agents', `code-server-${CODE_SERVER_VERSION}`)
  );
}

/** Runs the install script (idempotent, quick when installed) and returns code-server's package folder. */
export function ensureCodeServer() {
  const pkg = join(codeServerCache(), 'node_modules', 'code-server');
  if (!existsSync(join(pkg, 'lib', 'vscode', 'out', 'server-main.js')) || !existsSync(join(codeServerCache(), '.installed'))) {
    try {
      execFileSync('bash', [join(repoRoot, 'scripts', 'vscode', 'install-code-server.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
    } catch {
      // The script has said what failed and what to do; a Node stack trace would only bury it.
      process.stderr.write(
        `\nCould not install code-server ${CODE_SERVER_VERSION} into ${codeServerCache()} (see the lines above).\n` +
          `Run \`bash scripts/vscode/install-code-server.sh\` on its own to retry it.\n`,
      );
      process.exit(1);
    }
  }
  return pkg;
}

/**
 * Where the UI tests save screenshots: test-results/screenshots (ignored by git) unless
 * asked. PA_UPDATE_SCREENSHOTS=1 (`npm run screenshots`) refreshes the README's pictures
 * in docs/screenshots; PA_SCREENSHOTS_DIR picks any other folder.
 */
export function screenshotsDir(env = process.env) {
  if (env.PA_SCREENSHOTS_DIR) return env.PA_SCREENSHOTS_DIR;
  if (env.PA_UPDATE_SCREENSHOTS === '1') return join(repoRoot, 'docs', 'screenshots');
  return join(repoRoot, 'test-results', 'screenshots');
}

export const CHROMIUM = process.env.PA_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A fresh copy of a folder, made a git repository with one commit (the engine needs git). */
export function copyWorkspace(from, prefix = 'pa-ws-') {
  const dir = tempDir(prefix);
  cpSync(from, dir, { recursive: true });
  const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=test', '-c', 'user.email=test@example.invalid', 'add', '-A');
  git('-c', 'user.name=test', '-c', 'user.email=test@example.invalid', 'commit', '-q', '-m', 'fixture');
  return dir;
}

/**
 * Starts a process in its own process group, so stop() ends it with every child
 * (the extension host, language servers) and nothing else.
 */
export function startGroup(cmd, args, options = {}) {
  const child = spawn(cmd, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (d) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
    if (options.echo) process.stderr.write(d);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const timeout = new Promise((r) => setTimeout(r, 5000, 'timeout'));
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    },
  };
}

/** Waits until an HTTP server answers on the port. */
export async function waitForHttp(url, timeoutMs = 60_000, exited) {
  const end = Date.now() + timeoutMs;
  let dead = false;
  exited?.then(() => (dead = true));
  while (Date.now() < end) {
    if (dead) throw new Error(`the server exited before answering ${url}`);
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status > 0) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms`);
}

export function removeQuietly(dir) {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    /* best effort */
  }
}
