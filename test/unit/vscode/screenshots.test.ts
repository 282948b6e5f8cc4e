// Where the UI tests save their screenshots: never into the tracked README pictures
// unless asked (issue 10 §8: `npm run test:all` left the tree dirty).
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
// @ts-expect-error plain ESM helper shared with the scripts (no types)
import * as lib from '../../../scripts/vscode/lib.mjs';

const { screenshotsDir, repoRoot } = lib as { screenshotsDir(env: Record<string, string | undefined>): string; repoRoot: string };
const tracked = join(repoRoot, 'docs', 'screenshots');

describe('vscode/screenshots', () => {
  it('go to an ignored folder by default', () => {
    const dir = screenshotsDir({});
    assert.notEqual(dir, tracked);
    assert.ok(!dir.startsWith(join(repoRoot, 'docs')), dir);
    assert.equal(dir, join(repoRoot, 'test-results', 'screenshots'));
  });

  it('refresh the README pictures only when PA_UPDATE_SCREENSHOTS=1', () => {
    assert.equal(screenshotsDir({ PA_UPDATE_SCREENSHOTS: '1' }), tracked);
    assert.notEqual(screenshotsDir({ PA_UPDATE_SCREENSHOTS: '0' }), tracked);
    assert.equal(screenshotsDir({ PA_SCREENSHOTS_DIR: '/tmp/shots' }), '/tmp/shots');
  });
});
