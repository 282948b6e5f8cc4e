// `show` says what changed about a file's mode (contract C5) instead of "(modified, +0 -0)".
import * as assert from 'node:assert/strict';
import { main } from '../../../src/cli/main';
import { captureIO } from '../../unit/cli/helpers';
import { cleanupRepos, makeRepo } from '../git/helpers';
import { writeTaskFile } from './fixture';

describe('cli: show and file modes', function () {
  this.timeout(60_000);
  after(cleanupRepos);

  it('a mode-only change reads "mode 100644 → 100755"; with content, both; a new executable says its mode', async () => {
    const t = makeRepo({ 'run.sh': 'echo run\n', 'build.sh': 'echo build\n' });
    writeTaskFile(t.dir, {
      modes: {
        run: 'chmod +x run.sh && echo "echo more" >> build.sh && chmod +x build.sh && printf "echo new\\n" > new.sh && chmod +x new.sh',
        owns: ['*.sh'],
      },
    });
    const run = captureIO(t.dir);
    assert.equal(await main(['run'], run), 0, run.err);
    const io = captureIO(t.dir);
    assert.equal(await main(['show', 'last', 'modes'], io), 0, io.err);
    assert.match(io.out, /^ {2}M run\.sh {2}\(mode 100644 → 100755\)$/m);
    assert.match(io.out, /^ {2}M build\.sh {2}\(modified, \+1 -0, mode 100644 → 100755\)$/m);
    assert.match(io.out, /^ {2}A new\.sh {2}\(added, \+1 -0, mode 100755\)$/m);
    assert.doesNotMatch(io.out, /\+0 -0/);
  });
});
