// `parallel-agents propose` in-process against the fake Messages API (the real SDK over HTTP).
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { parseTaskFileText } from '../../../src/core/taskFile';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { FOUR_STEP_GOAL, fourStepTasks, PLANNER_SCRIPT_ID, plannerDemoScript, propose, proposal } from '../../fake-anthropic/plannerScript';
import { exampleRepo, git } from '../engine/fixture';
import { captureIO } from '../../unit/cli/helpers';

describe('parallel-agents propose', function () {
  this.timeout(30000);
  let fake: FakeAnthropic;
  let repo: { dir: string; cleanup(): void };
  const env = () => ({ ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: fake.baseURL, PARALLEL_AGENTS_MAX_RETRIES: '0' });
  const cli = async (...args: string[]) => {
    const io = captureIO(repo.dir, env());
    const code = await main(['propose', ...args], io);
    return { code, out: io.out, err: io.err };
  };
  afterEach(async () => {
    await fake.close();
    repo.cleanup();
  });

  it('prints the proposal and its plan and writes nothing without --write', async () => {
    fake = await startFakeAnthropic({ script: plannerDemoScript() });
    repo = exampleRepo('four-step');
    const before = readFileSync(path.join(repo.dir, '.agents/tasks.yaml'), 'utf8');
    const r = await cli(FOUR_STEP_GOAL);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Proposed \.agents\/tasks\.yaml for "add unit tests.*" \(round 2 of 2/);
    assert.match(r.out, /Wave 1 {2}docs · {2}lint · {2}tests|Wave 1 {2}docs {2}· {2}lint {2}· {2}tests/);
    assert.match(r.out, /Critical path +tests → changelog/);
    assert.match(r.out, /Expected speedup/);
    assert.match(r.out, /round 1: 4 tasks, valid — 1 warning \(inferred-dependency\)/);
    assert.match(r.err, /Not written\. To save it as \.agents\/tasks\.yaml: add --write \(the current \.agents\/tasks\.yaml is then kept as a backup\)/);
    assert.equal(readFileSync(path.join(repo.dir, '.agents/tasks.yaml'), 'utf8'), before);
    assert.equal(git(repo.dir, 'status', '--porcelain'), '');
  });

  it('--write saves the proposal and keeps the old task file as a backup; --json has proposal, plan and rounds', async () => {
    fake = await startFakeAnthropic({ script: plannerDemoScript() });
    repo = exampleRepo('four-step');
    const before = readFileSync(path.join(repo.dir, '.agents/tasks.yaml'), 'utf8');
    const r = await cli('.', FOUR_STEP_GOAL, '--write', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.status, 'proposed');
    assert.deepEqual(j.rounds.map((x: { valid: boolean; warnings: unknown[] }) => [x.valid, x.warnings.length]), [[true, 1], [true, 0]]);
    assert.deepEqual(j.plan.waves, [['docs', 'lint', 'tests'], ['changelog']]);
    const backups = readdirSync(path.join(repo.dir, '.agents')).filter((f) => f.startsWith('tasks.yaml.bak-'));
    assert.equal(backups.length, 1);
    assert.equal(readFileSync(path.join(repo.dir, '.agents', backups[0] as string), 'utf8'), before);
    assert.deepEqual(j.written, { path: '.agents/tasks.yaml', backups: [{ replaced: '.agents/tasks.yaml', backup: `.agents/${backups[0]}` }] });
    const saved = readFileSync(path.join(repo.dir, '.agents/tasks.yaml'), 'utf8');
    assert.equal(saved, j.proposal);
    assert.ok(parseTaskFileText('.agents/tasks.yaml', saved).taskFile, 'the saved file is a valid task file');
    assert.match(r.err, /It replaces \.agents\/tasks\.yaml, kept as \.agents\/tasks\.yaml\.bak-/);
    // `plan` reads the saved file as any other.
    const io = captureIO(repo.dir);
    assert.equal(await main(['plan'], io), 0, io.err);
  });

  it('exits 1 and writes nothing, even with --write, when no valid proposal comes out', async () => {
    const overlapping = fourStepTasks();
    overlapping.lint = { ...(overlapping.lint as object), owns: ['**'] };
    const again = propose(proposal(overlapping));
    fake = await startFakeAnthropic({ script: { [PLANNER_SCRIPT_ID]: [again, again, again, again, again] } });
    repo = exampleRepo('four-step');
    const r = await cli(FOUR_STEP_GOAL, '--write');
    assert.equal(r.code, 1);
    assert.match(r.err, /no valid task file after 4 of 4 proposals; nothing was written/);
    assert.match(r.out, /No task file for/);
    assert.equal(git(repo.dir, 'status', '--porcelain'), '');
  });

  it('usage errors exit 2; a missing key says what to do', async () => {
    fake = await startFakeAnthropic({ script: {} });
    repo = exampleRepo('four-step');
    const io = captureIO(repo.dir, {});
    assert.equal(await main(['propose'], io), 2);
    assert.match(io.err, /say what the tasks should achieve/);
    assert.equal((await cli('a', 'b', 'c')).code, 2);
    assert.equal((await cli('goal', '--max-tasks', '0')).code, 2);
    const noKey = captureIO(repo.dir, {});
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      assert.equal(await main(['propose', 'do things'], noKey), 1);
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
    }
    assert.match(noKey.err, /needs an API key: set ANTHROPIC_API_KEY/);
    assert.ok(!existsSync(path.join(repo.dir, '.agents/tasks.yaml.bak')));
  });
});
