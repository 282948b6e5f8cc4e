import { strict as assert } from 'node:assert';
import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyseRun, analyseTask } from '../../../src/git/analysis';
import { openRepo } from '../../../src/git/repo';
import { commitWorktree, mergeBase } from '../../../src/git/resultCommit';
import { WorktreeWorkspace } from '../../../src/git/worktreeWorkspace';
import { cleanupRepos, makeRepo } from './helpers';
import { Scenario } from './scenario';

const lines = (n: number, f = (i: number) => `line ${i}`) => Array.from({ length: n }, (_, i) => f(i + 1)).join('\n') + '\n';
const edit = (text: string, lineNo: number, repl: string) => {
  const l = text.split('\n');
  l[lineNo - 1] = repl;
  return l.join('\n');
};

describe('git/analysis', () => {
  after(cleanupRepos);

  it('reports changed files, hunks, overlaps (conflicting and clean) and ownership violations', async () => {
    const base = lines(20);
    const t = makeRepo({ 'shared.ts': base, 'other.ts': base, 'old name.txt': lines(5, (i) => `keep ${i}`), 'img.bin': Buffer.from([0, 1, 2, 3]) });
    const s = await Scenario.start(t);
    try {
      await s.task('agentA', ['shared.ts', 'a/**', 'img.bin'], {
        'shared.ts': edit(edit(base, 3, 'A3'), 10, 'A10'),
        'a/new.ts': 'new\n',
        'img.bin': Buffer.from([0, 9, 9]),
      });
      await s.task('fmt', ['shared.ts'], { 'shared.ts': edit(base, 10, 'fmt10') });
      await s.task('agentB', ['other.ts', 'img.bin'], { 'other.ts': edit(base, 15, 'B15'), 'shared.ts': edit(base, 18, 'B18'), 'img.bin': Buffer.from([0, 7]) });
      // a command task renaming a file (outside its owns)
      const wt = await WorktreeWorkspace.create(s.repo, s.base, s.runId, 'lint');
      t.git('-C', wt.path, 'mv', 'old name.txt', 'new name é.txt');
      writeFileSync(path.join(wt.path, 'other.ts'), edit(base, 1, 'lint1'));
      const { commit: lint } = await commitWorktree(s.repo, { runId: s.runId, taskId: 'lint', baseCommit: s.base, worktree: wt, message: 'lint' });
      await wt.dispose();
      s.tasks.push({ id: 'lint', owns: ['other.ts'], baseCommit: s.base, resultCommit: lint });

      const a = await analyseRun(s.repo, { runId: s.runId, tasks: s.tasks });
      const A = a.tasks.find((x) => x.id === 'agentA')!;
      assert.deepEqual(A.changed.map((c) => [c.status, c.path, c.binary]), [
        ['A', 'a/new.ts', false],
        ['M', 'img.bin', true],
        ['M', 'shared.ts', false],
      ]);
      assert.deepEqual(A.hunks.filter((h) => h.path === 'shared.ts').map((h) => [h.oldStart, h.oldLines]), [[3, 1], [10, 1]]);
      assert.equal(A.additions, 3);
      assert.equal(A.deletions, 2);
      const L = a.tasks.find((x) => x.id === 'lint')!;
      assert.deepEqual(L.changed.map((c) => [c.status, c.path, c.oldPath]), [
        ['R', 'new name é.txt', 'old name.txt'],
        ['M', 'other.ts', undefined],
      ]);
      const ov = Object.fromEntries(a.overlaps.map((o) => [o.path, o]));
      assert.deepEqual(Object.keys(ov), ['img.bin', 'other.ts', 'shared.ts']);
      assert.equal(ov['shared.ts']!.conflicting, true);
      assert.deepEqual(ov['shared.ts']!.tasks, ['agentA', 'fmt', 'agentB']);
      assert.deepEqual(ov['shared.ts']!.conflictingPairs, [['agentA', 'fmt']]);
      assert.equal(ov['other.ts']!.conflicting, false); // lines 15 and 1: merges cleanly
      assert.equal(ov['img.bin']!.conflicting, true);
      assert.deepEqual(
        a.violations.map((v) => `${v.task}:${v.path}`).sort(),
        ['agentB:shared.ts', 'lint:new name é.txt', 'lint:old name.txt'],
      );
    } finally {
      s.dispose();
    }
  });

  it('a dependent task editing its dependency\'s lines is sequential, not a conflict', async () => {
    const t = makeRepo({ 'f.txt': lines(5) });
    const s = await Scenario.start(t);
    try {
      const a = await s.task('a', ['f.txt'], { 'f.txt': edit(lines(5), 2, 'A') });
      const { commit } = await mergeBase(s.repo, s.base, [a.resultCommit]);
      await s.task('b', ['f.txt'], { 'f.txt': edit(edit(lines(5), 2, 'A'), 2, 'B') }, commit);
      const r = await analyseRun(s.repo, { runId: s.runId, tasks: s.tasks });
      assert.equal(r.overlaps.length, 1);
      assert.equal(r.overlaps[0]!.conflicting, false);
    } finally {
      s.dispose();
    }
  });

  it('a mode-only change carries its modes; a file turned into a symlink keeps the other files\' line counts', async () => {
    const t = makeRepo({ 'run.sh': 'echo hi\n', 'f.txt': 'a\n', 'g.txt': 'b\n' });
    const base = t.git('rev-parse', 'HEAD').trim();
    chmodSync(path.join(t.dir, 'run.sh'), 0o755);
    t.remove('f.txt');
    symlinkSync('g.txt', path.join(t.dir, 'f.txt'));
    t.write('g.txt', 'b\nc\n');
    const result = t.commitAll('modes');
    const a = await analyseTask(await openRepo(t.dir), { id: 't', owns: ['**'], baseCommit: base, resultCommit: result });
    assert.deepEqual(
      a.changed.map((c) => [c.path, c.status, c.oldMode, c.newMode, c.additions, c.deletions]),
      [
        ['f.txt', 'M', '100644', '120000', 1, 1],
        ['g.txt', 'M', '100644', '100644', 1, 0],
        ['run.sh', 'M', '100644', '100755', 0, 0],
      ],
    );
    assert.equal(a.additions, 2);
    assert.equal(a.deletions, 1);
    assert.deepEqual(a.hunks.map((h) => h.path), ['f.txt', 'f.txt', 'g.txt']);
  });

  it("a command's writes outside its workspace folder are ownership violations, flagged as such", async () => {
    const t = makeRepo({ 'f.txt': 'a\n' });
    const s = await Scenario.start(t);
    try {
      await s.task('gen', ['f.txt'], { 'f.txt': 'b\n' });
      const r = await analyseRun(s.repo, { runId: s.runId, tasks: [{ ...s.tasks[0]!, outsideWrites: ['../stray.txt'] }] });
      assert.deepEqual(r.violations, [{ task: 'gen', path: '../stray.txt', outsideWorkspace: true }]);
    } finally {
      s.dispose();
    }
  });

  it('one diff for the whole run gives each task its own changes: empty results, a file named like a commit id, several tasks', async () => {
    const t = makeRepo({ 'a.txt': 'a\n', 'gone.txt': 'g\n' });
    const s = await Scenario.start(t);
    try {
      const empty1 = await s.task('empty1', ['**'], {});
      const b = await s.task('b', ['**'], { 'b.txt': 'b\n', 'a.txt': 'a\nmore\n' });
      const empty2 = await s.task('empty2', ['**'], {});
      // a path spelled like the next task's result id, as the next header would be
      const d = await s.task('d', ['**'], { 'd.txt': 'd\n' });
      const c = await s.task('c', ['**'], { [d.resultCommit]: 'named like a commit\n', 'gone.txt': null });
      const order = [empty1, b, empty2, c, d];
      const run = await analyseRun(s.repo, { runId: s.runId, tasks: order });
      assert.deepEqual(run.tasks.map((x) => x.id), ['empty1', 'b', 'empty2', 'c', 'd']);
      assert.deepEqual(run.tasks.map((x) => x.changed.map((f) => f.path).sort()), [[], ['a.txt', 'b.txt'], [], [d.resultCommit, 'gone.txt'].sort(), ['d.txt']]);
      assert.deepEqual(run.tasks[1]?.hunks.map((h) => h.path).sort(), ['a.txt', 'b.txt']);
      for (const [i, x] of order.entries()) assert.deepEqual(run.tasks[i], await analyseTask(s.repo, x));
    } finally {
      s.dispose();
    }
  });
});
