// `apply` merges a run's results in dependency order (the engine's applyInputs), whatever
// order the task file and so the journal list them in.
import * as assert from 'node:assert/strict';
import { main } from '../../../src/cli/main';
import { captureIO } from '../../unit/cli/helpers';
import { cleanupRepos, makeRepo } from '../git/helpers';
import { writeTaskFile } from './fixture';

describe('cli: apply order', function () {
  this.timeout(60_000);
  after(cleanupRepos);

  it('a dependent listed before what it builds on is applied after it: no conflict with its own base', async () => {
    const t = makeRepo({ 'f.txt': 'v0\n' });
    // `second` rewrites the line `first` wrote; applied first, it would conflict with the run's base.
    writeTaskFile(t.dir, {
      second: { run: 'echo v2 > f.txt', owns: ['f.txt'], dependsOn: ['first'] },
      first: { run: 'echo v1 > f.txt', owns: ['f.txt'] },
    });
    const run = captureIO(t.dir);
    assert.equal(await main(['run'], run), 0, run.err);
    const io = captureIO(t.dir);
    assert.equal(await main(['apply', 'last'], io), 0, io.out + io.err);
    assert.equal(t.text('f.txt'), 'v2\n');
    assert.doesNotMatch(io.out, /Conflicts/);
  });
});
