// Plan Tasks from a Goal… as a person uses it, in code-server with the packaged extension:
// the command, the goal in the input box (prefilled in demo mode), the proposal as a diff
// against the task file with the plan graph beside it, then Save and Run. The planner and
// the agents are answered by the scripted server (a test double, labelled "demo model").
// Screenshot: propose-review.png.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeAnthropic, type FakeAnthropic, type TurnSource } from '../../fake-anthropic';
import { FOUR_STEP_GOAL, plannerDemoScript } from '../../fake-anthropic/plannerScript';
import { fourStepScript } from '../../integration/engine/fourStepScript';
import { openCodeServer, repoRoot, runCommand, screenshotPath, type Session } from './codeServer';

describe('Plan Tasks from a Goal… in code-server (demo model: the scripted server)', function () {
  this.timeout(180_000);
  let fake: FakeAnthropic;
  let s: Session;

  before(async () => {
    const script = { ...(fourStepScript() as Record<string, TurnSource>), ...(plannerDemoScript() as Record<string, TurnSource>) };
    fake = await startFakeAnthropic({ script, latencyMs: 500 });
    s = await openCodeServer(join(repoRoot, 'examples', 'four-step'), {}, {
      ANTHROPIC_BASE_URL: fake.baseURL,
      ANTHROPIC_API_KEY: 'demo-placeholder-key',
      PARALLEL_AGENTS_DEMO: '1',
    });
  });
  after(async () => {
    await s?.close();
    await fake?.close();
  });

  it('goal → proposal diff and plan → Save and Run', async () => {
    const { page } = s;
    const before = readFileSync(join(s.workspace, '.agents', 'tasks.yaml'), 'utf8');
    await page.locator('.activitybar .action-item a[aria-label^="Parallel Agents"]').click();
    await runCommand(page, 'Parallel Agents: Plan Tasks from a Goal…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    assert.equal(await input.inputValue(), FOUR_STEP_GOAL, 'demo mode prefills the goal the demo server has a script for');
    await page.keyboard.press('Enter');
    const offer = page.locator('.notification-toast', { hasText: /proposed 4 tasks, 2 waves, expected speedup 2\.00×/ });
    await offer.waitFor({ timeout: 60_000 });
    await page.locator('.tab', { hasText: /tasks\.yaml: current ↔ proposed/ }).waitFor({ timeout: 15_000 });
    await page.locator('.tab', { hasText: /^Plan: / }).first().waitFor({ timeout: 15_000 });
    await page.locator('.monaco-diff-editor .line-insert, .monaco-diff-editor .char-insert').first().waitFor({ timeout: 15_000 });
    // The graph is drawn in the webview (two nested frames) after its ready handshake.
    const graph = page.frameLocator('iframe.webview').frameLocator('iframe').locator('g.node');
    await graph.first().waitFor({ timeout: 30_000 });
    assert.equal(await graph.count(), 4);
    await page.screenshot({ path: screenshotPath('propose-review.png') });
    assert.equal(readFileSync(join(s.workspace, '.agents', 'tasks.yaml'), 'utf8'), before, 'nothing written before Save');

    await offer.locator('a.monaco-button', { hasText: 'Save and Run' }).click();
    const finished = page.locator('.notification-toast', { hasText: /run \S+ succeeded \(agents: demo model\)/ });
    await finished.waitFor({ timeout: 90_000 });
    const saved = readFileSync(join(s.workspace, '.agents', 'tasks.yaml'), 'utf8');
    assert.match(saved, /^# Proposed by the planner for the goal: add unit tests/);
    const backups = readdirSync(join(s.workspace, '.agents')).filter((f) => f.startsWith('tasks.yaml.bak-'));
    assert.equal(backups.length, 1);
    assert.equal(readFileSync(join(s.workspace, '.agents', backups[0] as string), 'utf8'), before);
  });
});
