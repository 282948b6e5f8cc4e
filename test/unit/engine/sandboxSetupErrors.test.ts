// A sandbox that fails to set up a command (SandboxSetupError) fails that command with a
// message the model can act on and tells the run; a command's other errors pass unchanged.
import * as assert from 'node:assert/strict';
import type { CommandView } from '../../../src/core';
import { reportingSetupErrors } from '../../../src/engine/commandViews';
import { SandboxSetupError } from '../../../src/sandbox';

function throwingView(error: Error): CommandView {
  return {
    mode: 'namespaces',
    workspacePath: '/w',
    sync: async () => undefined,
    revert: async () => undefined,
    run: async () => {
      throw error;
    },
    dispose: async () => undefined,
  };
}

describe('engine/commandViews: sandbox setup errors', () => {
  const options = { timeoutMs: 1000, network: false, maxOutputBytes: 100 };
  it('a setup error fails the command saying what to do, and is reported to the run', async () => {
    const told: string[] = [];
    const view = reportingSetupErrors(throwingView(new SandboxSetupError('The command sandbox for /w could not be set up (mount: overlay refused).')), (m) => told.push(m));
    await assert.rejects(view.run('true', options), (e: Error) => /could not be set up \(mount: overlay refused\)\. The command did not run; go on with the file tools/.test(e.message));
    assert.deepEqual(told, ['The command sandbox for /w could not be set up (mount: overlay refused).']);
  });
  it("a command's other errors pass through, unreported", async () => {
    const told: string[] = [];
    const view = reportingSetupErrors(throwingView(new Error('disposed')), (m) => told.push(m));
    await assert.rejects(view.run('true', options), /^Error: disposed$/);
    assert.deepEqual(told, []);
  });
});
