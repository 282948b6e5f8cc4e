import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ProposeResult } from '../../../src/engine/propose';
import { backupStamp, ProposalNotValidError, writeProposal } from '../../../src/engine/proposeWrite';

const result = (status: ProposeResult['status'], yaml?: string): ProposeResult => ({
  status,
  goal: 'g',
  taskFilePath: '.agents/tasks.yaml',
  ...(yaml !== undefined && { yaml }),
  warnings: [],
  rounds: [],
  output: '',
  tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
  costUsd: 0,
  turns: 0,
  model: 'm',
});

describe('writeProposal', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pa-propose-write-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const now = new Date('2026-12-01T11:37:05.123Z');

  it('writes a new task file when there is none', async () => {
    const w = await writeProposal(dir, result('proposed', 'version: 1\n'), now);
    assert.deepEqual(w, { path: '.agents/tasks.yaml', backups: [] });
    assert.equal(readFileSync(path.join(dir, '.agents/tasks.yaml'), 'utf8'), 'version: 1\n');
  });

  it('keeps every task file it replaces, and a second save the same second gets its own backup', async () => {
    mkdirSync(path.join(dir, '.agents'));
    writeFileSync(path.join(dir, '.agents/tasks.yaml'), 'old yaml');
    writeFileSync(path.join(dir, '.agents/tasks.json'), '{"old": true}');
    const w = await writeProposal(dir, result('proposed', 'new'), now);
    assert.equal(backupStamp(now), '20261201T113705Z');
    assert.deepEqual(w.backups, [
      { replaced: '.agents/tasks.yaml', backup: '.agents/tasks.yaml.bak-20261201T113705Z' },
      { replaced: '.agents/tasks.json', backup: '.agents/tasks.json.bak-20261201T113705Z' },
    ]);
    assert.equal(readFileSync(path.join(dir, '.agents/tasks.yaml.bak-20261201T113705Z'), 'utf8'), 'old yaml');
    assert.ok(!existsSync(path.join(dir, '.agents/tasks.json')), 'the .json is moved aside so the new file is the one found');
    const again = await writeProposal(dir, result('proposed', 'newer'), now);
    assert.deepEqual(again.backups, [{ replaced: '.agents/tasks.yaml', backup: '.agents/tasks.yaml.bak-20261201T113705Z-2' }]);
    assert.equal(readFileSync(path.join(dir, '.agents/tasks.yaml.bak-20261201T113705Z-2'), 'utf8'), 'new');
  });

  it('never writes a proposal that failed or was cancelled', async () => {
    for (const status of ['failed', 'cancelled'] as const) {
      await assert.rejects(writeProposal(dir, result(status, 'version: 1\n')), ProposalNotValidError);
    }
    assert.ok(!existsSync(path.join(dir, '.agents')));
  });
});
