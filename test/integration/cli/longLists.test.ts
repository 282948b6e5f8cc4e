// Apply and undo of hundreds of files print a screenful, not hundreds of lines, and the
// follow-up commands they print work when pasted, from another folder, with odd names.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TestRepo } from '../git/helpers';
import { CLI, requireBuiltCli, runCli, userEnv } from './cliProcess';
import { writeTaskFile } from './fixture';

describe('cli: long file lists and follow-up commands (dist/cli.js)', function () {
  this.timeout(120_000);
  let scratch: string;
  let t: TestRepo;
  before(function () {
    requireBuiltCli(this);
    scratch = mkdtempSync(path.join(tmpdir(), 'pa-cli-lists-'));
    // A folder name a shell would split or end a quote on.
    t = new TestRepo(path.join(scratch, "Bob's repo"));
    mkdirSync(t.dir);
    t.git('init', '-q', '-b', 'main');
    t.write('README.md', 'hi\n');
    writeTaskFile(t.dir, { gen: { run: 'mkdir -p gen && for i in $(seq 1 400); do echo $i > gen/f$i.txt; done', owns: ['gen/**'] } });
    t.commitAll('initial');
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('apply and undo list 20 files, then "… and 380 more"; their commands name the quoted folder and work', async () => {
    const run = await runCli(['run', "Bob's repo", '--json'], scratch);
    assert.equal(run.code, 0, run.err);
    const runId = JSON.parse(run.out).runId as string;

    const apply = await runCli(['apply', "Bob's repo", runId], scratch);
    assert.equal(apply.code, 0, apply.err);
    const lines = apply.out.trimEnd().split('\n');
    assert.ok(lines.length <= 25, `apply printed ${lines.length} lines`);
    assert.match(apply.out, /^Applied run \S+: 400 files written\.$/m);
    assert.equal(lines.filter((l) => /^ {2}gen\/f\d+\.txt$/.test(l)).length, 20);
    assert.match(apply.out, new RegExp(`^ {2}… and 380 more; \`parallel-agents show 'Bob'\\\\''s repo' ${runId}\` lists them$`, 'm'));
    const undoLine = /^Undo with: (parallel-agents undo .+)$/m.exec(apply.out)?.[1];
    assert.equal(undoLine, `parallel-agents undo 'Bob'\\''s repo' ${runId}`);
    assert.equal(t.exists('gen/f400.txt'), true);

    // The printed command, pasted into a shell in the same folder, undoes the apply.
    const undoOut = execFileSync('sh', ['-c', (undoLine as string).replace(/^parallel-agents/, `"${process.execPath}" "${CLI}"`)], {
      cwd: scratch,
      env: userEnv(),
      encoding: 'utf8',
    });
    const undoLines = undoOut.trimEnd().split('\n');
    assert.ok(undoLines.length <= 25, `undo printed ${undoLines.length} lines`);
    assert.match(undoOut, /^Undid the apply of run \S+: 400 files back as before\.$/m);
    assert.match(undoOut, /^ {2}… and 380 more; /m);
    assert.equal(t.exists('gen/f1.txt'), false);

    // From inside the repository (any folder of it) the commands need no folder.
    mkdirSync(path.join(t.dir, 'sub'));
    const again = await runCli(['apply', runId], path.join(t.dir, 'sub'));
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, new RegExp(`^Undo with: parallel-agents undo ${runId}$`, 'm'));
  });
});
