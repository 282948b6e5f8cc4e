import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKept, writeKept } from '../../../src/vscode/keptFiles';

describe('vscode/keptFiles', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pa-kept-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('puts back what it read: bytes, the executable bit, and a file that did not exist', async () => {
    mkdirSync(join(root, 'd'));
    writeFileSync(join(root, 'd', 'run.sh'), '#!/bin/sh\r\necho resolved\r\n', { mode: 0o755 });
    writeFileSync(join(root, 'gone.txt'), 'x');
    rmSync(join(root, 'gone.txt'));
    const kept = await readKept(root, ['d/run.sh', 'gone.txt']);
    // What an undo does to them: old content, a recreated file.
    writeFileSync(join(root, 'd', 'run.sh'), 'old\n', { mode: 0o644 });
    rmSync(join(root, 'd'), { recursive: true });
    writeFileSync(join(root, 'gone.txt'), 'before the apply');
    await writeKept(root, kept);
    assert.equal(readFileSync(join(root, 'd', 'run.sh'), 'utf8'), '#!/bin/sh\r\necho resolved\r\n');
    assert.equal(statSync(join(root, 'd', 'run.sh')).mode & 0o777, 0o755);
    assert.equal(existsSync(join(root, 'gone.txt')), false);
  });
});
