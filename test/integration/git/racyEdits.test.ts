// A file rewritten in the same second as the last index write, with the same size, has
// the stat data the index recorded: only git's racy-git check (entries not older than the
// index file are re-read) tells it apart. Snapshots, apply's before-apply view and undo's
// checks must see such an edit as git status does.
//
// The tests pin every time involved with utimes, so nothing depends on the clock:
// core.trustctime=false takes ctime (which utimes cannot set) out of the comparison; with
// ctime trusted the same happens whenever the whole edit falls in one second (issue 10 §0).
import { strict as assert } from 'node:assert';
import { utimesSync } from 'node:fs';
import * as path from 'node:path';
import { applyRun } from '../../../src/git/apply';
import { GitError } from '../../../src/git/errors';
import { openRepo } from '../../../src/git/repo';
import { captureWorkingTree } from '../../../src/git/snapshot';
import { undoApply } from '../../../src/git/undo';
import { cleanupRepos, makeRepo, type TestRepo } from './helpers';
import { Scenario } from './scenario';

const bytes = (fill: number) => Buffer.from(Array.from({ length: 22 }, (_, i) => (i === 3 ? 0 : fill + i)));
const ORIGINAL = bytes(0x10);
const AGENT = bytes(0x40);
const USER = bytes(0x70);

/** A whole second well in the past, so that no write during the test lands in it. */
const SECOND = Math.floor(Date.now() / 1000) - 3600;

function pin(t: TestRepo, rel: string): void {
  utimesSync(path.join(t.dir, rel), SECOND, SECOND);
}

/** The user's index written "in the same second" as the file's last change. */
function pinIndex(t: TestRepo): void {
  utimesSync(path.join(t.dir, '.git', 'index'), SECOND, SECOND);
}

/** A repository whose last commit wrote img.bin in the same second as the index. */
function racyRepo(): TestRepo {
  const t = makeRepo();
  t.git('config', 'core.trustctime', 'false');
  t.write('img.bin', ORIGINAL);
  t.write('other.txt', 'other\n');
  pin(t, 'img.bin');
  t.commitAll('initial');
  pinIndex(t);
  return t;
}

/** The user rewrites the file in place: other bytes, same size, same (pinned) mtime. */
function rewriteInPlace(t: TestRepo, rel: string, content: Buffer): void {
  t.write(rel, content);
  pin(t, rel);
}

/** What git itself says (without refreshing the user's index). */
function gitStatus(t: TestRepo): string {
  return t.git('--no-optional-locks', 'status', '--porcelain');
}

describe('git/racy edits: same second, same size', () => {
  after(cleanupRepos);

  it('a snapshot captures a file rewritten in the second of the last index write', async () => {
    const t = racyRepo();
    rewriteInPlace(t, 'img.bin', USER);
    assert.match(gitStatus(t), / M img\.bin/); // git sees it
    const repo = await openRepo(t.dir);
    const { commit } = await captureWorkingTree(repo, 'test');
    const got = t.git('rev-parse', `${commit}:img.bin`).trim();
    const want = t.git('hash-object', 'img.bin').trim();
    assert.equal(got, want);
  });

  it('apply keeps the user\'s same-size rewrite and reports a binary conflict', async () => {
    const t = racyRepo();
    const s = await Scenario.start(t);
    try {
      await s.task('agent', ['img.bin'], { 'img.bin': AGENT });
      rewriteInPlace(t, 'img.bin', USER);
      assert.match(gitStatus(t), / M img\.bin/);
      const r = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks });
      assert.ok(t.read('img.bin').equals(USER), `img.bin is ${t.read('img.bin').toString('hex')}`);
      assert.deepEqual(r.binaryConflicts, [{ path: 'img.bin', tasks: ['working tree', 'agent'] }]);
      assert.deepEqual(r.applied, []);
    } finally {
      s.dispose();
    }
  });

  it('undo refuses to overwrite a same-size edit made in the second of the user\'s last index write', async () => {
    const t = racyRepo();
    const s = await Scenario.start(t);
    try {
      await s.task('agent', ['img.bin'], { 'img.bin': AGENT });
      const r = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks });
      assert.deepEqual(r.applied, ['img.bin']);
      // the user stages the applied file, then edits it again within that second
      pin(t, 'img.bin');
      t.git('add', 'img.bin');
      pinIndex(t);
      rewriteInPlace(t, 'img.bin', USER);
      assert.match(gitStatus(t), /^MM img\.bin/m);
      await assert.rejects(
        undoApply(s.repo, s.runId),
        (e: unknown) => e instanceof GitError && /edited after the apply/.test(e.message) && /img\.bin/.test(e.message),
      );
      assert.ok(t.read('img.bin').equals(USER));
    } finally {
      s.dispose();
    }
  });
});
