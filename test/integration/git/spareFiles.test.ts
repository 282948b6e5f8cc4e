// Loose objects put in place through spare files and folders (spareFiles.ts) must be what
// git writes: readable by cat-file, clean under `git fsck --strict`, read-only like git's
// own, in an object folder git can use; an object that is there already keeps its file
// and gets a fresh time, as git refreshes it.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openRepo } from '../../../src/git';
import { objectId, writeLooseObject } from '../../../src/git/looseObjects';
import { spareFiles } from '../../../src/git/spareFiles';
import { cleanupRepos, makeRepo, TEST_GIT_ENV } from './helpers';

const gitIn = (dir: string, args: string[], input: string) => execFileSync('git', args, { cwd: dir, env: TEST_GIT_ENV, input, encoding: 'utf8' });

const sparesIn = (gitDir: string) => readdirSync(path.join(gitDir, 'parallel-agents', 'spare-files'));

describe('git/loose objects through spare files', function () {
  this.timeout(60_000);
  after(cleanupRepos);

  it('objects and object folders come from the spares, and are what git reads and would write', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const repo = await openRepo(t.dir);
    const gitDir = repo.commonDir;
    // The first object finds no spare ready (it is written as before) and starts making them.
    const first = await writeLooseObject(repo, 'blob', Buffer.from('first\n'));
    await spareFiles(repo).settled();
    const spareInodes = new Set(sparesIn(gitDir).filter((n) => n.startsWith('spare-file-')).map((n) => statSync(path.join(gitDir, 'parallel-agents', 'spare-files', n)).ino));
    assert.ok(spareInodes.size > 0);
    // A blob git itself writes, for its file mode.
    const gitsOwn = gitIn(t.dir, ['hash-object', '-w', '--stdin'], 'by git\n').trim();
    const gitMode = statSync(path.join(gitDir, 'objects', gitsOwn.slice(0, 2), gitsOwn.slice(2))).mode & 0o777;

    const contents = ['one\n', 'two\n', 'three\n'].map((s) => Buffer.from(s));
    for (const c of contents) {
      const sha = await writeLooseObject(repo, 'blob', c);
      assert.equal(sha, objectId('blob', c));
      const file = path.join(gitDir, 'objects', sha.slice(0, 2), sha.slice(2));
      assert.ok(spareInodes.has(statSync(file).ino), `${sha} is one of the spares`);
      assert.equal(statSync(file).mode & 0o777, gitMode);
      assert.equal(t.git('cat-file', 'blob', sha), c.toString());
      assert.equal(gitIn(t.dir, ['hash-object', '--stdin'], c.toString()).trim(), sha);
    }
    assert.equal(t.git('cat-file', 'blob', first), 'first\n');
    t.git('fsck', '--strict', '--no-dangling');
  });

  it('a missing object folder is a spare folder renamed into place', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const repo = await openRepo(t.dir);
    const gitDir = repo.commonDir;
    const present = new Set(readdirSync(path.join(gitDir, 'objects')));
    const newFolder = (c: Buffer) => !present.has(objectId('blob', c).slice(0, 2));
    // Contents whose object folders do not exist yet.
    const fresh: Buffer[] = [];
    for (let i = 0; fresh.length < 3; i++) {
      const c = Buffer.from(`content ${i}\n`);
      if (newFolder(c) && !fresh.some((f) => objectId('blob', f).slice(0, 2) === objectId('blob', c).slice(0, 2))) fresh.push(c);
    }
    // The first asks for a folder (made with mkdir), which starts keeping spare folders.
    await writeLooseObject(repo, 'blob', fresh[0] as Buffer);
    await spareFiles(repo).settled();
    const spareFolders = new Map(
      sparesIn(gitDir)
        .filter((n) => n.startsWith('spare-folder-'))
        .map((n) => [statSync(path.join(gitDir, 'parallel-agents', 'spare-files', n)).ino, n]),
    );
    assert.ok(spareFolders.size > 0);
    for (const c of fresh.slice(1)) {
      const sha = await writeLooseObject(repo, 'blob', c);
      assert.ok(spareFolders.has(statSync(path.join(gitDir, 'objects', sha.slice(0, 2))).ino), `objects/${sha.slice(0, 2)} is a spare folder`);
      assert.equal(t.git('cat-file', 'blob', sha), c.toString());
    }
    t.git('fsck', '--strict', '--no-dangling');
  });

  it('an object that exists keeps its file and gets a fresh time; the spare is not left behind', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const repo = await openRepo(t.dir);
    const gitDir = repo.commonDir;
    await writeLooseObject(repo, 'blob', Buffer.from('warm-up\n'));
    await spareFiles(repo).settled();
    const sha = gitIn(t.dir, ['hash-object', '-w', '--stdin'], 'old\n').trim();
    const file = path.join(gitDir, 'objects', sha.slice(0, 2), sha.slice(2));
    const old = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    utimesSync(file, old, old);
    const before = statSync(file);
    const spares = sparesIn(gitDir).length;
    assert.equal(await writeLooseObject(repo, 'blob', Buffer.from('old\n')), sha);
    const after = statSync(file);
    assert.equal(after.ino, before.ino);
    assert.ok(after.mtimeMs > before.mtimeMs + 24 * 3600 * 1000);
    // one spare taken and removed (its refill may not have landed yet)
    assert.ok(sparesIn(gitDir).length <= spares);
    await spareFiles(repo).settled();
    t.git('fsck', '--strict', '--no-dangling');
  });

  it('objects on another file system than the spares stop the spares at the first one that cannot be linked', async function () {
    // tmpfs beside the temp folder's file system: `.git/objects` becomes a link to it.
    const other = '/dev/shm';
    if (!existsSync(other) || statSync(other).dev === statSync(os.tmpdir()).dev) this.skip();
    const t = makeRepo({ 'a.txt': 'a\n' });
    const repo = await openRepo(t.dir);
    const gitDir = repo.commonDir;
    const away = mkdtempSync(path.join(other, 'pa-objects-'));
    try {
      cpSync(path.join(gitDir, 'objects'), path.join(away, 'objects'), { recursive: true });
      rmSync(path.join(gitDir, 'objects'), { recursive: true, force: true });
      symlinkSync(path.join(away, 'objects'), path.join(gitDir, 'objects'));
      // The first finds no spare and starts making them, on the state dir's file system.
      await writeLooseObject(repo, 'blob', Buffer.from('first\n'));
      await spareFiles(repo).settled();
      assert.ok(sparesIn(gitDir).some((n) => n.startsWith('spare-file-')), 'spares were made');
      // The next takes one, cannot link it across, and is written in place.
      const contents = ['one\n', 'two\n', 'three\n'].map((c) => Buffer.from(c));
      for (const c of contents) {
        const sha = await writeLooseObject(repo, 'blob', c);
        assert.equal(t.git('cat-file', 'blob', sha), c.toString());
        await spareFiles(repo).settled();
        assert.deepEqual(
          sparesIn(gitDir).filter((n) => n.startsWith('spare-file-')),
          [],
          'no spare is kept, nor made again, once one could not be linked',
        );
      }
      t.git('fsck', '--strict', '--no-dangling');
    } finally {
      rmSync(away, { recursive: true, force: true });
    }
  });
});
