// Writes beside the workspace that land in a view's private /tmp or HOME (besideWrites.ts):
// found and named as the worktree fallback names them, caches in HOME's dot-folders left alone.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { besideWrites } from '../../../src/sandbox/besideWrites';

describe('sandbox/besideWrites', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'pa-beside-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const put = (rel: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), 'x');
  };

  it('names files beside the repository and outside a workspace folder, never inside the workspace', () => {
    // The private /tmp as the host holds it; the repository is /tmp/p/repo, the workspace its pkg folder.
    put('tmp/p/stray.txt');
    put('tmp/p/repo/top.txt');
    put('tmp/p/repo/pkg/inside-mount-point.txt');
    put('tmp/other/unrelated.txt');
    const found = besideWrites({ writable: [{ src: path.join(dir, 'tmp'), dst: '/tmp' }], repoRoot: '/tmp/p/repo', workspacePath: '/tmp/p/repo/pkg', home: '/home/u' });
    assert.deepEqual(found, ['../top.txt', '../../stray.txt']);
  });

  it('in a home folder that holds the repository, leaves the dot-folders (caches) out', () => {
    put('home/.npm/_cacache/x');
    put('home/.bashrc');
    put('home/notes.txt');
    const found = besideWrites({ writable: [{ src: path.join(dir, 'home'), dst: '/home/u' }], repoRoot: '/home/u/repo', workspacePath: '/home/u/repo', home: '/home/u' });
    assert.deepEqual(found, ['../notes.txt']);
  });

  it('finds nothing where the repository is under neither private folder', () => {
    put('tmp/p/stray.txt');
    assert.deepEqual(besideWrites({ writable: [{ src: path.join(dir, 'tmp'), dst: '/tmp' }], repoRoot: '/srv/repo', workspacePath: '/srv/repo', home: '/home/u' }), []);
  });
});
