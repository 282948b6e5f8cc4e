// One answer to "which tasks does apply take, in what order, owning what": applyInputs,
// on the run record (live, or read from its journal: here a version 1 journal, migrated).
import * as assert from 'node:assert/strict';
import { analysisInputs, applyInputs, migrateV1, prefixGlobs, type JournalV1 } from '../../../src/engine';

const commits = (id: string) => ({ baseCommit: `base-${id}`, resultCommit: `result-${id}` });

// Listed dependents first: file order is not dependency order.
const v1: JournalV1 = {
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
const journal = migrateV1(v1, '/repo');

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

  it("startRun's globs under the workspace folder, `!` and `./` included (the record holds them so)", () => {
    assert.deepEqual(prefixGlobs(['src/**', '!src/vendor/**', './docs/', '!./docs/gen/**'], 'pkg/'), ['pkg/src/**', '!pkg/src/vendor/**', 'pkg/docs/', '!pkg/docs/gen/**']);
  });

  it('analysisInputs: every task with a result, failed ones too, with its writes outside the workspace', () => {
    assert.deepEqual(
      analysisInputs(journal).map((t) => [t.id, t.outsideWrites]),
      [['broken', ['../x']], ['code', undefined], ['docs', undefined], ['report', undefined]],
    );
  });
});
