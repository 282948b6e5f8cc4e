import * as assert from 'node:assert/strict';
import { DEFAULT_CONCURRENCY as CORE_DEFAULT, MAX_CONCURRENCY } from '../../../src/core/taskSchema';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_CONCURRENCY, effectiveConcurrency, isTaskFilePath, taskFileCandidates } from '../../../src/vscode/settingsModel';

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
});
