// The Agents view's model (agentsTreeModel.ts): what each element contains, its parent,
// and the contextValue that picks its inline actions in package.json's menus.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttemptRecord, Ballot } from '../../../src/core/strategyModel';
import { attemptContext, childrenOf, GROUP_TASKS_OVER, parentOf, runContext, taskContext, tasksByStatus, type AgentsNode } from '../../../src/vscode/agentsTreeModel';
import { Commands } from '../../../src/vscode/ids';
import type { RunSnapshot, TaskSnapshot } from '../../../src/vscode/runSnapshot';

const ZERO = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
const task = (id: string, extra: Partial<TaskSnapshot> = {}): TaskSnapshot => ({ id, kind: 'agent', status: 'succeeded', attempt: 1, tokens: ZERO, costUsd: 0, owns: [], dependsOn: [], ...extra });
const run = (extra: Partial<RunSnapshot> = {}): RunSnapshot => ({
  runId: 'r1',
  status: 'succeeded',
  live: true,
  version: 2,
  owner: { pid: 1, hostname: 'h' },
  repoRoot: '/repo',
  prefix: '',
  taskFile: '/repo/.agents/tasks.yaml',
  concurrency: 1,
  baseCommit: 'b'.repeat(40),
  startedAt: 1,
  tasks: [],
  ...extra,
});
const attempt = (n: number, extra: Partial<AttemptRecord> = {}): AttemptRecord => ({
  attempt: n,
  model: 'm',
  status: 'succeeded',
  score: n,
  scoreSource: 'command',
  qualified: true,
  resultCommit: `c${n}`,
  changed: [`src/${n}.js`],
  diffLines: 1,
  winner: false,
  output: '',
  ms: 1,
  tokens: ZERO,
  costUsd: 0,
  ...extra,
});
const ballot = (voter: number, choice: string | null): Ballot => ({ voter, model: 'm', choice, rationale: '', weight: 1 });
const shape = (nodes: readonly AgentsNode[]) => nodes.map((n) => (n.type === 'file' || n.type === 'attemptFile' ? `${n.type}:${n.path}` : n.type));

const viewItemMenus = (): { command: string; when?: string }[] =>
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).contributes.menus['view/item/context'];

/** Tests of a `when` clause's `viewItem == x` and `viewItem =~ /re/` terms. */
function viewItemTests(when: string): Array<(v: string) => boolean> {
  return [
    ...[...when.matchAll(/viewItem == ([\w-]+)/g)].map((m) => (v: string) => v === m[1]),
    ...[...when.matchAll(/viewItem =~ \/(.+?)\/(?:\s|$)/g)].map((m) => (v: string) => new RegExp(m[1] as string).test(v)),
  ];
}

describe('vscode/agentsTreeModel', () => {
  it('lists the runs at the root, and a run its tasks in order', () => {
    const r = run({ tasks: [task('a'), task('b')] });
    const roots = childrenOf(undefined, () => [r]);
    assert.deepEqual(shape(roots), ['run']);
    const tasks = childrenOf(roots[0], () => []);
    assert.deepEqual(tasks.map((n) => (n.type === 'task' ? n.task.id : n.type)), ['a', 'b']);
  });

  it("gives a queued task no children, a started one its attempts, voters, files and transcript, in that order", () => {
    const r = run();
    assert.deepEqual(childrenOf({ type: 'task', run: r, task: task('q', { status: 'queued' }) }, () => []), []);
    const t = task('c', {
      changed: ['src/c.js'],
      strategy: {
        competitive: { attempts: [attempt(1), attempt(2)], winner: 1, decidedBy: 'score' },
        votes: { ballots: [ballot(1, 'x')] },
      } as unknown as TaskSnapshot['strategy'],
    });
    assert.deepEqual(shape(childrenOf({ type: 'task', run: r, task: t }, () => [])), ['attempt', 'attempt', 'voter', 'file:src/c.js', 'transcript']);
    assert.deepEqual(shape(childrenOf({ type: 'task', run: r, task: task('failed', { status: 'failed' }) }, () => [])), ['transcript']);
  });

  it('gives an attempt with a result its files, one without none', () => {
    const r = run();
    const t = task('c');
    assert.deepEqual(shape(childrenOf({ type: 'attempt', run: r, task: t, attempt: attempt(1) }, () => [])), ['attemptFile:src/1.js']);
    assert.deepEqual(childrenOf({ type: 'attempt', run: r, task: t, attempt: attempt(2, { status: 'failed', resultCommit: undefined }) }, () => []), []);
    assert.deepEqual(childrenOf({ type: 'transcript', run: r, task: t }, () => []), []);
  });

  it('finds each element among the children of its parent', () => {
    const t = task('c', { changed: ['x.txt'], strategy: { competitive: { attempts: [attempt(1)], winner: 1, decidedBy: 'score' } } as unknown as TaskSnapshot['strategy'] });
    const r = run({ tasks: [t] });
    const all: AgentsNode[] = [];
    const walk = (n: AgentsNode | undefined) => {
      for (const c of childrenOf(n, () => [r])) {
        all.push(c);
        walk(c);
      }
    };
    walk(undefined);
    assert.deepEqual(shape(all), ['run', 'task', 'attempt', 'attemptFile:src/1.js', 'file:x.txt', 'transcript']);
    for (const n of all) {
      const parent = parentOf(n);
      const siblings = childrenOf(parent, () => [r]);
      assert.ok(siblings.some((s) => JSON.stringify(s) === JSON.stringify(n)), `${n.type} is not a child of its parent`);
    }
  });

  it('lists a large run by status, what to look at first, each group in the run order', () => {
    const statuses: TaskSnapshot['status'][] = ['succeeded', 'queued', 'running', 'failed'];
    const tasks = Array.from({ length: 1000 }, (_, i) => task(`t${i}`, { status: statuses[i % 4] as TaskSnapshot['status'] }));
    const r = run({ status: 'running', tasks });
    const groups = childrenOf({ type: 'run', run: r }, () => []);
    assert.deepEqual(groups.map((g) => (g.type === 'group' ? `${g.status}:${g.count}` : g.type)), ['running:250', 'failed:250', 'queued:250', 'succeeded:250']);
    const running = childrenOf(groups[0], () => []);
    assert.deepEqual(running.slice(0, 3).map((n) => (n.type === 'task' ? n.task.id : n.type)), ['t2', 't6', 't10']);
    // The grouping is computed once per snapshot: every group reads the same lists.
    assert.equal(tasksByStatus(r), tasksByStatus(r));
    // A task's parent is its group; a group's, the run.
    const parent = parentOf(running[0] as AgentsNode);
    assert.deepEqual(parent && parent.type === 'group' && [parent.status, parent.count], ['running', 250]);
    assert.equal(parentOf(groups[0] as AgentsNode)?.type, 'run');
  });

  it('lists a run of up to GROUP_TASKS_OVER tasks flat', () => {
    const r = run({ tasks: Array.from({ length: GROUP_TASKS_OVER }, (_, i) => task(`t${i}`)) });
    const children = childrenOf({ type: 'run', run: r }, () => []);
    assert.equal(children.length, GROUP_TASKS_OVER);
    assert.ok(children.every((c) => c.type === 'task'));
    assert.equal(parentOf(children[0] as AgentsNode)?.type, 'run');
  });

  it('marks a run by what can be done with it: cancel while running here, undo once applied, else apply', () => {
    assert.equal(runContext(run({ status: 'running' })), 'run-active');
    // A run still running in another window (from its journal) cannot be cancelled here.
    assert.equal(runContext(run({ status: 'running', live: false })), 'run');
    assert.equal(runContext(run({ applied: { at: 1, undone: false } })), 'run-applied');
    assert.equal(runContext(run({ applied: { at: 1, undone: true } })), 'run');
  });

  it('marks tasks by status, competitive ones apart, an undecided one as no result', () => {
    const competitive = { competitive: { attempts: [], winner: null, decidedBy: '' } } as unknown as TaskSnapshot['strategy'];
    const of = (status: TaskSnapshot['status'], strategy?: TaskSnapshot['strategy']) => taskContext(task('t', { status, ...(strategy && { strategy }) }));
    assert.deepEqual(
      [of('running'), of('queued'), of('undecided'), of('failed'), of('cancelled'), of('succeeded'), of('skipped')],
      ['task-running', 'task-queued', 'task-undecided', 'task-failed', 'task-failed', 'task-done', 'task-done'],
    );
    assert.deepEqual([of('failed', competitive), of('succeeded', competitive)], ['task-failed-competitive', 'task-done-competitive']);
  });

  it('marks the chosen attempt, the choosable ones, and those without a result', () => {
    assert.equal(attemptContext(attempt(1, { winner: true })), 'attempt-chosen');
    assert.equal(attemptContext(attempt(2)), 'attempt');
    assert.equal(attemptContext(attempt(3, { status: 'failed', resultCommit: undefined })), 'attempt-failed');
    assert.equal(attemptContext(attempt(4, { resultCommit: undefined })), 'attempt-failed');
  });

  it("offers the menus' actions on the elements they are for (package.json's when clauses)", () => {
    const menu = viewItemMenus();
    const commandsFor = (v: string) => menu.filter((m) => viewItemTests(m.when ?? '').some((t) => t(v))).map((m) => m.command);
    for (const v of ['run', 'run-active', 'run-applied', 'task-running', 'task-failed', 'task-done', 'task-done-competitive', 'task-failed-competitive', 'attempt']) {
      assert.ok(commandsFor(v).length > 0, `no menu item for contextValue ${v}`);
    }
    assert.ok(commandsFor('run-applied').includes(Commands.undoApply));
    assert.ok(!commandsFor('run-applied').includes(Commands.applyRun), 'an applied run offers no second apply');
    assert.ok(!commandsFor('task-undecided').includes(Commands.applyTask), 'an undecided task is no result to apply');
  });
});

