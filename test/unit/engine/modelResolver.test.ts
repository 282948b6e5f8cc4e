// The one model rule (taskContext.ts): instance, then task, then run, then the default.
import * as assert from 'node:assert/strict';
import { DEFAULT_MODEL } from '../../../src/agents';
import type { Task } from '../../../src/core/taskSchema';
import { modelResolver } from '../../../src/engine/taskContext';

const task = (model?: string): Task => ({ id: 't', kind: 'agent', prompt: 'p', owns: [], reads: [], dependsOn: [], line: 1, column: 1, ...(model && { model }) });

describe('engine: modelResolver', () => {
  it("an instance's model beats the task's, the task's beats the run's, the run's beats the default", () => {
    const resolve = modelResolver('run-model');
    assert.equal(resolve(task('task-model'), 'attempt-model'), 'attempt-model');
    assert.equal(resolve(task('task-model')), 'task-model');
    assert.equal(resolve(task()), 'run-model');
    assert.equal(modelResolver(undefined)(task()), DEFAULT_MODEL);
  });
});
