// Agents' commands through the engine: a real run (real SDK against the fake API, real git,
// real processes) with `commands`, `setup` and `mounts` in the task file, on the worktree
// fallback (forced, as the sandbox may be missing where the tests run).
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startRun } from '../../../src/engine';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { git } from './fixture';

function commandsRepo(taskFile: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-commands-'));
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  write('.gitignore', 'node_modules/\n');
  write('src/a.js', 'module.exports = 1;\n');
  write('.agents/tasks.yaml', taskFile);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

const run = (command: string) => ({ name: 'run_command', input: { command } });

describe('engine: agents run commands (worktree fallback, forced)', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let dir: string;
  let counter: string;
  afterEach(async () => {
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(counter, { force: true });
  });

  it('runs setup once for several tasks, shares its output, keeps owned command writes, says it fell back', async () => {
    counter = path.join(tmpdir(), `pa-setup-count-${process.pid}-${Date.now()}`);
    dir = commandsRepo(
      [
        'version: 1',
        'commands: true',
        `setup: mkdir -p node_modules/dep && echo 'module.exports = 41;' > node_modules/dep/index.js && echo ran >> ${counter}`,
        'tasks:',
        '  one:',
        '    prompt: one',
        '    owns: [one/**]',
        '  two:',
        '    prompt: two',
        '    owns: [two/**]',
        '  quiet:',
        '    prompt: quiet',
        '    owns: [quiet/**]',
        '    commands: false',
        '',
      ].join('\n'),
    );
    fake = await startFakeAnthropic({
      script: {
        one: [{ toolCalls: [run("mkdir -p one && node -e \"console.log(require('dep') + 1)\" | tee one/out.txt")] }, { text: 'one done' }],
        two: [{ toolCalls: [run("node -e \"console.log(require('dep') + 2)\"")] }, { text: 'two done' }],
        quiet: [{ text: 'quiet done' }],
      },
    });
    const logs: string[] = [];
    const r = await startRun({
      workspace: dir,
      apiKey: 'test-key',
      baseURL: fake.baseURL,
      maxRetries: 0,
      sandbox: 'worktree',
      log: (level, m) => logs.push(`${level} ${m}`),
    });
    const view = await r.done;
    r.dispose();
    const t = new Map(view.tasks.map((x) => [x.id, x]));
    assert.deepEqual([...t.values()].map((x) => [x.id, x.status]), [['one', 'succeeded'], ['two', 'succeeded'], ['quiet', 'succeeded']]);
    assert.equal(readFileSync(counter, 'utf8'), 'ran\n', 'setup ran once');
    const resultOf = (id: string) => JSON.stringify(fake.requests.filter((q) => q.taskId === id).at(-1)?.messages);
    assert.match(resultOf('one'), /Exit code 0[^"]*\\n\\nOutput:\\n42\\n/);
    assert.match(resultOf('two'), /Output:\\n43\\n/);
    assert.deepEqual(t.get('one')?.changed, ['one/out.txt']);
    assert.equal(git(dir, 'show', `${t.get('one')?.resultCommit}:one/out.txt`), '42\n');
    // the task's own `commands: false` beats the top-level one
    const quietTools = fake.requests.find((q) => q.taskId === 'quiet')?.tools as { name: string }[];
    assert.ok(!quietTools.some((x) => x.name === 'run_command'));
    // said once: the log and the run view
    assert.equal(logs.filter((l) => /the sandbox is not available/.test(l)).length, 1, logs.join('\n'));
    assert.equal(view.commandSandbox?.mode, 'worktree');
    assert.match(view.commandSandbox?.reason ?? '', /forced/);
    // nothing left behind: no worktree of the run is registered
    assert.doesNotMatch(git(dir, 'worktree', 'list'), new RegExp(view.runId));
  });

  it('a failing setup fails the agent tasks that need commands, with its output; others run', async () => {
    counter = path.join(tmpdir(), `pa-setup-none-${process.pid}-${Date.now()}`);
    dir = commandsRepo(
      ['version: 1', 'setup: echo broken-setup; exit 3', 'tasks:', '  cmd:', '    prompt: x', '    owns: [x/**]', '    commands: true', '  plain:', '    prompt: y', '    owns: [y/**]', ''].join('\n'),
    );
    fake = await startFakeAnthropic({ script: { cmd: [{ text: 'never' }], plain: [{ text: 'plain done' }] } });
    const r = await startRun({ workspace: dir, apiKey: 'test-key', baseURL: fake.baseURL, maxRetries: 0, sandbox: 'worktree' });
    const view = await r.done;
    r.dispose();
    const t = new Map(view.tasks.map((x) => [x.id, x]));
    assert.equal(t.get('cmd')?.status, 'failed');
    assert.match(t.get('cmd')?.error ?? '', /setup command `echo broken-setup; exit 3` failed \(exit code 3\)[\s\S]*broken-setup/);
    assert.equal(t.get('plain')?.status, 'succeeded');
    assert.ok(!fake.requests.some((q) => q.taskId === 'cmd'), 'the agent never started');
  });

  it('each competitive attempt runs its commands in a view of its own', async () => {
    counter = path.join(tmpdir(), `pa-setup-none-${process.pid}-${Date.now()}`);
    dir = commandsRepo(
      ['version: 1', 'tasks:', '  pick:', '    prompt: x', '    owns: [out/**]', '    commands: true', '    strategy: {type: competitive, attempts: 2, score: cat out/seen}', ''].join('\n'),
    );
    const attempt = (n: number) => [
      { toolCalls: [run(`test -e out/seen && echo shared || echo own; mkdir -p out && echo ${n} > out/seen`)] },
      { text: `attempt ${n} done` },
    ];
    fake = await startFakeAnthropic({ script: { 'pick#1': attempt(1), 'pick#2': attempt(2) } });
    const r = await startRun({ workspace: dir, apiKey: 'test-key', baseURL: fake.baseURL, maxRetries: 0, sandbox: 'worktree' });
    const view = await r.done;
    r.dispose();
    const pick = view.tasks[0]!;
    assert.equal(pick.status, 'succeeded', pick.error);
    for (const id of ['pick#1', 'pick#2']) {
      assert.match(JSON.stringify(fake.requests.filter((q) => q.taskId === id).at(-1)?.messages), /Output:\\nown\\n/, id);
    }
    const attempts = pick.strategy?.competitive?.attempts ?? [];
    assert.deepEqual(attempts.map((a) => git(dir, 'show', `${a.resultCommit}:out/seen`).trim()).sort(), ['1', '2']);
  });
});
