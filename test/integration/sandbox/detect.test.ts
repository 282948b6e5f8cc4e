import { strict as assert } from 'node:assert';
import { detectSandbox } from '../../../src/sandbox';

describe('sandbox/detect', () => {
  it('answers once per process, with a reason when the sandbox cannot run', async () => {
    const first = detectSandbox();
    assert.equal(detectSandbox(), first, 'cached');
    const d = await first;
    if (d.available) assert.equal(d.reason, undefined);
    else assert.ok(d.reason && d.reason.length > 10, `a reason a user can act on: ${d.reason}`);
    // CI (Debian 12, as root, kernel 6.x) must run commands in the sandbox: say so if it cannot.
    if (process.env.CI && process.platform === 'linux') assert.equal(d.available, true, d.reason);
  });
});
