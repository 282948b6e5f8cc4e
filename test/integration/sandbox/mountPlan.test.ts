// The host part of a mount plan is reused between views; it must follow the host when a folder
// the walk listed changes (a new file next to a hidden folder is bound, a removed one is not).
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planMounts } from '../../../src/sandbox/mountPlan';

describe('sandbox/mount plan: reused between views, never stale', () => {
  let dir: string;
  beforeEach(() => {
    // Not under /tmp: the sandbox gives /tmp its own folder, the walk never lists it.
    dir = mkdtempSync(path.join(existsSync('/var/tmp') ? '/var/tmp' : os.homedir(), 'pa-mount-plan-'));
    mkdirSync(path.join(dir, 'hidden'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const plan = (view: string) =>
    planMounts({
      root: path.join(dir, view, 'root'),
      overlay: { lower: [path.join(dir, 'lower')], upper: path.join(dir, view, 'upper'), work: path.join(dir, view, 'work'), target: path.join(dir, 'ws') },
      hidden: [path.join(dir, 'hidden')],
      home: { src: path.join(dir, view, 'home'), dst: '/home/sandbox' },
      tmp: path.join(dir, view, 'tmp'),
      pathEntries: [],
      viewMounts: [],
    });
  const bound = (p: ReturnType<typeof plan>) => p.readOnly.map((r) => r.src);

  it('gives each view its own paths and sees a file that appeared beside a hidden folder', () => {
    writeFileSync(path.join(dir, 'first.txt'), '1');
    const a = plan('a');
    assert.ok(bound(a).includes(path.join(dir, 'first.txt')));
    assert.ok(!bound(a).some((p) => p.startsWith(path.join(dir, 'hidden'))));
    writeFileSync(path.join(dir, 'second.txt'), '2');
    rmSync(path.join(dir, 'first.txt'));
    const b = plan('b');
    assert.equal(b.root, path.join(dir, 'b', 'root'));
    assert.equal(b.writable[0]?.src, path.join(dir, 'b', 'tmp'));
    assert.ok(bound(b).includes(path.join(dir, 'second.txt')), 'a new file next to the hidden folder is bound');
    assert.ok(!bound(b).includes(path.join(dir, 'first.txt')), 'a removed file is no longer bound');
  });
});
