// The end-of-run message names a VS Code model and says its cost is unknown (issue 16).
import * as assert from 'node:assert/strict';
import { runFinishedMessage } from '../../../src/vscode/runMessages';

const agent = (status: string) => ({ status, kind: 'agent' });
const label = 'VS Code · GPT-4o (copilot/gpt-4o)';

describe('vscode/runMessages: the model source', () => {
  it("a run on a VS Code model: which model, and that its cost is the provider's business", () => {
    const m = runFinishedMessage({ runId: 'r1', status: 'succeeded', tasks: [agent('succeeded')], modelSource: 'vscode', modelLabel: label }, undefined, false);
    assert.equal(m, `Parallel Agents: run r1 succeeded on ${label}: 1 succeeded. Cost unknown: VS Code's models are used on their provider's terms.`);
  });

  it('says nothing of models for Anthropic runs and for runs of commands only', () => {
    assert.equal(runFinishedMessage({ runId: 'r1', status: 'succeeded', tasks: [agent('succeeded')], modelSource: 'anthropic', modelLabel: 'claude-sonnet-5-5' }, undefined, false), 'Parallel Agents: run r1 succeeded: 1 succeeded.');
    assert.equal(runFinishedMessage({ runId: 'r1', status: 'succeeded', tasks: [{ status: 'succeeded', kind: 'command' }], modelSource: 'vscode', modelLabel: label }, undefined, false), 'Parallel Agents: run r1 succeeded: 1 succeeded.');
  });
});
