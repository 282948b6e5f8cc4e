// What a command wrote that is not part of its result (contract C3): `show` and the run
// summary say so, so a task that "changed 0 files" explains itself.
import * as assert from 'node:assert/strict';
import { cleanupRepos, makeRepo } from '../git/helpers';
import { cliIn, recordRun, writeTaskFile } from './fixture';

describe('cli: ignored outputs and writes outside the workspace', () => {
  after(cleanupRepos);

  it('show says a task wrote N ignored files (the first few) and lists writes outside the workspace as violations', async () => {
    const t = makeRepo({ 'a.txt': 'a\n', '.gitignore': 'gen/\n' });
    await recordRun(t.dir, 'succeeded', (base) => ({
      gen: {
        status: 'succeeded',
        kind: 'command',
        owns: ['gen/**'],
        baseCommit: base,
        resultCommit: base,
        changed: [],
        ignoredOutputs: { count: 7, sample: ['gen/a.h', 'gen/b.h', 'gen/c.h', 'gen/d.h', 'gen/e.h'] },
        outsideWrites: ['../x.txt'],
      },
    }));
    const show = await cliIn(t.dir, 'show', 'last');
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, /^ {2}wrote 7 files that git ignores, not part of the result: gen\/a\.h, gen\/b\.h, gen\/c\.h, gen\/d\.h, gen\/e\.h, …$/m);
    assert.match(show.out, /^ {2}gen wrote \.\.\/x\.txt, outside the workspace folder \(not kept\)$/m);
    const json = await cliIn(t.dir, 'show', 'last', '--json');
    assert.equal(json.code, 0);
    const v = JSON.parse(json.out).analysis.violations;
    assert.deepEqual(v.map((x: { path: string; outsideWorkspace?: boolean }) => [x.path, x.outsideWorkspace]), [['../x.txt', true]]);
  });

  it('a real command that writes only ignored files: run and show say so instead of a bare "0 files changed"', async () => {
    const t = makeRepo({ 'a.txt': 'a\n', '.gitignore': 'gen/\n' });
    writeTaskFile(t.dir, { gen: { run: 'mkdir -p gen && for i in 1 2 3 4 5 6 7; do echo $i > gen/h$i.h; done', owns: ['gen/**'] } });
    const run = await cliIn(t.dir, 'run');
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /✓ gen .* 0 files changed\n {6}wrote 7 files that git ignores, not part of the result: gen\/h1\.h, .*, …$/m);
    const show = await cliIn(t.dir, 'show', 'last', 'gen');
    assert.match(show.out, /^ {2}wrote 7 files that git ignores, not part of the result: gen\//m);
  });
});
