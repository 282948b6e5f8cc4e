// The engine's own refs written as loose files (looseRefs.ts) must be what
// `git update-ref <ref> <sha>` leaves: the same file, content and mode, read back by git,
// over a loose or packed ref of that name; and where git refuses (a packed or loose ref in
// the way of the name, a held lock, a missing object) the update still fails as git's does.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openRepo, type GitRepo } from '../../../src/git';
import { updateRef } from '../../../src/git/objects';
import { spareFiles } from '../../../src/git/spareFiles';
import { cleanupRepos, makeRepo, type TestRepo } from './helpers';

async function ready(t: TestRepo): Promise<{ repo: GitRepo; head: string; refFile: (ref: string) => string }> {
  const repo = await openRepo(t.dir);
  spareFiles(repo).prime();
  await spareFiles(repo).settled();
  return { repo, head: t.git('rev-parse', 'HEAD').trim(), refFile: (ref) => path.join(repo.commonDir, ...ref.split('/')) };
}

const spareInodes = (repo: GitRepo) => {
  const dir = path.join(repo.stateDir, 'spare-files');
  return new Set(
    readdirSync(dir).map((n) => statSync(path.join(dir, n)).ino),
  );
};

describe('git/loose refs written without git', function () {
  this.timeout(60_000);
  after(cleanupRepos);

  it('a new ref is the file git writes, from a spare, and git reads it', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const { repo, head, refFile } = await ready(t);
    const inodes = spareInodes(repo);
    const ref = 'refs/parallel-agents/20261201-000000-abcd/tasks/t1';
    await updateRef(repo, ref, head, 'test');
    assert.ok(inodes.has(statSync(refFile(ref)).ino), 'written through a spare file');
    assert.equal(readFileSync(refFile(ref), 'utf8'), `${head}\n`);
    assert.ok(!existsSync(`${refFile(ref)}.lock`));
    t.git('update-ref', 'refs/parallel-agents/20261201-000000-abcd/tasks/by-git', head);
    assert.equal(statSync(refFile(ref)).mode, statSync(refFile('refs/parallel-agents/20261201-000000-abcd/tasks/by-git')).mode);
    assert.equal(t.git('rev-parse', ref).trim(), head);
    assert.equal(t.git('for-each-ref', '--format=%(refname) %(objectname)', 'refs/parallel-agents/').trim().split('\n').length, 2);
    t.git('fsck', '--strict', '--no-dangling');
  });

  it('a loose or a packed ref of that name is replaced, as update-ref replaces it', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const first = t.git('rev-parse', 'HEAD').trim();
    t.write('b.txt', 'b\n');
    const second = t.commitAll('second');
    const { repo } = await ready(t);
    const loose = 'refs/parallel-agents/r/tasks/loose';
    const packed = 'refs/parallel-agents/r/tasks/packed';
    t.git('update-ref', loose, first);
    t.git('update-ref', packed, first);
    t.git('pack-refs', '--all');
    t.git('update-ref', loose, first);
    await updateRef(repo, loose, second, 'test');
    await updateRef(repo, packed, second, 'test');
    assert.equal(t.git('rev-parse', loose).trim(), second);
    assert.equal(t.git('rev-parse', packed).trim(), second);
    // once the packed-refs file is rewritten without them, git still finds the new values
    t.git('pack-refs', '--all');
    assert.equal(t.git('rev-parse', packed).trim(), second);
    t.git('fsck', '--strict', '--no-dangling');
  });

  it('where git refuses, the update fails as it does, and leaves no lock behind', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const { repo, head, refFile } = await ready(t);
    // a packed ref inside the name's folder
    t.git('update-ref', 'refs/parallel-agents/r/tasks/x/y', head);
    t.git('pack-refs', '--all');
    await assert.rejects(updateRef(repo, 'refs/parallel-agents/r/tasks/x', head, 'test'), /refs\/parallel-agents\/r\/tasks\/x/);
    assert.ok(!existsSync(refFile('refs/parallel-agents/r/tasks/x')));
    // a loose ref where a folder of the name must be
    t.git('update-ref', 'refs/parallel-agents/r/extra/t', head);
    await assert.rejects(updateRef(repo, 'refs/parallel-agents/r/extra/t/attempts/2', head, 'test'), /refs\/parallel-agents\/r\/extra\/t\/attempts\/2/);
    // a loose ref below the name
    t.git('update-ref', 'refs/parallel-agents/r/tasks/z/w', head);
    await assert.rejects(updateRef(repo, 'refs/parallel-agents/r/tasks/z', head, 'test'), /refs\/parallel-agents\/r\/tasks\/z/);
    assert.equal(t.git('rev-parse', 'refs/parallel-agents/r/tasks/z/w').trim(), head);
    // a lock held by someone else: theirs stays
    const held = 'refs/parallel-agents/r/tasks/held';
    writeFileSync(`${refFile(held)}.lock`, '');
    await assert.rejects(updateRef(repo, held, head, 'test'), /refs\/parallel-agents\/r\/tasks\/held/);
    assert.ok(existsSync(`${refFile(held)}.lock`));
    assert.ok(!existsSync(refFile(held)));
    // an object that is not there
    await assert.rejects(updateRef(repo, 'refs/parallel-agents/r/tasks/none', 'e'.repeat(40), 'test'), /refs\/parallel-agents\/r\/tasks\/none/);
    assert.ok(!existsSync(refFile('refs/parallel-agents/r/tasks/none')));
    t.git('fsck', '--strict', '--no-dangling');
  });
});
