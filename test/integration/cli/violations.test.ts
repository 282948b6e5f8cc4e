// Ownership violations are never written by a plain apply or run --apply (contract C2):
// the CLI says which were left out and how to take them; --include-violations takes all,
// --include-violations=PATHS some; show lists them with what the apply did with them.
import * as assert from 'node:assert/strict';
import { cleanupRepos, makeRepo, type TestRepo } from '../git/helpers';
import { cliIn, writeTaskFile } from './fixture';

const cli = (t: TestRepo, ...args: string[]) => cliIn(t.dir, ...args);

describe('cli: ownership violations are left out until the user takes them', function () {
  this.timeout(60_000);
  after(cleanupRepos);

  it('run --apply and apply leave them out and say how to take them; --include-violations[=PATHS] takes them; show lists them', async () => {
    const t = makeRepo({ 'README.md': 'hi\n' });
    writeTaskFile(t.dir, { fmt: { run: 'mkdir -p src && echo x > src/a.txt && echo y > notes.txt && echo z > other.txt', owns: ['src/**'] } });

    const run = await cli(t, 'run', '--apply');
    assert.equal(run.code, 0, run.err);
    const runId = /Run (\S+):/.exec(run.out)?.[1] as string;
    assert.equal(t.text('src/a.txt'), 'x\n');
    assert.equal(t.exists('notes.txt'), false, 'a violation is not written by run --apply');
    assert.equal(t.exists('other.txt'), false);
    assert.match(run.out, /^ {2}ownership violation: fmt changed notes\.txt, which it does not own$/m);
    assert.match(run.out, /^ {2}Left out 2 ownership violations \(not written\)\.$/m);
    assert.match(run.out, new RegExp(`^ {2}To take them: parallel-agents undo ${runId} && parallel-agents apply ${runId} --include-violations \\(or --include-violations=notes\\.txt,other\\.txt for some\\)$`, 'm'));

    const show = await cli(t, 'show', 'last');
    assert.match(show.out, /^ {2}fmt changed notes\.txt, outside what it owns — left out of the apply$/m);
    assert.match(show.out, /^ {2}fmt changed other\.txt, outside what it owns — left out of the apply$/m);

    assert.equal((await cli(t, 'undo', 'last')).code, 0);
    const some = await cli(t, 'apply', 'last', '--include-violations=notes.txt');
    assert.equal(some.code, 0, some.err);
    assert.equal(t.text('notes.txt'), 'y\n');
    assert.equal(t.exists('other.txt'), false);
    assert.match(some.out, /^Included ownership violations \(you asked for them\):\n {2}notes\.txt \(fmt\)$/m);
    assert.match(some.out, /^Left out 1 ownership violation \(changes outside what the task owns; not written\):\n {2}other\.txt \(fmt\)$/m);
    assert.match(some.out, new RegExp(`^To take it: parallel-agents undo ${runId} && parallel-agents apply ${runId} --include-violations$`, 'm'));
    const showSome = await cli(t, 'show', 'last');
    assert.match(showSome.out, /^ {2}fmt changed notes\.txt, outside what it owns — included in the apply$/m);

    assert.equal((await cli(t, 'undo', 'last')).code, 0);
    const stray = await cli(t, 'apply', 'last', '--include-violations=README.md');
    assert.match(stray.err, /--include-violations: README\.md is not an ownership violation of run/);
    assert.equal((await cli(t, 'undo', 'last')).code, 0);
    const all = await cli(t, 'apply', 'last', '--include-violations');
    assert.equal(all.code, 0, all.err);
    assert.equal(t.text('notes.txt'), 'y\n');
    assert.equal(t.text('other.txt'), 'z\n');
    assert.doesNotMatch(all.out, /Left out/);

    // Before the run is applied, show says what apply will do with them.
    assert.equal((await cli(t, 'undo', 'last')).code, 0);
    const unapplied = await cli(t, 'show', 'last');
    assert.match(unapplied.out, /^ {2}fmt changed notes\.txt, outside what it owns$/m);
    assert.match(unapplied.out, /^ {2}apply leaves these out; take them with: parallel-agents apply \S+ --include-violations \(or --include-violations=PATHS\)$/m);
  });
});
