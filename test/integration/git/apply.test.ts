import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { acquireApplyLock } from '../../../src/git/applyLock';
import { analyseRun } from '../../../src/git/analysis';
import { applyRun } from '../../../src/git/apply';
import { GitError } from '../../../src/git/errors';
import { createRunId } from '../../../src/git/ids';
import { snapshotWorkingTree } from '../../../src/git/snapshot';
import { undoApply } from '../../../src/git/undo';
import { cleanupRepos, makeRepo, mapsEqual, type TestRepo } from './helpers';
import { Scenario } from './scenario';

const lines = (n: number, f = (i: number) => `line ${i}`) => Array.from({ length: n }, (_, i) => f(i + 1)).join('\n') + '\n';
const edit = (text: string, lineNo: number, repl: string, eol = '\n') => {
  const l = text.split(eol);
  l[lineNo - 1] = repl;
  return l.join(eol);
};

/** Makes a folder unwritable (chmod; as root, chattr +i). Returns the undo, or undefined if impossible. */
function makeUnwritable(dir: string): (() => void) | undefined {
  if (process.getuid?.() !== 0) {
    chmodSync(dir, 0o555);
    return () => chmodSync(dir, 0o755);
  }
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
    return () => execFileSync('chattr', ['-i', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
}

/** Working-tree files, minus the paths given. */
function without(files: Map<string, Buffer>, ...paths: string[]): Map<string, Buffer> {
  const m = new Map(files);
  for (const p of paths) m.delete(p);
  return m;
}

describe('git/apply and undo', () => {
  after(cleanupRepos);

  it('applies task results 3-way: user edits kept, markers labelled with task ids, clean merges reported; undo is exact', async () => {
    const base = lines(30);
    const t = makeRepo({
      'shared.ts': base,
      'disjoint.ts': base,
      'user-edited.ts': base,
      'crlf.txt': 'one\r\ntwo\r\nthree\r\n',
      'no-eol.txt': 'alpha\nbeta',
      'old name.txt': 'rename me\n',
      'doomed.txt': 'delete me\n',
      'untouched.txt': 'untouched\n',
      '.gitignore': '*.log\n',
    });
    // the user's uncommitted state when the run starts (and a stash entry)
    t.write('untouched.txt', 'stashed edit\n');
    t.git('stash', '-q');
    t.write('staged.txt', 'staged\n');
    t.git('add', 'staged.txt');
    t.write('untouched.txt', 'dirty but untouched by tasks\n');
    t.write('untracked dir/ñame with space.txt', 'untracked\n');
    t.write('debug.log', 'ignored\n');
    const state0 = t.userState();
    assert.match(state0.stash ?? '', /stash@\{0\}/);
    const s = await Scenario.start(t);
    try {
      await s.task('agentA', ['shared.ts', 'disjoint.ts', 'user-edited.ts', 'crlf.txt', 'new dir é/**'], {
        'shared.ts': edit(base, 10, 'agentA was here'),
        'disjoint.ts': edit(base, 3, 'A3'),
        'user-edited.ts': edit(base, 5, 'A5'),
        'crlf.txt': 'one\r\nTWO by A\r\nthree\r\n',
        'new dir é/fïle with spaces.md': 'created by A\n',
      });
      await s.task('fmt', ['shared.ts', 'disjoint.ts', 'no-eol.txt', 'old name.txt', 'renamed.txt', 'doomed.txt'], {
        'shared.ts': edit(base, 10, 'fmt was here'),
        'disjoint.ts': edit(base, 25, 'fmt25'),
        'no-eol.txt': 'alpha\nBETA',
        'old name.txt': null,
        'renamed.txt': 'rename me\n',
        'doomed.txt': null,
      });
      // while the run was going, the user edited a file a task also changes (other lines)
      t.write('user-edited.ts', edit(base, 20, 'user 20'));
      const files0 = t.files();

      const r = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks });
      assert.deepEqual(r.conflicts, [{ path: 'shared.ts', tasks: ['agentA', 'fmt'], kind: 'content', markerSize: 7 }]);
      assert.deepEqual(r.merged.sort(), ['disjoint.ts', 'user-edited.ts']);
      assert.deepEqual(r.binaryConflicts, []);
      assert.deepEqual(r.skipped, []);
      assert.equal(
        t.text('shared.ts'),
        edit(base, 10, '<<<<<<< agentA\nagentA was here\n=======\nfmt was here\n>>>>>>> fmt'),
      );
      assert.equal(t.text('disjoint.ts'), edit(edit(base, 3, 'A3'), 25, 'fmt25'));
      assert.equal(t.text('user-edited.ts'), edit(edit(base, 5, 'A5'), 20, 'user 20'));
      assert.ok(t.read('crlf.txt').equals(Buffer.from('one\r\nTWO by A\r\nthree\r\n')));
      assert.ok(t.read('no-eol.txt').equals(Buffer.from('alpha\nBETA')));
      assert.ok(!t.exists('old name.txt') && t.text('renamed.txt') === 'rename me\n');
      assert.ok(!t.exists('doomed.txt'));
      assert.equal(t.text('new dir é/fïle with spaces.md'), 'created by A\n');
      const changedPaths = ['shared.ts', 'disjoint.ts', 'user-edited.ts', 'crlf.txt', 'no-eol.txt', 'old name.txt', 'renamed.txt', 'doomed.txt', 'new dir é/fïle with spaces.md'];
      assert.deepEqual(r.applied.sort(), [...changedPaths].sort());
      // everything else byte-identical; HEAD, index, branches, stash untouched
      assert.deepEqual(mapsEqual(without(files0, ...changedPaths), without(t.files(), ...changedPaths)), []);
      assert.deepEqual(t.userState(), state0);
      assert.equal(t.git('rev-parse', `refs/parallel-agents/${s.runId}/before-apply`).trim(), r.beforeApplyCommit);

      await assert.rejects(applyRun(s.repo, { runId: s.runId, tasks: s.tasks }), /already applied/);

      // undo refuses to clobber edits made after the apply
      const keep = t.read('disjoint.ts');
      t.write('disjoint.ts', 'edited after apply\n');
      await assert.rejects(undoApply(s.repo, s.runId), (e: unknown) => e instanceof GitError && /disjoint\.ts/.test(e.message) && /edited after the apply/.test(e.message));
      t.write('disjoint.ts', keep);
      const u = await undoApply(s.repo, s.runId);
      assert.deepEqual(u.removed.sort(), ['new dir é/fïle with spaces.md', 'renamed.txt']);
      assert.deepEqual(mapsEqual(files0, t.files()), []);
      assert.ok(!t.exists('new dir é'));
      assert.deepEqual(t.userState(), state0);
      await assert.rejects(undoApply(s.repo, s.runId), /already undone/);
    } finally {
      s.dispose();
    }
  });

  it("takes the analysis's ownership verdicts only when it judged the task by the same globs", async () => {
    const t = makeRepo({ 'a.txt': 'a\n', 'c.txt': 'c\n' });
    const s = await Scenario.start(t);
    try {
      await s.task('ta', ['a.txt'], { 'a.txt': 'A\n', 'c.txt': 'C by ta\n' });
      const same = await analyseRun(s.repo, { runId: s.runId, tasks: s.tasks });
      const r = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks, analysis: same });
      assert.deepEqual(r.violations, [{ path: 'c.txt', task: 'ta', included: false }]);
      assert.deepEqual(r.applied, ['a.txt']);
      await undoApply(s.repo, s.runId);
      // analysed with other globs (the plan changed since): apply judges by the task's own
      const other = await analyseRun(s.repo, { runId: s.runId, tasks: s.tasks.map((x) => ({ ...x, owns: ['**'] })) });
      assert.deepEqual(other.violations, []);
      const r2 = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks, analysis: other });
      assert.deepEqual(r2.violations, [{ path: 'c.txt', task: 'ta', included: false }]);
      assert.deepEqual([t.text('a.txt'), t.text('c.txt')], ['A\n', 'c\n']);
    } finally {
      s.dispose();
    }
  });

  it('applies only some tasks, skips unsaved paths; violations are left out unless included', async () => {
    const t = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n', 'd.txt': 'd\n' });
    const s = await Scenario.start(t);
    try {
      await s.task('ta', ['a.txt'], { 'a.txt': 'A\n', 'c.txt': 'C by ta\n', 'd.txt': 'D by ta\n' });
      await s.task('tb', ['b.txt'], { 'b.txt': 'B\n' });
      const ta = s.tasks.filter((x) => x.id === 'ta');
      // by default a change outside what the task owns is listed, not written, not "skipped"
      const r = await applyRun(s.repo, { runId: s.runId, tasks: ta, skipPaths: [path.join(t.dir, 'a.txt')] });
      assert.deepEqual(r.applied, []);
      assert.deepEqual(r.skipped.map((x) => x.path), ['a.txt']);
      assert.match(r.skipped[0]!.reason, /unsaved/);
      assert.deepEqual(r.violations, [
        { path: 'c.txt', task: 'ta', included: false },
        { path: 'd.txt', task: 'ta', included: false },
      ]);
      assert.deepEqual([t.text('a.txt'), t.text('c.txt'), t.text('d.txt')], ['a\n', 'c\n', 'd\n']);
      await undoApply(s.repo, s.runId);
      // the user accepts one of them (paths as the user gives them: relative or absolute)
      const r1 = await applyRun(s.repo, { runId: s.runId, tasks: ta, includeViolations: [path.join(t.dir, 'c.txt')], reader: s.reader });
      assert.deepEqual(r1.applied, ['a.txt', 'c.txt']);
      assert.deepEqual(r1.violations, [
        { path: 'c.txt', task: 'ta', included: true },
        { path: 'd.txt', task: 'ta', included: false },
      ]);
      assert.deepEqual([t.text('c.txt'), t.text('d.txt')], ['C by ta\n', 'd\n']);
      await undoApply(s.repo, s.runId);
      const r2 = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks, includeViolations: true });
      assert.deepEqual(r2.applied, ['a.txt', 'b.txt', 'c.txt', 'd.txt']);
      assert.ok(r2.violations.every((v) => v.included));
      assert.deepEqual([t.text('a.txt'), t.text('b.txt'), t.text('c.txt'), t.text('d.txt')], ['A\n', 'B\n', 'C by ta\n', 'D by ta\n']);
      await undoApply(s.repo, s.runId);
      const r3 = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks.filter((x) => x.id === 'tb') });
      assert.deepEqual(r3.applied, ['b.txt']);
      assert.deepEqual(r3.violations, []);
      assert.deepEqual([t.text('a.txt'), t.text('b.txt'), t.text('c.txt')], ['a\n', 'B\n', 'c\n']);
    } finally {
      s.dispose();
    }
  });

  it('never text-merges binary files: a binary conflict leaves the user\'s file untouched', async () => {
    const t = makeRepo({ 'img.png': Buffer.from([0x89, 0, 1, 2, 3]), 'solo.bin': Buffer.from([0, 1]) });
    const s = await Scenario.start(t);
    try {
      await s.task('a', ['*'], { 'img.png': Buffer.from([0x89, 0, 9, 9]), 'solo.bin': Buffer.from([0, 5, 5]) });
      await s.task('b', ['*'], { 'img.png': Buffer.from([0x89, 0, 7, 7]) });
      const r = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks });
      assert.deepEqual(r.binaryConflicts, [{ path: 'img.png', tasks: ['a', 'b'] }]);
      assert.deepEqual(r.applied, ['solo.bin']);
      assert.ok(t.read('img.png').equals(Buffer.from([0x89, 0, 1, 2, 3])));
      assert.ok(t.read('solo.bin').equals(Buffer.from([0, 5, 5])));
    } finally {
      s.dispose();
    }
  });

  it('works on an empty repository and on a detached HEAD', async () => {
    const e = makeRepo();
    e.write('first.txt', 'first\n');
    const state = e.userState();
    const s = await Scenario.start(e);
    try {
      await s.task('a', ['**'], { 'first.txt': 'first, edited\n', 'second.txt': 'second\n' });
      const r = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks });
      assert.deepEqual(r.applied, ['first.txt', 'second.txt']);
      assert.equal(e.text('second.txt'), 'second\n');
      assert.deepEqual(e.userState(), state);
      await undoApply(s.repo, s.runId);
      assert.ok(!e.exists('second.txt'));
      assert.equal(e.text('first.txt'), 'first\n');
    } finally {
      s.dispose();
    }
    const d = makeRepo({ 'x.txt': 'x\n' });
    d.git('checkout', '-q', '--detach');
    const dstate = d.userState();
    const s2 = await Scenario.start(d);
    try {
      await s2.task('a', ['**'], { 'x.txt': 'X\n' });
      await applyRun(s2.repo, { runId: s2.runId, tasks: s2.tasks });
      assert.equal(d.text('x.txt'), 'X\n');
      assert.deepEqual(d.userState(), dstate);
    } finally {
      s2.dispose();
    }
  });

  it('a run cannot start while another one is applying; a failed apply is restorable with undo', async function () {
    const t: TestRepo = makeRepo({ 'a.txt': 'a\n', 'locked/b.txt': 'b\n', 'z.txt': 'z\n' });
    const s = await Scenario.start(t);
    try {
      await s.task('a', ['**'], { 'a.txt': 'A\n', 'locked/b.txt': 'B\n', 'z.txt': 'Z\n' });
      const release = await acquireApplyLock(s.repo, s.runId, 'apply');
      const other = createRunId();
      await assert.rejects(snapshotWorkingTree(s.repo, other), (e: unknown) => e instanceof GitError && /being applied/.test(e.message));
      assert.equal(t.git('for-each-ref', `refs/parallel-agents/${other}`), '');
      await assert.rejects(applyRun(s.repo, { runId: s.runId, tasks: s.tasks }), /being applied/);
      await release();

      const files0 = t.files();
      const restore = makeUnwritable(path.join(t.dir, 'locked')); // permission denied half way
      if (!restore) return this.skip();
      try {
        await assert.rejects(applyRun(s.repo, { runId: s.runId, tasks: s.tasks }), (e: unknown) => e instanceof GitError && /undo/.test(e.message));
      } finally {
        restore();
      }
      assert.equal(t.text('a.txt'), 'A\n'); // written before the failure
      await undoApply(s.repo, s.runId);
      assert.deepEqual(mapsEqual(files0, t.files()), []);
    } finally {
      s.dispose();
    }
  });

  it('keeps the user\'s file when the user deleted it and a task changed it (reported)', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const s = await Scenario.start(t);
    try {
      await s.task('a', ['**'], { 'a.txt': 'A\n' });
      t.remove('a.txt');
      mkdirSync(path.join(t.dir, 'later'), { recursive: true });
      const r = await applyRun(s.repo, { runId: s.runId, tasks: s.tasks });
      assert.deepEqual(r.conflicts, [{ path: 'a.txt', tasks: ['working tree', 'a'], kind: 'modify/delete', markerSize: 7 }]);
      assert.ok(!t.exists('a.txt'));
    } finally {
      s.dispose();
    }
  });
});
