// A run of more tasks than a side bar can list (48 agents, 8 at a time) in code-server with
// the packaged extension, answered by the scripted server (a test double, labelled "demo
// model" in the UI): the Agents view groups the run's tasks by status with their counts,
// the groups to look at open, and the counts follow the run to its end.
// The plan panel, opened mid-run, marks each node with its live status.
// Screenshot: agents-grouped.png.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeAnthropic, type FakeAnthropic, type FakeTurn } from '../../fake-anthropic';
import { openCodeServer, runCommand, screenshotPath, type Session } from './codeServer';
import { pane, row, widenSidebar } from './viewLocators';

const TASKS = 48;
const ids = Array.from({ length: TASKS }, (_, i) => `part-${String(i + 1).padStart(2, '0')}`);

/** 32 independent tasks, then 16 that each wait for two of them: some stay queued a while. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pa-ui-large-src-'));
  let yaml = 'version: 1\nconcurrency: 8\ntasks:\n';
  ids.forEach((id, i) => {
    yaml += `  ${id}:\n    prompt: Write notes/${id}.md with a line about ${id}.\n    owns: [notes/${id}.md]\n`;
    if (i >= 32) yaml += `    dependsOn: [${ids[(i - 32) * 2]}, ${ids[(i - 32) * 2 + 1]}]\n`;
  });
  mkdirSync(join(dir, '.agents'));
  writeFileSync(join(dir, '.agents', 'tasks.yaml'), yaml);
  writeFileSync(join(dir, 'README.md'), '# Notes\n');
  return dir;
}

function script(): Record<string, FakeTurn[]> {
  return Object.fromEntries(
    ids.map((id) => [id, [{ toolCalls: [{ name: 'write_file', input: { path: `notes/${id}.md`, content: `# ${id}\n` } }] }, { text: `Wrote notes/${id}.md.` }]]),
  );
}

describe('a large run in code-server: the Agents view groups tasks by status, the plan shows live statuses', function () {
  this.timeout(180_000);
  let fake: FakeAnthropic;
  let s: Session;
  let source: string;

  before(async () => {
    source = workspace();
    fake = await startFakeAnthropic({ script: script(), latencyMs: 1500 });
    s = await openCodeServer(source, {}, { ANTHROPIC_BASE_URL: fake.baseURL, ANTHROPIC_API_KEY: 'demo-placeholder-key', PARALLEL_AGENTS_DEMO: '1' });
  });
  after(async () => {
    await s?.close();
    await fake?.close();
    rmSync(source, { recursive: true, force: true });
  });

  it('shows Running, Queued and Succeeded groups with counts while the run goes on, then all 48 succeeded', async () => {
    const { page } = s;
    await page.locator('.activitybar .action-item a[aria-label^="Parallel Agents"]').click();
    await page.locator('.statusbar-item', { hasText: 'demo model' }).waitFor({ timeout: 30_000 });
    await widenSidebar(page, 560);
    await runCommand(page, 'Parallel Agents: Run All Tasks');
    const agents = pane(page, 'Agents');
    const count = async (label: string) => Number((await row(agents, label).locator('.label-description').innerText()).trim());

    // Mid-run: eight agents working (the group is open), dependents queued, some finished.
    await row(agents, 'Running').waitFor({ timeout: 30_000 });
    await row(agents, 'Succeeded').waitFor({ timeout: 30_000 });
    await row(agents, 'Queued').waitFor();
    assert.ok((await count('Running')) <= 8, `running: ${await count('Running')}`);
    assert.ok((await agents.locator('.monaco-list-row .codicon-modifier-spin').count()) >= 1);
    await page.screenshot({ path: screenshotPath('agents-grouped.png') });
    const seen = (await count('Running')) + (await count('Queued')) + (await count('Succeeded'));
    assert.ok(seen <= TASKS, `${seen} tasks in the groups`);

    // The plan, opened mid-run: all 48 nodes, the finished ones marked done as the run goes.
    await runCommand(page, 'Parallel Agents: Show Plan');
    const plan = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await plan.locator('g.node').first().waitFor({ timeout: 60_000 });
    assert.equal(await plan.locator('g.node').count(), TASKS);
    await plan.locator('g.node.status-succeeded .node-status', { hasText: 'done' }).first().waitFor({ timeout: 30_000 });

    // The end: one group of 48, and the run's row says it succeeded; every node is done.
    await page.locator('.notification-toast', { hasText: /run \S+ succeeded/ }).waitFor({ timeout: 120_000 });
    await row(agents, 'Running').waitFor({ state: 'detached', timeout: 15_000 });
    assert.equal(await count('Succeeded'), TASKS);
    assert.equal(await row(agents, 'Queued').count(), 0);
    await plan.locator('#summary', { hasText: `${TASKS} done` }).waitFor({ timeout: 15_000 });
    assert.equal(await plan.locator('g.node.status-succeeded').count(), TASKS);
    assert.equal(await plan.locator('g.node.status-running').count(), 0);
  });
});
