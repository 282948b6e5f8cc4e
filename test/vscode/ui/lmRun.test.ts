// The four-step example run on one of VS Code's language models (parallelAgents.modelSource
// "vscode"), in code-server with the packaged extension. The model is the scripted chat model
// provider of test/vscode/lmTestExtension: a test double registered through VS Code's provider
// API that replays fixed turns; it is no AI model, and the UI shows it as "Scripted Model"
// of the vendor "pa-scripted". Screenshot: lm-run.png.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { TESTS_COMMAND, TESTS_SUMMARY, TEST_FILE, fourStepScript } from '../../integration/engine/fourStepScript';
import type { LmScript, ScriptedTurn } from '../lmTestExtension/extension';
import { openCodeServer, repoRoot, screenshotPath, type Session } from './codeServer';
import { pane, row, widenSidebar } from './viewLocators';

const MODEL = 'VS Code · Scripted Model (pa-scripted/scripted-1)';
// Each turn waits this long, so that the run is still going when the status bar is checked.
const TURN_DELAY_MS = 1500;

/**
 * The four-step script in the provider's form: plain JSON (the provider reads it from a file).
 * The tests agent's last turn cannot read the command's output there, so it reports only what
 * it wrote; what `node --test` printed stays in its transcript.
 */
function lmScript(): LmScript {
  const four = fourStepScript() as Record<string, unknown>;
  const fixed = (id: string) => four[id] as ScriptedTurn[];
  const tests: ScriptedTurn[] = [
    { toolCalls: [{ name: 'read_file', input: { path: 'src/slugify.js' } }] },
    { toolCalls: [{ name: 'write_file', input: { path: 'test/slugify.test.js', content: TEST_FILE } }] },
    { toolCalls: [{ name: 'run_command', input: { command: TESTS_COMMAND } }] },
    { text: `${TESTS_SUMMARY} Ran \`${TESTS_COMMAND}\` (its output is in the transcript).` },
  ];
  const slow = (turns: ScriptedTurn[]) => turns.map((t) => ({ ...t, delayMs: TURN_DELAY_MS }));
  return { tests: slow(tests), docs: slow(fixed('docs')), changelog: slow(fixed('changelog')) };
}

/** VS Code may ask whether this extension may use the model: the user allows it. */
async function allowModelAccess(page: Page, until: Locator): Promise<void> {
  const allow = page.locator('.monaco-dialog-box a.monaco-button, .notification-toast a.monaco-button', { hasText: /^Allow$/ }).first();
  for (;;) {
    const which = await Promise.race([
      until.waitFor({ timeout: 60_000 }).then(() => 'done' as const),
      allow.waitFor({ timeout: 60_000 }).then(() => 'consent' as const),
    ]);
    if (which === 'done') return;
    await allow.click();
  }
}

describe("an agent run in code-server on a VS Code model (the scripted provider, a test double)", function () {
  this.timeout(180_000);
  let s: Session;
  let scriptDir: string;

  before(async () => {
    scriptDir = mkdtempSync(join(tmpdir(), 'pa-ui-lm-'));
    const scriptFile = join(scriptDir, 'script.json');
    writeFileSync(scriptFile, JSON.stringify(lmScript()));
    s = await openCodeServer(
      join(repoRoot, 'examples', 'four-step'),
      { 'parallelAgents.modelSource': 'vscode', 'parallelAgents.vscodeModel': 'scripted-model' },
      { PA_SCRIPTED_LM_SCRIPT: scriptFile, ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: '' },
      { lmTestExtension: true },
    );
  });
  after(async () => {
    await s?.close();
    if (scriptDir) rmSync(scriptDir, { recursive: true, force: true });
  });

  it('runs the four-step example on it: the status bar and the run tooltip name the model, the end-of-run message says the cost is unknown', async () => {
    const { page } = s;
    await page.locator('.activitybar .action-item a[aria-label^="Parallel Agents"]').click();
    await widenSidebar(page, 560);
    await page.locator('.welcome-view-content a.monaco-button', { hasText: 'Run All Tasks' }).click();
    const running = page.locator('.statusbar-item', { hasText: 'Scripted Model (pa-scripted/scripted-1)' });
    await allowModelAccess(page, running);
    const finished = page.locator('.notification-toast', { hasText: /run \S+ succeeded on VS Code · Scripted Model \(pa-scripted\/scripted-1\)/ });
    await finished.waitFor({ timeout: 90_000 });
    assert.match(await finished.innerText(), /Cost unknown: VS Code's models are used on their provider's terms/);
    const agents = pane(page, 'Agents');
    for (const id of ['tests', 'docs', 'lint', 'changelog']) await row(agents, id).filter({ has: page.locator('.codicon-pass') }).waitFor({ timeout: 15_000 });
    // The run's row: its tooltip names the model and says the cost is unknown.
    const runRow = agents.locator('.monaco-list-row[aria-level="1"]').first();
    await runRow.hover();
    const hover = page.locator('.monaco-hover, .workbench-hover', { hasText: `Model: ${MODEL}` }).first();
    await hover.waitFor({ timeout: 15_000 });
    assert.match(await hover.innerText(), /cost unknown/);
    await page.screenshot({ path: screenshotPath('lm-run.png') });
  });
});
