// Plan Tasks from a Goal… in the extension host, the planner answered by the scripted
// Messages API (test/fake-anthropic, a test double replaying fixed turns): goal → proposal
// (two rounds: a warning, then fixed) → the diff against the current task file and the
// proposal's plan beside it → Save and Run, with the replaced file kept as a backup.
import * as assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startFakeAnthropic, type FakeAnthropic, type TurnSource } from '../../fake-anthropic';
import { FOUR_STEP_GOAL, plannerDemoScript } from '../../fake-anthropic/plannerScript';
import { fourStepScript } from '../../integration/engine/fourStepScript';
import type { ParallelAgentsApi } from '../../../src/vscode/app';
import { Commands, EXTENSION_ID, PROPOSAL_SCHEME } from '../../../src/vscode/ids';
import type { ProposalReview } from '../../../src/vscode/proposeCommand';
import type { RunSnapshot } from '../../../src/vscode/runSnapshot';
import { activateExtension, closeAllEditors, pointEngineAt, readFile, taskFileUri, waitFor, withMessages, workspaceRoot, writeFile } from './helpers';

const EXAMPLE_FILES = ['CHANGELOG.md', 'docs/api.md', 'src/slugify.js', 'scripts/lint.js', 'reports/.gitkeep', 'test/.gitkeep'];
const ADDED_BY_RUN = ['test/slugify.test.js', 'reports/lint.txt'];
const file = (p: string) => vscode.Uri.joinPath(workspaceRoot(), p);

describe('Plan Tasks from a Goal… against the scripted API', () => {
  let api: ParallelAgentsApi;
  let fake: FakeAnthropic;
  let originalTaskFile: string;
  let restoreEnv: () => void = () => undefined;
  const agentsDir = () => path.join(workspaceRoot().fsPath, '.agents');
  const backups = () => readdirSync(agentsDir()).filter((f) => f.includes('.bak-'));

  before(async () => {
    api = await activateExtension();
    const example = path.join(vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath as string, 'examples', 'four-step');
    originalTaskFile = await readFile(taskFileUri());
    for (const f of EXAMPLE_FILES) cpSync(path.join(example, f), file(f).fsPath);
    await writeFile(taskFileUri(), readFileSync(path.join(example, '.agents', 'tasks.yaml'), 'utf8'));
    const script = { ...(fourStepScript() as Record<string, TurnSource>), ...(plannerDemoScript() as Record<string, TurnSource>) };
    fake = await startFakeAnthropic({ script });
    restoreEnv = pointEngineAt(fake.baseURL);
    await closeAllEditors();
  });

  after(async () => {
    for (const r of api.runs.runs()) api.runs.cancelRun(r.runId);
    await closeAllEditors();
    restoreEnv();
    await fake?.close();
    for (const f of [...EXAMPLE_FILES, ...ADDED_BY_RUN]) rmSync(file(f).fsPath, { force: true });
    for (const d of ['docs', 'scripts', 'reports', 'test']) rmSync(file(d).fsPath, { recursive: true, force: true });
    for (const b of backups()) rmSync(path.join(agentsDir(), b), { force: true });
    await writeFile(taskFileUri(), originalTaskFile);
  });

  it('goes from a goal to a reviewed proposal, then Save and Run writes it (old file kept) and runs it', async () => {
    const before = await readFile(taskFileUri());
    let review: ProposalReview | undefined;
    const { shown } = await withMessages(undefined, async () => {
      review = await vscode.commands.executeCommand<ProposalReview | undefined>(Commands.proposeTasks, { goal: FOUR_STEP_GOAL, folder: workspaceRoot() });
    });
    assert.ok(review, `no proposal; messages: ${JSON.stringify(shown)}`);
    assert.deepEqual(review.result.rounds.map((r) => [r.valid, r.warnings.map((w) => w.code)]), [[true, ['inferred-dependency']], [true, []]]);
    const offer = shown.find((m) => m.items.includes('Save and Run'));
    assert.ok(offer, JSON.stringify(shown));
    assert.deepEqual(offer.items, ['Save', 'Save and Run', 'Discard']);
    assert.match(offer.message, /proposed 4 tasks, 2 waves, expected speedup 2\.00×, after 2 proposals, no problems found\. .*Saving replaces \.agents\/tasks\.yaml \(kept as a backup\)/);

    // The review: a diff of the current file against the proposal, the plan graph beside it.
    const diff = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff);
    assert.ok(diff, 'the diff is open');
    const input = diff.input as vscode.TabInputTextDiff;
    assert.equal(input.original.toString(), taskFileUri().toString());
    assert.equal(input.modified.scheme, PROPOSAL_SCHEME);
    const proposed = await vscode.workspace.openTextDocument(input.modified);
    assert.equal(proposed.getText(), review.result.yaml);
    const panel = await waitFor('the proposal plan panel', () => api.planPanels.get(review?.proposalUri as vscode.Uri));
    const plan = await waitFor('its plan', () => (panel.lastMessage?.type === 'plan' ? panel.lastMessage.plan : undefined));
    assert.deepEqual(plan.nodes.map((n) => n.id).sort(), ['changelog', 'docs', 'lint', 'tests']);
    assert.deepEqual(plan.criticalPath, ['tests', 'changelog']);
    assert.equal(await readFile(taskFileUri()), before, 'nothing is written before Save');

    const earlier = new Set(api.runs.runs().map((r) => r.runId));
    await review.choose('Save and Run');
    assert.equal(await readFile(taskFileUri()), review.result.yaml);
    assert.deepEqual(backups().map((b) => readFileSync(path.join(agentsDir(), b), 'utf8')), [before]);
    assert.ok(!vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputTextDiff), 'the diff is closed');
    const run = await waitFor('the run of the saved proposal to finish', () => {
      const r: RunSnapshot | undefined = api.runs.runs().find((x) => !earlier.has(x.runId));
      return r && r.status !== 'running' ? r : undefined;
    }, 60_000);
    assert.equal(run.status, 'succeeded', JSON.stringify(run.tasks.map((t) => [t.id, t.status, t.error])));
    assert.deepEqual(run.tasks.map((t) => t.id).sort(), ['changelog', 'docs', 'lint', 'tests']);
  });
});
