// A consensus task that ended undecided (contract C1) reads as undecided in `runs` and
// `show`, never as a success.
import * as assert from 'node:assert/strict';
import { cleanupRepos, makeRepo } from '../git/helpers';
import { cliIn, recordRun } from './fixture';

describe('cli: an undecided task in runs and show', () => {
  after(cleanupRepos);

  it('runs counts it as undecided, show says undecided and why', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const runId = await recordRun(t.dir, 'undecided', () => ({
      pick: { status: 'undecided', kind: 'agent', owns: ['notes/**'], error: 'did not decide: a tie between tabs and spaces (2 votes each)' },
      style: { status: 'skipped', kind: 'agent', owns: ['style.md'], error: 'dependency "pick" did not decide' },
    }));
    const runs = await cliIn(t.dir, 'runs');
    assert.equal(runs.code, 0);
    assert.match(runs.out, new RegExp(`${runId}\\s+undecided\\s+.*0/2 ok, 1 undecided`));
    const show = await cliIn(t.dir, 'show', 'last');
    assert.equal(show.code, 0);
    // The record always counts tokens (a hand-written v1 journal without them reads as 0).
    assert.match(show.out, /^pick \(agent\): undecided, 0 tokens, \$0\.0000$/m);
    assert.match(show.out, /^ {2}did not decide: a tie/m);
    assert.doesNotMatch(show.out, /error: did not decide|✓/);
  });
});
