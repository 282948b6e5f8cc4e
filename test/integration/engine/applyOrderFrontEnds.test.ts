// One run, applied by the engine (`run --apply`), by the CLI (`apply`) and through VS Code's
// Apply Run (its pure part: the snapshot of the record, live and from the journal, handed to
// applyInputs): the same tasks in the same order, with the same repository-relative globs
// (a workspace in a sub-folder, `./` and `!` globs), so the same violations are left out.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { applyInputs, readRunRecord, startRun } from '../../../src/engine';
import { openRepo, readApplyRecord, undoApply } from '../../../src/git';
import { snapshotOf } from '../../../src/vscode/runSnapshot';
import { captureIO } from '../../unit/cli/helpers';
import { cleanupRepos, makeRepo } from '../git/helpers';

describe('engine, CLI and VS Code apply the same tasks in the same order', function () {
  this.timeout(60_000);
  after(cleanupRepos);

  it('a dependent listed first, a sub-folder workspace, an exclusion glob', async () => {
    const t = makeRepo({ 'README.md': 'top\n', 'pkg/f.txt': 'v0\n' });
    mkdirSync(path.join(t.dir, 'pkg/.agents'), { recursive: true });
    writeFileSync(
      path.join(t.dir, 'pkg/.agents/tasks.yaml'),
      [
        'version: 1',
        'tasks:',
        '  second:',
        '    run: "echo v2 > f.txt"',
        '    owns: [./f.txt]',
        '    dependsOn: [first]',
        '  first:',
        '    run: "echo v1 > f.txt"',
        '    owns: [f.txt]',
        '  docs:',
        '    run: "mkdir -p docs/generated && echo a > docs/a.md && echo b > docs/generated/b.md"',
        '    owns: ["./docs/**", "!docs/generated/**"]',
        '',
      ].join('\n'),
    );
    t.commitAll('tasks');
    const pkg = path.join(t.dir, 'pkg');
    const repo = await openRepo(t.dir);

    // The engine: run --apply.
    const run = await startRun({ workspace: pkg, apply: true });
    const live = await run.done;
    run.dispose();
    assert.equal(live.status, 'succeeded');
    const byEngine = await readApplyRecord(repo, live.runId);
    assert.deepEqual(live.applyResult?.violations.map((v) => [v.task, v.path, v.included]), [['docs', 'pkg/docs/generated/b.md', false]]);
    assert.equal(t.text('pkg/f.txt'), 'v2\n');
    assert.ok(!existsSync(path.join(t.dir, 'pkg/docs/generated/b.md')));
    await undoApply(repo, live.runId);

    // The CLI: apply RUN.
    const io = captureIO(t.dir);
    assert.equal(await main(['apply', pkg, live.runId], io), 0, io.out + io.err);
    const byCli = await readApplyRecord(repo, live.runId);
    assert.match(io.out, /Left out 1 ownership violation[\s\S]*pkg\/docs\/generated\/b\.md \(docs\)/);
    assert.equal(readFileSync(path.join(t.dir, 'pkg/f.txt'), 'utf8'), 'v2\n');
    assert.ok(!existsSync(path.join(t.dir, 'pkg/docs/generated/b.md')));

    // VS Code: what Apply Run hands to applyRun, for the live run and for the journal.
    const vsLive = applyInputs(snapshotOf(live, true));
    const vsPast = applyInputs(snapshotOf(await readRunRecord(repo, live.runId), false));

    const order = ['first', 'docs', 'second'];
    assert.deepEqual(byEngine?.tasks, order);
    assert.deepEqual(byCli?.tasks, order);
    assert.deepEqual(vsLive.map((x) => x.id), order);
    assert.deepEqual(vsPast, vsLive);
    assert.deepEqual(
      vsLive.map((x) => [x.id, x.owns]),
      [
        ['first', ['pkg/f.txt']],
        ['docs', ['pkg/docs/**', '!pkg/docs/generated/**']],
        ['second', ['pkg/f.txt']],
      ],
    );
  });
});
