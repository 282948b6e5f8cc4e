import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'node:assert/strict';
import { DEFAULT_CONCURRENCY as CORE_DEFAULT, MAX_CONCURRENCY } from '../../../src/core/taskSchema';
import { DEFAULT_CONCURRENCY, DEFAULT_KEEP_RUNS, DEFAULT_MAX_CONCURRENCY, effectiveConcurrency, isTaskFilePath, keepRunsOf, taskFileCandidates } from '../../../src/vscode/settingsModel';

describe('vscode/settingsModel', () => {
  it('mirrors the core\'s defaults', () => {
    assert.equal(DEFAULT_CONCURRENCY, CORE_DEFAULT);
    assert.equal(DEFAULT_MAX_CONCURRENCY, MAX_CONCURRENCY);
  });

  it('takes the setting over the task file, and caps both', () => {
    assert.equal(effectiveConcurrency(undefined, 5, 8), 5);
    assert.equal(effectiveConcurrency(2, 5, 8), 2);
    assert.equal(effectiveConcurrency(undefined, undefined, 8), 3);
    assert.equal(effectiveConcurrency(6, 5, 4), 4);
    assert.equal(effectiveConcurrency(0, 5, 0), 1);
  });

  it('finds the default task file\'s siblings, but only the configured path otherwise', () => {
    assert.deepEqual(taskFileCandidates(undefined), ['.agents/tasks.yaml', '.agents/tasks.yml', '.agents/tasks.json']);
    assert.deepEqual(taskFileCandidates('./ci/agents.yaml'), ['ci/agents.yaml']);
    assert.ok(isTaskFilePath('.agents/tasks.json', '.agents/tasks.yaml'));
    assert.ok(isTaskFilePath('ci\\agents.yaml', 'ci/agents.yaml'));
    assert.ok(!isTaskFilePath('.agents/tasks.json', 'ci/agents.yaml'));
  });

  it('reads keepRuns as a whole number of runs, 0 turning automatic pruning off; the default is package.json\'s', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    assert.equal(pkg.contributes.configuration.properties['parallelAgents.keepRuns'].default, DEFAULT_KEEP_RUNS);
    assert.equal(keepRunsOf(5.7), 5);
    assert.equal(keepRunsOf(0), 0);
    assert.equal(keepRunsOf(-1), DEFAULT_KEEP_RUNS);
    assert.equal(keepRunsOf(undefined), DEFAULT_KEEP_RUNS);
  });
});
