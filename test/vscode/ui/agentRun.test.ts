// A real agent run, as `npm run demo` shows it: the four-step example in code-server with
// the packaged extension, its agents answered by the scripted server (a test double that
// replays fixed turns, labelled "demo model" in the UI) with a delay per turn so the run
// can be watched. While it runs the user edits CHANGELOG.md, which the changelog task also
// edits: applying the run then leaves conflict markers for the CodeLens to resolve.
// Screenshots: agents-mid-run.png, task-diff.png, conflicts-codelens.png.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { fourStepScript } from '../../integration/engine/fourStepScript';
import { openCodeServer, repoRoot, runCommand, screenshotPath, type Session } from './codeServer';
import { pane, row, widenSidebar } from './viewLocators';

const USER_CHANGELOG = '# Changelog\n\n## Unreleased\n- slugify keeps digits.\n\n## 1.0.0\n- First release: `slugify(text, options)` and `isSlug(text)`.\n';

async function waitForFile(file: string, ok: (text: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = readFileSync(file, 'utf8');
    if (ok(text) || Date.now() > end) return text;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.notification-toast').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
}

describe('an agent run in code-server (demo model: the scripted server)', function () {
  this.timeout(180_000);
  let fake: FakeAnthropic;
  let s: Session;

  before(async () => {
    // Two seconds per turn: long enough to see the agents work, short enough for CI.
    fake = await startFakeAnthropic({ script: fourStepScript(), latencyMs: 2000 });
    // VS Code's own merge-conflict extension would add its lenses to ours on the same markers.
    const settings = { 'merge-conflict.codeLens.enabled': false, 'merge-conflict.decorators.enabled': false };
    s = await openCodeServer(join(repoRoot, 'examples', 'four-step'), settings, {
      ANTHROPIC_BASE_URL: fake.baseURL,
      ANTHROPIC_API_KEY: 'demo-placeholder-key',
      PARALLEL_AGENTS_DEMO: '1',
    });
  });
  after(async () => {
    await s?.close();
    await fake?.close();
  });

  it('shows the agents mid-run: spinners, elapsed · tokens · cost, and "demo model"', async () => {
    const { page } = s;
    await page.locator('.activitybar .action-item a[aria-label^="Parallel Agents"]').click();
    await page.locator('.statusbar-item', { hasText: 'demo model' }).waitFor({ timeout: 30_000 });
    await widenSidebar(page, 560);
    await page.locator('.welcome-view-content', { hasText: 'Demo mode: the agents are answered by a scripted local server' }).waitFor({ timeout: 15_000 });
    await page.locator('.welcome-view-content a.monaco-button', { hasText: 'Run All Tasks' }).click();
    const agents = pane(page, 'Agents');
    // At the default width what matters leads: elapsed, then the demo label.
    const busy = (label: string) =>
      row(agents, label)
        .filter({ has: page.locator('.codicon-modifier-spin') })
        .filter({ hasText: /\d+s · demo model/ });
    // Both independent agents are working.
    await busy('tests').waitFor({ timeout: 30_000 });
    await busy('docs').waitFor({ timeout: 10_000 });
    // The user edits the changelog while the run goes on (the run works on its snapshot).
    writeFileSync(join(s.workspace, 'CHANGELOG.md'), USER_CHANGELOG);
    await page.screenshot({ path: screenshotPath('agents-mid-run.png') });
    assert.match(await row(agents, 'changelog').innerText(), /queued|demo model/);
    const finished = page.locator('.notification-toast', { hasText: /run \S+ succeeded \(agents: demo model\)/ });
    await finished.waitFor({ timeout: 60_000 });
    await row(agents, 'changelog').filter({ has: page.locator('.codicon-pass') }).waitFor();
    await row(agents, 'tests').filter({ has: page.locator('.codicon-pass') }).waitFor();
  });

  it("opens a task's changed file as a diff of its base and its result", async () => {
    const { page } = s;
    await clearNotifications(page);
    const agents = pane(page, 'Agents');
    await row(agents, 'docs').click(); // expands: its changed files and transcript
    await row(agents, 'api.md').click();
    await page.locator('.tab', { hasText: 'api.md (docs: base ↔ result)' }).waitFor({ timeout: 30_000 });
    const diff = page.locator('.editor-group-container .monaco-diff-editor').first();
    await diff.waitFor();
    await diff.locator('.editor.modified .view-line', { hasText: 'isSlug(text)' }).first().waitFor({ timeout: 15_000 });
    await diff.locator('.line-insert, .char-insert').first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: screenshotPath('task-diff.png') });
  });

  it('applies the run, shows the conflict with the user\'s edit, and resolves it with the CodeLens', async () => {
    const { page } = s;
    await runCommand(page, 'Parallel Agents: Apply Run');
    const applied = page.locator('.notification-toast', { hasText: /applied run \S+: .*1 conflict/ });
    await applied.waitFor({ timeout: 30_000 });
    await applied.locator('a.monaco-button', { hasText: 'Show Conflicts' }).click();
    const conflicts = pane(page, 'Conflicts');
    await row(conflicts, 'CHANGELOG.md').click();
    const editor = page.locator('.editor-group-container .monaco-editor').first();
    await page.locator('.tab.active', { hasText: 'CHANGELOG.md' }).waitFor({ timeout: 15_000 });
    const lens = (title: string) => editor.locator('.codelens-decoration a', { hasText: title }).first();
    await lens('Accept changelog').waitFor({ timeout: 30_000 });
    for (const t of ['Accept Yours (working tree)', 'Accept Both', 'Compare']) await lens(t).waitFor();
    await page.locator('.statusbar-item', { hasText: '1 conflict' }).waitFor();
    await clearNotifications(page);
    await page.screenshot({ path: screenshotPath('conflicts-codelens.png') });
    await lens('Accept Both').click();
    await editor.locator('.codelens-decoration a', { hasText: 'Accept changelog' }).waitFor({ state: 'detached', timeout: 15_000 });
    await page.locator('.statusbar-item', { hasText: /conflict/ }).waitFor({ state: 'detached', timeout: 15_000 });
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+S');
    // Saved (code-server may also auto-save): wait for the markers to leave the file on disk.
    const text = await waitForFile(join(s.workspace, 'CHANGELOG.md'), (t) => !/^<{7}/m.test(t));
    assert.doesNotMatch(text, /^(<{7}|={7}|>{7})/m);
    assert.match(text, /slugify keeps digits/);
    assert.match(text, /Unit tests for slugify \(6 cases\)/);
  });
});
