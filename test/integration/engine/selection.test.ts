import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { captureIO } from '../../unit/cli/helpers';
import { exampleRepo, git } from './fixture';
import { fourStepScript } from './fourStepScript';

describe('engine: task selection, violations and bad input through the CLI', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let repo: ReturnType<typeof exampleRepo>;
  const env = () => ({ ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: fake.baseURL, PARALLEL_AGENTS_MAX_RETRIES: '0' });
  beforeEach(async () => {
    fake = await startFakeAnthropic({ script: fourStepScript(), latencyMs: 20 });
    repo = exampleRepo();
  });
  afterEach(async () => {
    await fake.close();
    repo.cleanup();
  });

  it('--only runs the named tasks and the dependencies they need', async () => {
    const io = captureIO(repo.dir, env());
    assert.equal(await main(['run', '--only', 'changelog', '--json'], io), 0, io.err);
    assert.deepEqual(JSON.parse(io.out).tasks.map((t: { id: string }) => t.id), ['tests', 'changelog']);
  });

  it('--only with an unknown task is refused before anything is written', async () => {
    const io = captureIO(repo.dir, env());
    assert.equal(await main(['run', '--only', 'nope'], io), 1);
    assert.match(io.err, /unknown task "nope"; the task file has tests, docs, lint, changelog/);
    assert.equal(git(repo.dir, 'for-each-ref', 'refs/parallel-agents'), '');
  });

  it('a command task writing outside what it owns is reported as an ownership violation (exit 0: not a conflict)', async () => {
    const tasks = path.join(repo.dir, '.agents/tasks.yaml');
    writeFileSync(tasks, 'version: 1\ntasks:\n  lint:\n    run: node scripts/lint.js src > reports/lint.txt && echo x > stray.txt\n    owns: [reports/**]\n');
    git(repo.dir, 'commit', '-qam', 'only lint');
    const io = captureIO(repo.dir, env());
    assert.equal(await main(['run', '--json'], io), 0, io.err);
    const j = JSON.parse(io.out);
    assert.deepEqual(j.violations, [{ task: 'lint', path: 'stray.txt' }]);
  });

  it("the task file's top-level model is the agents' default; a task's own model wins", async () => {
    writeFileSync(
      path.join(repo.dir, '.agents/tasks.yaml'),
      'version: 1\nmodel: file-default-model\ntasks:\n  tests:\n    prompt: t\n    owns: [test/**]\n  docs:\n    prompt: d\n    owns: [docs/**]\n    model: docs-own-model\n',
    );
    git(repo.dir, 'commit', '-qam', 'models');
    const io = captureIO(repo.dir, env());
    assert.equal(await main(['run', '--json'], io), 0, io.err);
    const modelOf = (task: string) => fake.requests.find((r) => r.taskId === task)?.body.model;
    assert.equal(modelOf('tests'), 'file-default-model');
    assert.equal(modelOf('docs'), 'docs-own-model');
  });

  it('a broken task file: exit 1 with FILE:LINE:COL, no run started', async () => {
    writeFileSync(path.join(repo.dir, '.agents/tasks.yaml'), 'version: 1\ntasks:\n  a:\n    prompt: x\n    owns: [a]\n    dependsOn: [b]\n');
    const io = captureIO(repo.dir, env());
    assert.equal(await main(['run'], io), 1);
    assert.match(io.err, /\.agents\/tasks\.yaml:6:17: task "a" depends on unknown task "b"/);
    assert.equal(git(repo.dir, 'for-each-ref', 'refs/parallel-agents'), '');
  });
});
