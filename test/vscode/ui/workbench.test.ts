// What a person sees in code-server with the packaged extension installed: the activity
// bar container and its views, the plan graph for examples/four-step, the task file's
// CodeLens and diagnostics. Screenshots go to test-results/screenshots/, or to the README's
// pictures in docs/screenshots/ with `npm run screenshots` (see screenshotPath).
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { openCodeServer, repoRoot, runCommand, screenshotPath, type Session } from './codeServer';

const example = join(repoRoot, 'examples', 'four-step');
const workspaceSource = existsSync(join(example, '.agents', 'tasks.yaml')) ? example : join(repoRoot, 'test', 'vscode', 'fixtures', 'workspace');

function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

describe('code-server UI with the packaged extension', function () {
  this.timeout(180_000);
  let s: Session;

  before(async () => {
    s = await openCodeServer(workspaceSource);
  });
  after(async () => {
    await s?.close();
  });

  it('installs from the .vsix', () => {
    assert.match(s.installOutput, /parallel-agents.*successfully installed/i);
  });

  it('shows the Parallel Agents container with the Agents and Conflicts views', async () => {
    const { page } = s;
    const item = page.locator('.activitybar .action-item a[aria-label^="Parallel Agents"]');
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    const sidebar = page.locator('.sidebar');
    await sidebar.locator('.pane-header', { hasText: 'Agents' }).first().waitFor();
    await sidebar.locator('.pane-header', { hasText: 'Conflicts' }).first().waitFor();
    // No API key here, and the task file exists: the welcome offers both.
    await sidebar.locator('.welcome-view-content a.monaco-button', { hasText: 'Set API Key' }).waitFor({ timeout: 30_000 });
    await sidebar.locator('.welcome-view-content a.monaco-button', { hasText: 'Show Plan' }).first().waitFor();
    await page.locator('.statusbar-item', { hasText: 'Agents: idle' }).waitFor();
    await page.screenshot({ path: screenshotPath('agents-view.png') });
  });

  it('Show Plan from the command palette draws the graph by waves with the critical path', async () => {
    const { page } = s;
    await runCommand(page, 'Parallel Agents: Show Plan');
    const view = webview(page);
    await view.locator('g.node').first().waitFor({ timeout: 60_000 });
    const ids = await view.locator("g.node").evaluateAll((els) => els.map((e) => (e as { getAttribute(n: string): string | null }).getAttribute("data-task")));
    assert.equal(ids.length, 4, String(ids));
    assert.deepEqual(await view.locator('.column-label').allTextContents(), ['Wave 1', 'Wave 2']);
    assert.equal(await view.locator('g.node.critical').count(), 2);
    assert.equal(await view.locator('path.edge.critical').count(), 1);
    const summary = await view.locator('#summary').innerText();
    assert.match(summary, /Expected speedup\s*2\.00×/);
    assert.match(summary, /Uncapped \(Amdahl\)\s*2\.00×/);
    assert.match(summary, /Critical path:\s*\S+ → changelog/);
    await page.locator('.tab', { hasText: 'Plan: .agents/tasks.yaml' }).waitFor();
    await page.screenshot({ path: screenshotPath('plan-graph.png') });
  });

  it('shows "Run this task" CodeLens in the task file and a diagnostic as soon as it breaks', async () => {
    const { page } = s;
    await runCommand(page, 'Parallel Agents: Open Task File');
    await page.locator('.tab', { hasText: 'tasks.yaml' }).first().waitFor();
    const editor = page.locator('.editor-group-container .monaco-editor').first();
    await editor.waitFor();
    await editor.locator('.codelens-decoration', { hasText: 'Run this task' }).first().waitFor({ timeout: 30_000 });
    assert.ok((await editor.locator('.codelens-decoration', { hasText: 'Run this task' }).count()) >= 3);
    assert.equal(await editor.locator('.codelens-decoration', { hasText: 'Show Plan' }).count(), 1);
    await page.screenshot({ path: screenshotPath('task-file-codelens.png') });
    // Make "concurrency" invalid: the problem shows while typing, before any save.
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Control+F');
    await page.keyboard.type('concurrency: 3');
    await page.keyboard.press('Escape');
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('12');
    await editor.locator('.squiggly-error').first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel');
    await problems.locator('.monaco-list-row', { hasText: 'concurrency is at most 8' }).first().waitFor({ timeout: 15_000 });
    await editor.locator('.codelens-decoration', { hasText: '1 problem in the task file' }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: screenshotPath('task-file-diagnostics.png') });
  });

  it('runs a selected task (the lint command) and shows it in the Agents view, then offers Review and Apply', async () => {
    const { page } = s;
    // Fix the previous test's breakage by typing, as a person would, and save.
    const editor = page.locator('.editor-group-container .monaco-editor').first();
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Control+F');
    await page.keyboard.type('concurrency: 12');
    await page.keyboard.press('Escape');
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('3');
    await page.keyboard.press('Control+S');
    await editor.locator('.squiggly-error').first().waitFor({ state: 'detached', timeout: 15_000 });
    // The plan's lens is back (VS Code refreshes lenses a moment after the analysis).
    await editor.locator('.codelens-decoration', { hasText: 'Show Plan: 4 tasks in 2 waves, expected 2.00×' }).waitFor({ timeout: 15_000 });
    await runCommand(page, 'Parallel Agents: Run Selected Tasks…');
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'lint' }).first().waitFor({ timeout: 15_000 });
    await input.fill('lint');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'lint' }).first().click(); // toggles its checkbox
    await page.keyboard.press('Enter');
    const agents = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Agents' }) }).first();
    await agents.locator('.monaco-list-row', { hasText: /^Run / }).first().waitFor({ timeout: 30_000 });
    const notification = page.locator('.notification-toast', { hasText: /run .* succeeded/ });
    await notification.waitFor({ timeout: 60_000 });
    await agents.locator('.monaco-list-row', { hasText: 'lint' }).first().waitFor();
    await notification.locator('a.monaco-button', { hasText: 'Apply' }).waitFor();
    await notification.locator('a.monaco-button', { hasText: 'Review' }).waitFor();
    await page.screenshot({ path: screenshotPath('agents-run.png') });
    await notification.locator('a.monaco-button', { hasText: 'Apply' }).click();
    await page.locator('.notification-toast', { hasText: /applied run .*1 file written/ }).waitFor({ timeout: 30_000 });
  });
});
