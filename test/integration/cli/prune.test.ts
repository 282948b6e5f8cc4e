// `parallel-agents prune` over pruneRuns (contract C4): says what it pruned, what it kept
// and why, and never prunes a run with unapplied results without --force.
import * as assert from 'node:assert/strict';
import { parseDuration } from '../../../src/cli/duration';
import { cleanupRepos, makeRepo, type TestRepo } from '../git/helpers';
import { cliIn, writeTaskFile } from './fixture';

const cli = (t: TestRepo, ...args: string[]) => cliIn(t.dir, ...args);

async function runOnce(t: TestRepo, file: string, apply: boolean): Promise<string> {
  writeTaskFile(t.dir, { w: { run: `echo ${file} > ${file}`, owns: [file] } });
  const r = await cli(t, 'run', '--json', ...(apply ? ['--apply'] : []));
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out).runId as string;
}

const refsOf = (t: TestRepo, runId: string) => t.git('for-each-ref', '--format=%(refname)', `refs/parallel-agents/${runId}/`);

describe('cli: prune', function () {
  this.timeout(60_000);
  after(cleanupRepos);

  it('durations: 30m, 12h, 7d (and s, w); anything else is refused', () => {
    assert.equal(parseDuration('30m'), 30 * 60_000);
    assert.equal(parseDuration('12h'), 12 * 3_600_000);
    assert.equal(parseDuration('7d'), 7 * 86_400_000);
    assert.equal(parseDuration('2w'), 14 * 86_400_000);
    for (const bad of ['7', 'd', '7x', '-1d', '1.5h', '0d', '']) assert.equal(parseDuration(bad), undefined, bad);
  });

  it('keeps the newest and unapplied runs, says why, prunes the rest; --dry-run changes nothing; --force takes the unapplied', async () => {
    const t = makeRepo({ 'README.md': 'hi\n' });
    const applied = await runOnce(t, 'a.txt', true);
    const unapplied = await runOnce(t, 'b.txt', false);
    const newest = await runOnce(t, 'c.txt', true);

    const dry = await cli(t, 'prune', '--keep', '1', '--dry-run');
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, new RegExp(`^Would prune 1 run:\\n {2}${applied}$`, 'm'));
    assert.match(dry.out, new RegExp(`^ {2}${newest}: among the 1 newest$`, 'm'));
    assert.match(dry.out, new RegExp(`^ {2}${unapplied}: it has results that were never applied \\(apply or --force\\)$`, 'm'));
    assert.match(dry.out, /^Dry run: nothing was changed\.$/m);
    assert.notEqual(refsOf(t, applied), '');

    const prune = await cli(t, 'prune', '--keep', '1');
    assert.equal(prune.code, 0, prune.err);
    assert.match(prune.out, new RegExp(`^Pruned 1 run:\\n {2}${applied}$`, 'm'));
    assert.match(prune.out, /^Kept 2 runs:$/m);
    assert.match(prune.out, /objects stay in \.git until git gc/);
    assert.equal(refsOf(t, applied), '');
    const runs = await cli(t, 'runs');
    assert.doesNotMatch(runs.out, new RegExp(applied));
    assert.match(runs.out, new RegExp(unapplied));

    const young = await cli(t, 'prune', '--older-than', '7d');
    assert.match(young.out, /^Pruned no run\.$/m);
    assert.match(young.out, new RegExp(`^ {2}${newest}: started less than 7 days? ago$`, 'm'));

    const forced = await cli(t, 'prune', '--keep', '0', '--force', '--json');
    assert.equal(forced.code, 0, forced.err);
    assert.deepEqual(JSON.parse(forced.out), { dryRun: false, pruned: [newest, unapplied], kept: [] });
    assert.equal(t.git('for-each-ref', 'refs/parallel-agents/'), '');
    assert.equal(t.text('c.txt'), 'c.txt\n', 'pruning never touches the working tree');
  });

  it('usage: a criterion is needed, a duration must read like one', async () => {
    const t = makeRepo({ 'README.md': 'hi\n' });
    const none = await cli(t, 'prune');
    assert.equal(none.code, 2);
    assert.match(none.err, /say which runs to prune: --keep N .* or --older-than D/);
    const bad = await cli(t, 'prune', '--older-than', '7 days');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--older-than takes a duration like 30m, 12h or 7d, not "7 days"/);
  });
});
