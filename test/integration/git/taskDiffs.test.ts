// Task diffs asked of the long-lived diff-tree process (git/taskDiffs.ts) against git's own
// one-shot output, on real repositories: every kind of change, paths made to look like the
// end of an answer, many questions in flight, and the analysis with and without them.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync, chmodSync } from 'node:fs';
import * as path from 'node:path';
import { analyseRun, openRepo } from '../../../src/git';
import { answerEnd, DIFF_TREE_ARGS, diffTask } from '../../../src/git/taskDiffs';
import { cleanupRepos, makeRepo, TEST_GIT_ENV, type TestRepo } from './helpers';

/** git's answer for one `<result> <base>` line, from a process of its own, without the header. */
function oneShot(r: TestRepo, result: string, base: string): Buffer {
  const out = execFileSync('git', [...DIFF_TREE_ARGS], { cwd: r.dir, env: TEST_GIT_ENV, input: `${result} ${base}\n`, maxBuffer: 1 << 28 });
  return out.subarray(result.length + 1);
}

/** A base and a result that differ in every way a task's result can. */
function everyKindOfChange(): { r: TestRepo; base: string; result: string } {
  const r = makeRepo({
    'edit.txt': 'one\ntwo\nthree\n',
    'gone.txt': 'bye\n',
    'moved-from.txt': 'a file long enough to be found again when it is renamed\nline two\nline three\n',
    'mode.sh': 'echo hi\n',
    'file-to-link.txt': 'x\n',
    'bin.dat': Buffer.from([0, 1, 2, 3, 0, 255]),
  });
  const base = r.git('rev-parse', 'HEAD').trim();
  r.write('edit.txt', 'one\n2\nthree\nfour\n');
  r.remove('gone.txt');
  r.remove('moved-from.txt');
  r.write('sub/moved-to.txt', 'a file long enough to be found again when it is renamed\nline two\nline three\n');
  chmodSync(path.join(r.dir, 'mode.sh'), 0o755);
  r.remove('file-to-link.txt');
  symlinkSync('edit.txt', path.join(r.dir, 'file-to-link.txt'));
  r.write('bin.dat', Buffer.from([0, 1, 2, 4, 0, 254]));
  r.write('new.txt', 'new\n');
  r.write('empty.txt', '');
  // Paths that look like the end of an answer: the result's id is not known yet, so the
  // base's id stands in (the test below adds the result's own).
  r.write(base, `${base}\n`);
  r.write(`line\n${base}`, 'x\n');
  const result = r.commitAll('every kind of change');
  return { r, base, result };
}

describe('git: task diffs through the long-lived diff-tree process', function () {
  this.timeout(30_000);
  after(cleanupRepos);

  it('gives what a diff-tree of its own gives, for every kind of change and for none', async () => {
    const { r, base, result } = everyKindOfChange();
    const repo = await openRepo(r.dir);
    const diff = await diffTask(repo, { resultCommit: result, baseCommit: base });
    assert.ok(diff.length > 500);
    assert.deepEqual(diff, oneShot(r, result, base));
    assert.deepEqual(await diffTask(repo, { resultCommit: base, baseCommit: base }), Buffer.alloc(0));
  });

  it("keeps a result whose paths are its own id, or end in it after a newline, whole", async () => {
    const r = makeRepo({ 'a.txt': 'a\n' });
    // A commit whose tree holds files named after that commit cannot be made; a tree that
    // holds files named after the commit made from the same tree plus one more can: the id
    // is what the answer's header and its end are made of.
    r.write('b.txt', 'b\n');
    const first = r.commitAll('first');
    r.write(first, 'named after the answer header\n');
    r.write(`x\n${first}`, 'and after a newline\n');
    const second = r.commitAll('second');
    const repo = await openRepo(r.dir);
    // Asked as `<first> <second>`: the header is `<first>\0`, and the diff names `<first>`.
    const diff = await diffTask(repo, { resultCommit: first, baseCommit: second });
    assert.deepEqual(diff, oneShot(r, first, second));
    assert.match(diff.toString('latin1'), new RegExp(first));
  });

  it('answers many questions in flight, each with its own diff', async () => {
    const r = makeRepo({ 'base.txt': 'base\n' });
    const base = r.git('rev-parse', 'HEAD').trim();
    const results: string[] = [];
    for (let i = 0; i < 12; i++) {
      r.git('checkout', '-q', '--detach', base);
      r.write(`t${i}/f.txt`, `${'x\n'.repeat(i * 50)}`);
      if (i % 3 === 0) r.write('base.txt', `base ${i}\n`);
      results.push(r.commitAll(`task ${i}`));
    }
    const repo = await openRepo(r.dir);
    const diffs = await Promise.all(results.map((result) => diffTask(repo, { resultCommit: result, baseCommit: base })));
    diffs.forEach((d, i) => assert.deepEqual(d, oneShot(r, results[i] as string, base), `task ${i}`));
  });

  it('a diff of megabytes, arriving in many chunks, comes back whole, and so does the small one behind it', async () => {
    const r = makeRepo({ 'a.txt': 'a\n' });
    const base = r.git('rev-parse', 'HEAD').trim();
    for (let i = 0; i < 120; i++) r.write(`big/f${i}.txt`, `${`line ${i} of a generated file\n`.repeat(1500)}`);
    const big = r.commitAll('big');
    r.write('a.txt', 'b\n');
    const small = r.commitAll('small');
    const repo = await openRepo(r.dir);
    const [d1, d2] = await Promise.all([diffTask(repo, { resultCommit: big, baseCommit: base }), diffTask(repo, { resultCommit: small, baseCommit: big })]);
    assert.ok((d1?.length ?? 0) > 3_000_000);
    assert.deepEqual(d1, oneShot(r, big, base));
    assert.deepEqual(d2, oneShot(r, small, big));
  });

  it('sees commits made after its process started', async () => {
    const r = makeRepo({ 'a.txt': 'a\n' });
    const base = r.git('rev-parse', 'HEAD').trim();
    const repo = await openRepo(r.dir);
    assert.deepEqual(await diffTask(repo, { resultCommit: base, baseCommit: base }), Buffer.alloc(0));
    r.write('later.txt', 'made after the process started\n');
    const later = r.commitAll('later');
    r.git('gc', '-q');
    r.write('packed-later.txt', 'and after a repack\n');
    const again = r.commitAll('again');
    assert.deepEqual(await diffTask(repo, { resultCommit: later, baseCommit: base }), oneShot(r, later, base));
    assert.deepEqual(await diffTask(repo, { resultCommit: again, baseCommit: base }), oneShot(r, again, base));
  });

  it('the end of an answer is found only once all of it is there', async () => {
    const { r, base, result } = everyKindOfChange();
    const full = Buffer.concat([Buffer.from(`${result}\0`), oneShot(r, result, base), Buffer.from(`${result}\0`)]);
    for (let n = 0; n < full.length; n++) assert.equal(answerEnd(full.subarray(0, n), result), -1, `ended early at byte ${n} of ${full.length}`);
    assert.equal(answerEnd(full, result), full.length);
    const next = Buffer.concat([full, Buffer.from(`${base}\0`)]);
    assert.equal(answerEnd(next, result), full.length);
  });

  it('the analysis with diffs asked ahead is the analysis without them; a failed one is diffed again', async () => {
    const { r, base, result } = everyKindOfChange();
    const repo = await openRepo(r.dir);
    const other = r.git('commit-tree', '-p', base, '-m', 'other', `${base}^{tree}`).trim();
    const tasks = [
      { id: 'a', owns: ['*.txt'], baseCommit: base, resultCommit: result },
      { id: 'b', owns: ['x/**'], baseCommit: base, resultCommit: other },
    ];
    const plain = await analyseRun(repo, { runId: 'r', tasks });
    const ahead = await analyseRun(repo, {
      runId: 'r',
      tasks,
      diffsAhead: (t) => (t.id === 'a' ? diffTask(repo, t) : Promise.reject(new Error('the process died'))),
    });
    assert.deepEqual(ahead, plain);
    assert.ok((plain.tasks[0]?.changed.length ?? 0) > 5 && plain.violations.some((v) => v.task === 'a'));
  });
});
