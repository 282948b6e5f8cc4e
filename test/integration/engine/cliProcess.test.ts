import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { exampleRepo, git } from './fixture';
import { fourStepScript } from './fourStepScript';

const cli = path.resolve(__dirname, '../../../dist/cli.js');

describe('cli process: Ctrl-C during a run (the built dist/cli.js)', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let repo: ReturnType<typeof exampleRepo>;
  before(function () {
    if (!existsSync(cli)) this.skip(); // `npm test` builds first; a bare mocha run may not have
  });
  beforeEach(async () => {
    fake = await startFakeAnthropic({ script: fourStepScript(), latencyMs: 1500 });
    repo = exampleRepo();
  });
  afterEach(async () => {
    await fake.close();
    repo.cleanup();
  });

  it('cancels cleanly, keeps the finished command task, exits 1 and leaves the tree alone', async () => {
    const child = spawn(process.execPath, [cli, 'run', '.', '--json'], {
      cwd: repo.dir,
      env: { ...process.env, ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: fake.baseURL, PARALLEL_AGENTS_MAX_RETRIES: '0' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // Interrupt once lint (a shell command) has its result commit and the agents are mid-request.
    const lintDone = () => git(repo.dir, 'for-each-ref', '--format=%(refname)', 'refs/parallel-agents/').includes('/tasks/lint');
    while (!lintDone() || fake.requests.length < 2) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 1, err);
    assert.match(err, /cancelling \(finished work is kept\)/);
    const j = JSON.parse(out);
    const status = Object.fromEntries(j.tasks.map((t: { id: string; status: string }) => [t.id, t.status]));
    assert.deepEqual(status, { tests: 'cancelled', docs: 'cancelled', lint: 'succeeded', changelog: 'cancelled' });
    assert.equal(j.tasks.find((t: { id: string }) => t.id === 'tests').error, 'cancelled with Ctrl-C');
    // The finished task's result is a commit under the run's refs; the working tree is as it was.
    assert.match(git(repo.dir, 'for-each-ref', '--format=%(refname)', `refs/parallel-agents/${j.runId}/tasks/lint`), /lint/);
    assert.equal(git(repo.dir, 'status', '--porcelain'), '');
  });
});
