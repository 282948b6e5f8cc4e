// runGitChain: several git commands for one process start, with the same results, errors
// and arguments as one runGit each.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitError } from '../../../src/git/errors';
import { runGitChain } from '../../../src/git/repo';
import { cleanupRepos, makeRepo } from './helpers';

describe('git/runGitChain', () => {
  after(cleanupRepos);

  it("returns the last command's output; the earlier ones' is dropped", async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const r = await runGitChain([['rev-parse', 'HEAD'], ['rev-parse', 'HEAD^{tree}']], t.dir);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout.toString('utf8'), t.git('rev-parse', 'HEAD^{tree}'));
  });

  it('passes every argument through unchanged (quotes, spaces, $, backticks, newlines)', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    const value = `it's "$HOME" \`whoami\` \\ a;b | c\nsecond line`;
    const r = await runGitChain([['config', 'pa.test', value], ['config', '--get', 'pa.test']], t.dir);
    assert.equal(r.stdout.toString('utf8'), `${value}\n`);
  });

  it("stops at the first command that fails, with its exit code and stderr", async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    await assert.rejects(
      runGitChain([['rev-parse', '--verify', 'no-such-branch'], ['config', 'pa.after', 'ran']], t.dir),
      (e: unknown) => e instanceof GitError && e.exitCode === 128 && /fatal: Needed a single revision/.test(e.stderr ?? '') && /failed in/.test(e.message),
    );
    assert.equal(t.git('config', '--default', 'unset', '--get', 'pa.after').trim(), 'unset');
    const r = await runGitChain([['rev-parse', '--verify', 'no-such-branch'], ['config', 'pa.after', 'ran']], t.dir, { anyExitCode: true });
    assert.equal(r.exitCode, 128);
  });

  it('runs every command with the environment given (a temp index), leaving the user\'s index alone', async () => {
    const t = makeRepo({ 'a.txt': 'a\n', 'b/c.txt': 'c\n' });
    const before = t.userState();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pa-chain-'));
    try {
      const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
      const r = await runGitChain([['read-tree', 'HEAD'], ['write-tree']], t.dir, { env });
      assert.equal(r.stdout.toString('utf8').trim(), t.git('rev-parse', 'HEAD^{tree}').trim());
      assert.deepEqual(t.userState(), before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
