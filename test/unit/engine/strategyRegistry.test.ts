// Which executor runs a task (engine/strategies/registry.ts): the strategy's for the kinds
// it applies to, the kind's own otherwise.
import * as assert from 'node:assert/strict';
import type { Strategy, Task } from '../../../src/core/taskSchema';
import { runAggregate } from '../../../src/engine/executors/aggregate';
import { runAgent } from '../../../src/engine/executors/agent';
import { runCommand } from '../../../src/engine/executors/command';
import { runCompetitive } from '../../../src/engine/strategies/competitive';
import { runConsensus } from '../../../src/engine/strategies/consensus';
import { executorFor } from '../../../src/engine/strategies/registry';

const task = (kind: Task['kind'], strategy?: Strategy): Task => ({ id: 't', kind, owns: [], reads: [], dependsOn: [], line: 1, column: 1, ...(strategy && { strategy }) });
const competitive: Strategy = { type: 'competitive', attempts: 2 };
const consensus: Strategy = { type: 'consensus', voters: 3 };

describe('engine: the strategy registry', () => {
  it("runs a task without a strategy, or with additive or aggregative, by its kind's own executor", () => {
    assert.equal(executorFor(task('agent')), runAgent);
    assert.equal(executorFor(task('command', { type: 'additive' })), runCommand);
    assert.equal(executorFor(task('aggregate', { type: 'aggregative' })), runAggregate);
  });

  it('runs competitive agent and command tasks as competitive, consensus agent tasks as consensus', () => {
    assert.equal(executorFor(task('agent', competitive)), runCompetitive);
    assert.equal(executorFor(task('command', competitive)), runCompetitive);
    assert.equal(executorFor(task('agent', consensus)), runConsensus);
  });

  it('a strategy that does not apply to the kind leaves the kind its own executor', () => {
    assert.equal(executorFor(task('aggregate', competitive)), runAggregate);
    assert.equal(executorFor(task('command', consensus)), runCommand);
  });
});
