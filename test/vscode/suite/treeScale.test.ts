// The Agents view at scale: a run of 1,000 agent tasks (each writes its own file in two
// turns) at concurrency 32 against the scripted Messages API (a test double, no latency),
// with the Agents view open, so VS Code really fetches the tree while the run goes. It
// counts what the view costs: onDidChangeTreeData fires (and whether each was the whole
// tree), getChildren / getTreeItem calls and the time spent in them, and the plan panel's
// status posts. The assertions are structural (no timings): updates are coalesced, a
// refresh touches what changed and not every task, and the last state is shown. The
// numbers are printed for bench/RESULTS.md.
import * as assert from 'node:assert/strict';
import { appendFileSync, rmSync } from 'node:fs';
import * as vscode from 'vscode';
import { startFakeAnthropic, type FakeAnthropic, type FakeScript } from '../../fake-anthropic';
import type { AgentsNode } from '../../../src/vscode/agentsTree';
import type { ParallelAgentsApi } from '../../../src/vscode/app';
import { Views, focusViewCommand } from '../../../src/vscode/ids';
import type { RunSnapshot } from '../../../src/vscode/runSnapshot';
import { activateExtension, pointEngineAt, workspaceRoot, writeFile } from './helpers';

const TASKS = 1000;
const CONCURRENCY = 32;
/** The view's refresh interval the extension promises to stay under (one refresh per this many ms at most). */
const INTERVAL_MS = 100;

function scaleTaskFile(): { yaml: string; script: FakeScript } {
  // The task file's concurrency is capped at 8; the settings raise it (as a user would).
  let yaml = 'version: 1\ntasks:\n';
  const script: FakeScript = {};
  for (let k = 1; k <= TASKS; k++) {
    const id = `s${k}`;
    yaml += `  ${id}:\n    prompt: Write scale/${id}.txt.\n    owns: [scale/${id}.txt]\n`;
    script[id] = [{ toolCalls: [{ name: 'write_file', input: { path: `scale/${id}.txt`, content: `${id}\n` } }] }, { text: `Wrote scale/${id}.txt.` }];
  }
  return { yaml, script };
}

interface Counts {
  fires: number;
  wholeTreeFires: number;
  elementsFired: number;
  getChildren: number;
  getTreeItem: number;
  callbackMs: number;
  statusPosts: number;
  /** The most children one getChildren call handed VS Code. */
  maxChildren: number;
  /** getChildren calls for the root or a run: how often VS Code re-read a run. */
  runReads: number;
}

/** Wraps the provider's callbacks (VS Code calls them through the object) to count calls and time. */
function instrument(api: ParallelAgentsApi, counts: Counts): () => void {
  const tree = api.agentsTree as unknown as Record<'getChildren' | 'getTreeItem', (n?: AgentsNode) => unknown>;
  const own = { getChildren: tree.getChildren, getTreeItem: tree.getTreeItem };
  for (const name of ['getChildren', 'getTreeItem'] as const) {
    const original = own[name];
    tree[name] = function (this: unknown, n?: AgentsNode) {
      const t0 = performance.now();
      try {
        const out = original.call(api.agentsTree, n);
        if (name === 'getChildren') {
          counts.maxChildren = Math.max(counts.maxChildren, (out as unknown[]).length);
          if (!n || n.type === 'run') counts.runReads++;
        }
        return out;
      } finally {
        counts.callbackMs += performance.now() - t0;
        counts[name]++;
      }
    };
  }
  const subs = [
    api.agentsTree.onDidChangeTreeData((e) => {
      counts.fires++;
      if (e === undefined || e === null) counts.wholeTreeFires++;
      else counts.elementsFired += Array.isArray(e) ? e.length : 1;
    }),
    api.runs.onDidChangeStatuses(() => counts.statusPosts++),
  ];
  return () => {
    delete (tree as Partial<typeof tree>).getChildren;
    delete (tree as Partial<typeof tree>).getTreeItem;
    for (const s of subs) s.dispose();
  };
}

/** Every task node under a run node, whether the run lists its tasks or groups them. */
function taskNodes(api: ParallelAgentsApi, n: AgentsNode): AgentsNode[] {
  return api.agentsTree.getChildren(n).flatMap((c) => (c.type === 'task' ? [c] : c.type === 'run' || c.type === 'transcript' || c.type === 'file' ? [] : taskNodes(api, c)));
}

describe('the Agents view at 1,000 tasks', () => {
  let api: ParallelAgentsApi;
  let fake: FakeAnthropic;
  let restoreEnv: () => void = () => undefined;
  let runId: string | undefined;
  const taskFile = () => vscode.Uri.joinPath(workspaceRoot(), '.agents', 'scale.yaml');
  const settings = () => vscode.workspace.getConfiguration('parallelAgents');

  before(async () => {
    api = await activateExtension();
    const { yaml, script } = scaleTaskFile();
    await writeFile(taskFile(), yaml);
    await settings().update('maxConcurrency', CONCURRENCY, vscode.ConfigurationTarget.Workspace);
    await settings().update('concurrency', CONCURRENCY, vscode.ConfigurationTarget.Workspace);
    fake = await startFakeAnthropic({ script, latencyMs: 0 });
    restoreEnv = pointEngineAt(fake.baseURL);
    await vscode.commands.executeCommand(focusViewCommand(Views.agents));
  });

  after(async () => {
    if (runId) api.runs.cancelRun(runId);
    restoreEnv();
    await fake?.close();
    await settings().update('maxConcurrency', undefined, vscode.ConfigurationTarget.Workspace);
    await settings().update('concurrency', undefined, vscode.ConfigurationTarget.Workspace);
    rmSync(taskFile().fsPath, { force: true });
    // The window lets go of the big run, so that the views of later tests stay small.
    if (runId) api.runs.forget([runId]);
  });

  it('coalesces refreshes, touches what changed rather than every task, and shows the last state', async function () {
    this.timeout(600_000);
    const counts: Counts = { fires: 0, wholeTreeFires: 0, elementsFired: 0, getChildren: 0, getTreeItem: 0, callbackMs: 0, statusPosts: 0, maxChildren: 0, runReads: 0 };
    let events = 0;
    const restore = instrument(api, counts);
    let run: RunSnapshot;
    let wallMs: number;
    try {
      const t0 = Date.now();
      const started = await api.runs.start({ taskFile: taskFile() });
      runId = started.runId;
      const live = api.runs.liveRun(started.runId);
      assert.ok(live, 'the run is not live in this window');
      // Waits on the finish event rather than polling: the test adds no reads of its own.
      const finished = new Promise<RunSnapshot>((resolve) => {
        const sub = api.runs.onDidFinish((f) => {
          if (f.run.runId !== started.runId) return;
          sub.dispose();
          resolve(f.run);
        });
      });
      const subs = [live.onDidChangeTask(() => events++), live.onDidProgress(() => events++)];
      try {
        run = await finished;
      } finally {
        for (const s of subs) s.dispose();
      }
      wallMs = Date.now() - t0;
      // VS Code debounces refreshes (200 ms): let the last ones land before counting.
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      restore();
    }
    assert.equal(run.status, 'succeeded', JSON.stringify(run.tasks.filter((t) => t.status !== 'succeeded').slice(0, 3)));
    const perSecond = counts.fires / (wallMs / 1000);
    const report = {
      tasks: TASKS,
      concurrency: CONCURRENCY,
      wallMs,
      events,
      fires: counts.fires,
      wholeTreeFires: counts.wholeTreeFires,
      elementsFired: counts.elementsFired,
      refreshesPerSecond: Number(perSecond.toFixed(2)),
      eventsPerRefresh: Number((events / Math.max(1, counts.fires)).toFixed(1)),
      getChildren: counts.getChildren,
      getTreeItem: counts.getTreeItem,
      getTreeItemPerRefresh: Number((counts.getTreeItem / Math.max(1, counts.fires)).toFixed(1)),
      callbackMs: Math.round(counts.callbackMs),
      callbackMsPerRefresh: Number((counts.callbackMs / Math.max(1, counts.fires)).toFixed(2)),
      statusPosts: counts.statusPosts,
      maxChildren: counts.maxChildren,
      runReads: counts.runReads,
      runReadsPerSecond: Number((counts.runReads / (wallMs / 1000)).toFixed(2)),
    };
    // Into the suite's report (the runner prints it), for bench/RESULTS.md.
    const line = `    treeScale: ${JSON.stringify(report)}`;
    console.log(line);
    if (process.env.PA_TEST_REPORT) appendFileSync(process.env.PA_TEST_REPORT, line + '\n');

    // Coalesced: at most one refresh per interval (plus the immediate ones: start, finish),
    // and many engine events per refresh.
    assert.ok(counts.fires <= wallMs / INTERVAL_MS + 10, `${counts.fires} refreshes in ${wallMs} ms`);
    assert.ok(events >= 2 * TASKS, `only ${events} engine events were seen`);
    assert.ok(events / Math.max(1, counts.fires) >= 10, `${events} events in ${counts.fires} refreshes`);
    // A refresh names what changed: the whole tree only when runs come or go (start, finish).
    // (Start, finish, and the automatic prune after it: a handful.)
    assert.ok(counts.fires >= 3 && counts.elementsFired > 0, `the view hardly refreshed: ${JSON.stringify(counts)}`);
    assert.ok(counts.wholeTreeFires <= 8, `${counts.wholeTreeFires} of ${counts.fires} refreshes were of the whole tree`);
    // ...and costs what is on screen and running, not one item per task of the run.
    assert.ok(counts.getTreeItem <= counts.fires * (CONCURRENCY + 40) + 3 * TASKS, `${counts.getTreeItem} getTreeItem calls for ${counts.fires} refreshes`);
    assert.ok(report.getTreeItemPerRefresh <= CONCURRENCY + 40, `${report.getTreeItemPerRefresh} getTreeItem calls per refresh`);
    // No read hands VS Code every task of the run: what runs (and a few groups), not 1,000 items.
    assert.ok(counts.maxChildren <= CONCURRENCY + 10, `one getChildren call returned ${counts.maxChildren} elements`);
    assert.ok(counts.getChildren <= counts.fires * 20 + 50, `${counts.getChildren} getChildren calls for ${counts.fires} refreshes`);
    // The plan panel's statuses follow the same coalesced beat, not one post per engine event.
    assert.ok(counts.statusPosts <= counts.fires + 5, `${counts.statusPosts} status posts for ${counts.fires} refreshes`);

    // The last state is what the view shows.
    const runNode = api.agentsTree.getChildren().find((n) => n.type === 'run' && n.run.runId === run.runId);
    assert.ok(runNode, 'the run is not in the view');
    assert.match(String(api.agentsTree.getTreeItem(runNode).description), /^succeeded · /);
    const tasks = taskNodes(api, runNode);
    assert.equal(tasks.length, TASKS);
    assert.ok(tasks.every((n) => n.type === 'task' && n.task.status === 'succeeded'));
  });
});
