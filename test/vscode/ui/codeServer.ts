// Starts code-server (the whole product, as a person uses it) with the packaged .vsix
// installed into a temporary extensions folder, and opens it in headless Chromium.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-expect-error plain ESM helper shared with the scripts (no types)
import * as lib from '../../../scripts/vscode/lib.mjs';

interface Lib {
  repoRoot: string;
  CHROMIUM: string;
  CHROMIUM_ARGS: string[];
  ensureCodeServer(): string;
  freePort(): Promise<number>;
  tempDir(prefix: string): string;
  copyWorkspace(from: string, prefix?: string): string;
  removeQuietly(dir: string): void;
  waitForHttp(url: string, timeoutMs?: number, exited?: Promise<unknown>): Promise<void>;
  startGroup(cmd: string, args: string[], options?: object): { stop(): Promise<void>; exited: Promise<unknown>; output(): string };
  screenshotsDir(env?: NodeJS.ProcessEnv): string;
}
const L = lib as unknown as Lib;
export const repoRoot = L.repoRoot;

export function findVsix(): string {
  const dist = join(repoRoot, 'dist');
  const vsix = existsSync(dist) ? readdirSync(dist).filter((f) => f.endsWith('.vsix')).sort() : [];
  if (!vsix.length) throw new Error('no .vsix in dist/: run npm run package first');
  return join(dist, vsix[vsix.length - 1] as string);
}

export interface Session {
  readonly page: Page;
  readonly workspace: string;
  readonly installOutput: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * Also installs the scripted chat model provider (test/vscode/lmTestExtension, a test
   * double built by scripts/vscode/build-tests.mjs), as test/vscode/runInServer.mjs does.
   */
  readonly lmTestExtension?: boolean;
}

/** The built scripted chat model provider, copied beside the .vsix as an installed extension. */
function installLmTestExtension(extensions: string): void {
  const built = join(repoRoot, 'out', 'test', 'vscode', 'lmTestExtension');
  if (!existsSync(join(built, 'out', 'extension.js'))) throw new Error(`${built} is not built: run node scripts/vscode/build-tests.mjs first`);
  const folder = 'pa-test.scripted-lm-0.0.1';
  const location = join(extensions, folder);
  cpSync(built, location, { recursive: true });
  // Once --install-extension has written extensions.json, VS Code loads only what it lists.
  const manifest = join(extensions, 'extensions.json');
  const listed = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as unknown[]) : [];
  listed.push({
    identifier: { id: 'pa-test.scripted-lm' },
    version: '0.0.1',
    location: { $mid: 1, fsPath: location, external: pathToFileURL(location).href, path: location, scheme: 'file' },
    relativeLocation: folder,
    metadata: { installedTimestamp: Date.now(), source: 'vsix' },
  });
  writeFileSync(manifest, JSON.stringify(listed));
}

/** `env` is added to code-server's environment (its extension host inherits it). */
export async function openCodeServer(workspaceSource: string, settings: Record<string, unknown> = {}, env: Record<string, string> = {}, options: OpenOptions = {}): Promise<Session> {
  const pkg = L.ensureCodeServer();
  const bin = join(pkg, 'out', 'node', 'entry.js');
  const userData = L.tempDir('pa-ui-user-');
  const extensions = L.tempDir('pa-ui-ext-');
  const workspace = L.copyWorkspace(workspaceSource, 'pa-ui-ws-');
  const cleanups: Array<() => Promise<void> | void> = [
    () => L.removeQuietly(userData),
    () => L.removeQuietly(extensions),
    () => L.removeQuietly(workspace),
  ];
  const close = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    // Its own config file, so nothing is written to ~/.config/code-server.
    const config = join(userData, 'config.yaml');
    writeFileSync(config, 'auth: none\n');
    const installOutput = execFileSync(process.execPath, [bin, '--config', config, '--install-extension', findVsix(), '--extensions-dir', extensions, '--user-data-dir', userData], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (options.lmTestExtension) installLmTestExtension(extensions);
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(
      join(userData, 'User', 'settings.json'),
      JSON.stringify(
        {
          'workbench.startupEditor': 'none',
          'workbench.colorTheme': 'Default Dark Modern',
          'workbench.tips.enabled': false,
          'telemetry.telemetryLevel': 'off',
          'extensions.autoUpdate': false,
          'extensions.ignoreRecommendations': true,
          'git.enabled': false,
          'editor.minimap.enabled': false,
          'window.zoomLevel': 0,
          ...settings,
        },
        null,
        2,
      ),
    );
    const port = await L.freePort();
    const server = L.startGroup(process.execPath, [
      bin,
      '--config', config,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', userData,
      '--extensions-dir', extensions,
      workspace,
    ], { env: { ...process.env, ...env } });
    cleanups.push(() => server.stop());
    await L.waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000, server.exited);
    const browser: Browser = await chromium.launch({ executablePath: L.CHROMIUM, args: L.CHROMIUM_ARGS });
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    // The workbench is interactive once the status bar is drawn and extensions have started.
    await page.waitForSelector('.statusbar', { timeout: 60_000 });
    return { page, workspace, installOutput, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Runs a command the way a person does: F1, type its title, Enter. */
export async function runCommand(page: Page, title: string): Promise<void> {
  // The row with exactly this title: fuzzy matching also lists longer titles, sometimes first.
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: exact }) }).first();
  const input = page.locator('.quick-input-widget input');
  // Once in a CI run the palette opened and never listed a command that was there (the same
  // test passed alone): a second try closes it and types the title again.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ state: 'visible', timeout: 15_000 });
      break;
    } catch (e) {
      if (attempt === 2) throw e;
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    }
  }
  await row.click();
}

/** A screenshot's file: test-results/screenshots unless PA_UPDATE_SCREENSHOTS=1 (see lib.mjs). */
export function screenshotPath(name: string): string {
  const dir = L.screenshotsDir();
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
