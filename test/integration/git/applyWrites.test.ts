// Apply's working-tree writes reuse the files they replace as the next writes' temp files
// (SpareFiles, worktreeFiles.ts): every file must end with exactly its bytes and mode, no
// temp file may stay, and a replaced file that is not only ours to reuse (another hard
// link to it, another owner) must never be written into.
import * as assert from 'node:assert/strict';
import { linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, chownSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpareFiles, writeWorkingFile } from '../../../src/git/worktreeFiles';

const TEMP = /\.pa-[0-9a-f]{8}\.tmp$/;

function allFiles(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allFiles(dir, path.join(rel, e.name)) : [path.join(rel, e.name)],
  );
}

describe('git/apply writes: replaced files reused as temp files', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'pa-writes-'));
    for (let i = 0; i < 8; i++) {
      mkdirSync(path.join(root, `d${i}`));
      writeFileSync(path.join(root, `d${i}`, 'f.txt'), `old ${i} `.repeat(i * 50 + 1));
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes every file with its bytes and mode, new ones and links too, and leaves no temp file', async () => {
    const spares = new SpareFiles();
    const want = new Map<string, string>();
    for (let i = 0; i < 8; i++) {
      // shorter and longer than the file reused for it
      const content = `new ${i}\n`.repeat(((i * 37) % 8) * 40 + 1);
      await writeWorkingFile(root, `d${i}/f.txt`, Buffer.from(content), i === 3 ? '100755' : '100644', spares);
      want.set(`d${i}/f.txt`, content);
    }
    await writeWorkingFile(root, 'new/deep/file.txt', Buffer.from('brand new\n'), '100644', spares);
    await writeWorkingFile(root, 'd5/link', Buffer.from('f.txt'), '120000', spares);
    spares.dispose();
    for (const [p, c] of want) assert.equal(readFileSync(path.join(root, p), 'utf8'), c, p);
    assert.equal(readFileSync(path.join(root, 'new/deep/file.txt'), 'utf8'), 'brand new\n');
    assert.equal(readlinkSync(path.join(root, 'd5/link')), 'f.txt');
    assert.equal(lstatSync(path.join(root, 'd3/f.txt')).mode & 0o111, 0o111);
    assert.equal(lstatSync(path.join(root, 'd4/f.txt')).mode & 0o111, 0);
    for (let i = 0; i < 8; i++) assert.equal(lstatSync(path.join(root, `d${i}/f.txt`)).nlink, 1);
    assert.deepEqual(allFiles(root).filter((f) => TEMP.test(f)), []);
  });

  it('never writes into a replaced file that has another hard link (the other name keeps its bytes)', async () => {
    const other = path.join(root, 'elsewhere.txt');
    linkSync(path.join(root, 'd0', 'f.txt'), other);
    const before = readFileSync(other, 'utf8');
    const spares = new SpareFiles();
    for (let i = 0; i < 8; i++) await writeWorkingFile(root, `d${i}/f.txt`, Buffer.from(`new ${i}\n`), '100644', spares);
    spares.dispose();
    assert.equal(readFileSync(other, 'utf8'), before);
    for (let i = 0; i < 8; i++) assert.equal(readFileSync(path.join(root, `d${i}/f.txt`), 'utf8'), `new ${i}\n`);
  });

  it('a file takes the place of one with its own owner only (as root: a file of another user is not reused for ours)', async function () {
    if (process.getuid?.() !== 0) this.skip();
    chownSync(path.join(root, 'd0', 'f.txt'), 4242, 4242);
    const spares = new SpareFiles();
    await writeWorkingFile(root, 'd0/f.txt', Buffer.from('new 0\n'), '100644', spares); // its old file (4242's) is the spare
    await writeWorkingFile(root, 'd1/f.txt', Buffer.from('new 1\n'), '100644', spares); // root's file: not in 4242's
    spares.dispose();
    assert.equal(lstatSync(path.join(root, 'd1/f.txt')).uid, 0);
    assert.equal(readFileSync(path.join(root, 'd1/f.txt'), 'utf8'), 'new 1\n');
  });
});
