// The headline speedup is what the concurrency cap allows (plan.expectedSpeedup), Amdahl's
// uncapped figure is only shown labelled so, one format (2.00×), and a cancelled run
// claims none.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { captureIO } from '../../unit/cli/helpers';
import { cleanupRepos, makeRepo, type TestRepo } from '../git/helpers';
import { processesWith } from '../sandbox/helpers';
import { writeTaskFile } from './fixture';

const repoRoot = path.resolve(__dirname, '../../..');

describe('cli: speedups in plan and run', function () {
  this.timeout(60_000);
  after(cleanupRepos);

  it('plan: the headline is the expected speedup under the cap; Amdahl only as "uncapped"', async () => {
    const io = captureIO(repoRoot);
    assert.equal(await main(['plan', 'examples/four-step', '--concurrency', '1'], io), 0);
    assert.match(io.out, /^ {2}Expected speedup {3}1\.00× with up to 1 at once {2}\(4 tasks instead of 4 tasks\)$/m);
    assert.match(io.out, /^ {2}Uncapped {11}2\.00× {2}\(Amdahl, unlimited slots: 4 tasks of work ÷ 2 tasks on the critical path\)$/m);
    assert.doesNotMatch(io.out, /Predicted speedup/);
  });

  describe('run', () => {
    let t: TestRepo;
    beforeEach(() => {
      t = makeRepo({ 'README.md': 'hi\n' });
    });

    it('the summary compares the measured speedup with the expected one at the run\'s cap', async () => {
      writeTaskFile(t.dir, {
        a: { run: 'echo a > a.txt', owns: ['a.txt'] },
        b: { run: 'echo b > b.txt', owns: ['b.txt'] },
        c: { run: 'echo c > c.txt', owns: ['c.txt'] },
      });
      const io = captureIO(t.dir);
      assert.equal(await main(['run', '--concurrency', '1'], io), 0, io.err);
      assert.match(io.out, /measured speedup \d+\.\d\d× \(expected 1\.00× with up to 1 at once\)/);
      assert.doesNotMatch(io.out, /predicted|3\.00×/);
      assert.match(io.out, /✓ a +succeeded .* 1 file changed$/m);
      const json = captureIO(t.dir);
      assert.equal(await main(['run', '--concurrency', '1', '--json'], json), 0, json.err);
      const j = JSON.parse(json.out);
      assert.equal(j.expectedSpeedup, 1);
      assert.equal(j.uncappedSpeedup, 3);
      assert.equal(typeof j.speedup, 'number');
      assert.equal('predictedSpeedup' in j, false);
    });

    it('a cancelled run\'s summary claims no speedup', async () => {
      const scratch = mkdtempSync(path.join(tmpdir(), 'pa-cli-cancel-'));
      // A sleep no other process has: the command may run in the sandbox, whose /tmp is its own.
      const mark = `30.${process.pid}${Date.now() % 100000}`;
      try {
        writeTaskFile(t.dir, {
          slow: { run: `sleep ${mark}`, owns: ['x.txt'] },
          quick: { run: 'echo q > q.txt', owns: ['q.txt'] },
        });
        const ctl = new AbortController();
        const io = captureIO(t.dir, {}, ctl.signal);
        const done = main(['run'], io);
        while (!processesWith(mark).length) await new Promise((r) => setTimeout(r, 20));
        ctl.abort('cancelled by the test');
        assert.equal(await done, 1);
        assert.match(io.out, /Run \S+: cancelled/);
        assert.match(io.out, /Wall-clock .* · sum of task times/);
        assert.doesNotMatch(io.out, /speedup|×/);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
  });
});
