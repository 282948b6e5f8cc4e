// One answer to "which tasks does apply take, in what order, owning what": applyInputs,
// for a live run (RunView, workspace-relative globs under a prefix), its journal
// (repository-relative globs) and the VS Code snapshot of either.
import * as assert from 'node:assert/strict';
import { analysisInputs, applyInputs } from '../../../src/engine';
import type { RunView } from '../../../src/engine';
import type { RunJournal } from '../../../src/git';

const commits = (id: string) => ({ baseCommit: `base-${id}`, resultCommit: `result-${id}` });

// Listed dependents first: file order is not dependency order.
const journal: RunJournal = {
  version: 1,
  runId: 'r1',
  startedAt: '2026-01-01T00:00:00.000Z',
  status: 'failed',
  owner: { pid: 1, hostname: 'h' },
  baseCommit: 'base',
  concurrency: 3,
  taskFile: '.agents/tasks.yaml',
  tasks: {
    report: { status: 'succeeded', kind: 'agent', owns: ['pkg/reports/**'], dependsOn: ['docs', 'code'], ...commits('report') },
    docs: { status: 'succeeded', kind: 'agent', owns: ['pkg/docs/**'], dependsOn: ['code'], ...commits('docs') },
    broken: { status: 'failed', kind: 'command', owns: ['pkg/x'], dependsOn: [], ...commits('broken'), outsideWrites: ['../x'] },
    code: { status: 'succeeded', kind: 'agent', dependsOn: [], ...commits('code') },
    lint: { status: 'succeeded', kind: 'command', owns: ['pkg/lint.txt'], dependsOn: [] },
  },
};

describe('engine: applyInputs', () => {
  it('takes the succeeded tasks with results, each after what it builds on, from a journal', () => {
    const inputs = applyInputs(journal);
    assert.deepEqual(inputs.map((t) => t.id), ['code', 'docs', 'report']);
    assert.deepEqual(inputs[2], { id: 'report', owns: ['pkg/reports/**'], baseCommit: 'base-report', resultCommit: 'result-report' });
    // A journal written before owns were recorded: the task owned everything.
    assert.deepEqual(inputs[0]?.owns, ['**']);
  });

  it('`only` keeps the order, whatever order it names the tasks in', () => {
    assert.deepEqual(applyInputs(journal, { only: ['report', 'code'] }).map((t) => t.id), ['code', 'report']);
    assert.deepEqual(applyInputs(journal, { only: ['broken', 'nope'] }), []);
  });

  it('a live run: globs under the workspace folder, `!` and `./` included', () => {
    const task = (id: string, owns: string[], dependsOn: string[] = []) => ({
      id,
      kind: 'agent' as const,
      dependsOn,
      owns,
      status: 'succeeded' as const,
      attempt: 1,
      tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      costUsd: 0,
      ...commits(id),
    });
    const view = {
      prefix: 'pkg/',
      tasks: [task('b', ['./docs/', '!./docs/gen/**'], ['a']), task('a', ['src/**', '!src/vendor/**'])],
    } as unknown as RunView;
    assert.deepEqual(applyInputs(view), [
      { id: 'a', owns: ['pkg/src/**', '!pkg/src/vendor/**'], ...commits('a') },
      { id: 'b', owns: ['pkg/docs/', '!pkg/docs/gen/**'], ...commits('b') },
    ]);
  });

  it("a list of tasks whose globs are already repository-relative (VS Code's snapshot)", () => {
    const snapshot = {
      tasks: [
        { id: 'late', status: 'succeeded' as const, owns: ['b/**'], dependsOn: ['early'], ...commits('late') },
        { id: 'early', status: 'succeeded' as const, owns: ['a/**'], dependsOn: [], ...commits('early') },
      ],
    };
    assert.deepEqual(applyInputs(snapshot).map((t) => [t.id, t.owns]), [['early', ['a/**']], ['late', ['b/**']]]);
  });

  it('analysisInputs: every task with a result, failed ones too, with its writes outside the workspace', () => {
    assert.deepEqual(
      analysisInputs(journal).map((t) => [t.id, t.outsideWrites]),
      [['broken', ['../x']], ['code', undefined], ['docs', undefined], ['report', undefined]],
    );
  });
});
