// Agents' commands in the namespaces sandbox through the engine: a real run (real SDK against
// the fake API, real git, real processes, real namespaces) with `sandbox: 'auto'`. Skipped
// where detectSandbox() says the namespaces cannot run (the worktree fallback has its own
// tests in commands.test.ts).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startRun } from '../../../src/engine';
import { detectSandbox } from '../../../src/sandbox';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { git } from './fixture';

function sandboxRepo(root: string, files: Record<string, string>): string {
  const dir = path.join(root, 'repo');
  for (const [rel, text] of Object.entries({ '.gitignore': 'node_modules/\n', 'src/a.js': 'module.exports = 1;\n', ...files })) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

const run = (command: string) => ({ name: 'run_command', input: { command } });
const lastResult = (fake: FakeAnthropic, id: string) => JSON.stringify(fake.requests.filter((q) => q.taskId === id).at(-1)?.messages);

/** A server on the host's loopback that counts its requests. */
async function countingServer(): Promise<{ port: number; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.end('host-secret');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function findFile(dir: string, name: string): string | undefined {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.name === name && e.isFile()) return p;
    if (e.isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    }
  }
  return undefined;
}

describe('engine: agents run commands in the namespaces sandbox', function () {
  this.timeout(90_000);
  let fake: FakeAnthropic | undefined;
  let root: string;
  let savedHome: string | undefined;
  before(async function () {
    const d = await detectSandbox();
    if (!d.available) {
      console.log(`      (skipped: the namespaces sandbox is not available here: ${d.reason ?? 'no reason given'})`);
      this.skip();
    }
  });
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'pa-sbx-engine-'));
    savedHome = process.env.HOME;
  });
  afterEach(async () => {
    process.env.HOME = savedHome;
    await fake?.close();
    fake = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  it('isolates: sees write_file writes, keeps owned writes only, hides HOME and siblings, no network, read-only node_modules', async () => {
    // A fake HOME for the run, away from the repository's parent folder (which is hidden too).
    const home = mkdtempSync(path.join('/var/tmp', 'pa-sbx-home-'));
    writeFileSync(path.join(home, 'secret.txt'), 'home-secret\n');
    process.env.HOME = home;
    mkdirSync(path.join(root, 'sibling'));
    writeFileSync(path.join(root, 'sibling', 'secret.txt'), 'sibling-secret\n');
    const server = await countingServer();
    try {
      const dir = sandboxRepo(root, {
        '.agents/tasks.yaml': ['version: 1', 'commands: true', 'tasks:', '  one:', '    prompt: one', '    owns: [one/**]', ''].join('\n'),
        'node_modules/dep/index.js': 'module.exports = 41;\n',
      });
      const url = `http://127.0.0.1:${server.port}/from-task`;
      fake = await startFakeAnthropic({
        script: {
          one: [
            { toolCalls: [{ name: 'write_file', input: { path: 'one/in.txt', content: 'from write_file\n' } }] },
            { toolCalls: [run('cat one/in.txt && echo made > one/kept.txt && echo nope > outside.txt && echo done')] },
            { toolCalls: [run(`cat ${home}/secret.txt || echo HOME-HIDDEN; cat ../sibling/secret.txt || echo SIBLING-HIDDEN; echo "home is $HOME"`)] },
            { toolCalls: [run(`node -e "require('http').get('${url}', r => console.log('REACHED')).on('error', e => console.log('NET-FAILED', e.code))"`)] },
            { toolCalls: [run(`node -e "console.log('dep=' + require('dep'))"; touch node_modules/dep/x 2>/dev/null && echo WROTE-DEP || echo DEP-READ-ONLY`)] },
            { text: 'one done' },
          ],
        },
      });
      const logs: string[] = [];
      const r = await startRun({ workspace: dir, apiKey: 'test-key', baseURL: fake.baseURL, maxRetries: 0, sandbox: 'auto', log: (level, m) => logs.push(`${level} ${m}`) });
      const view = await r.done;
      r.dispose();
      const one = view.tasks[0]!;
      assert.equal(one.status, 'succeeded', `${one.error ?? ''}\n${logs.join('\n')}`);
      assert.equal(view.commandSandbox?.mode, 'namespaces', JSON.stringify(view.commandSandbox));
      const requests = fake.requests.filter((q) => q.taskId === 'one').map((q) => JSON.stringify(q.messages));
      const afterCommand = (n: number) => requests[n + 1] ?? '';
      assert.match(afterCommand(1), /from write_file\\ndone/);
      assert.match(afterCommand(1), /NOT kept \(1\)[^"]*outside\.txt/);
      assert.match(afterCommand(2), /HOME-HIDDEN/);
      assert.match(afterCommand(2), /SIBLING-HIDDEN/);
      assert.doesNotMatch(afterCommand(2), /home-secret|sibling-secret/);
      assert.match(afterCommand(3), /Output:\\nNET-FAILED/);
      assert.doesNotMatch(afterCommand(3), /Output:\\nREACHED/);
      assert.deepEqual(server.hits, [], 'the host server saw no request');
      assert.match(afterCommand(4), /dep=41/);
      assert.match(afterCommand(4), /DEP-READ-ONLY/);
      assert.deepEqual([...(one.changed ?? [])].sort(), ['one/in.txt', 'one/kept.txt']);
      assert.equal(git(dir, 'show', `${one.resultCommit}:one/kept.txt`), 'made\n');
      assert.ok(!existsSync(path.join(dir, 'outside.txt')), "the user's workspace is untouched");
      assert.ok(!existsSync(path.join(dir, 'node_modules/dep/x')));
      assert.deepEqual(readdirSync(path.join(dir, '.git/parallel-agents/base/leases')), [], 'the run let go of the shared base');
    } finally {
      await server.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('runs setup once, in the sandbox, and every task uses its output read-only', async () => {
    const server = await countingServer();
    try {
      const dir = sandboxRepo(root, {
        '.agents/tasks.yaml': [
          'version: 1',
          'commands: true',
          // network is on for setup (it installs); the host server counts its runs
          `setup: mkdir -p node_modules/dep && echo 'module.exports = 41;' > node_modules/dep/index.js && node -e "require('http').get('http://127.0.0.1:${server.port}/setup', r => r.resume())"`,
          'tasks:',
          ...['one', 'two', 'three'].flatMap((id) => [`  ${id}:`, `    prompt: ${id}`, `    owns: [${id}/**]`]),
          '',
        ].join('\n'),
      });
      const task = (n: number) => [
        { toolCalls: [run(`node -e "console.log('dep+${n}=' + (require('dep') + ${n}))"; touch node_modules/dep/x 2>/dev/null && echo WROTE-DEP || echo DEP-READ-ONLY`)] },
        { text: 'done' },
      ];
      fake = await startFakeAnthropic({ script: { one: task(1), two: task(2), three: task(3) } });
      const r = await startRun({ workspace: dir, apiKey: 'test-key', baseURL: fake.baseURL, maxRetries: 0, sandbox: 'auto' });
      const view = await r.done;
      r.dispose();
      for (const t of view.tasks) assert.equal(t.status, 'succeeded', `${t.id}: ${t.error ?? ''}`);
      assert.equal(view.commandSandbox?.mode, 'namespaces');
      assert.deepEqual(server.hits, ['/setup'], 'setup ran once');
      for (const [id, n] of [['one', 1], ['two', 2], ['three', 3]] as const) {
        assert.match(lastResult(fake, id), new RegExp(`dep\\+${n}=${41 + n}`), id);
        assert.match(lastResult(fake, id), /DEP-READ-ONLY/, id);
      }
      assert.ok(!existsSync(path.join(dir, 'node_modules')), "setup did not write into the user's workspace");
    } finally {
      await server.close();
    }
  });

  it("a dependent task's commands see its dependencies' results", async () => {
    const dir = sandboxRepo(root, {
      '.agents/tasks.yaml': ['version: 1', 'commands: true', 'tasks:', '  a:', '    prompt: a', '    owns: [a/**]', '  b:', '    prompt: b', '    owns: [b/**]', '    dependsOn: [a]', ''].join('\n'),
    });
    fake = await startFakeAnthropic({
      script: {
        a: [{ toolCalls: [{ name: 'write_file', input: { path: 'a/x.txt', content: 'from a\n' } }] }, { text: 'a done' }],
        b: [{ toolCalls: [run('cat a/x.txt src/a.js')] }, { text: 'b done' }],
      },
    });
    const r = await startRun({ workspace: dir, apiKey: 'test-key', baseURL: fake.baseURL, maxRetries: 0, sandbox: 'auto' });
    const view = await r.done;
    r.dispose();
    for (const t of view.tasks) assert.equal(t.status, 'succeeded', `${t.id}: ${t.error ?? ''}`);
    assert.equal(view.commandSandbox?.mode, 'namespaces');
    assert.match(lastResult(fake, 'b'), /Output:\\nfrom a\\nmodule\.exports = 1;/);
  });

  it('cancelling the run leaves no process of a command behind', async () => {
    const dir = sandboxRepo(root, {
      '.agents/tasks.yaml': ['version: 1', 'commands: true', 'tasks:', '  slow:', '    prompt: slow', '    owns: [slow/**]', ''].join('\n'),
    });
    const marker = `${4000 + (process.pid % 1000)}.25`;
    fake = await startFakeAnthropic({
      script: { slow: [{ toolCalls: [run(`(sleep ${marker} &) ; mkdir -p slow && touch slow/started-${process.pid} && sleep ${marker}`)] }, { text: 'never' }] },
    });
    const controller = new AbortController();
    const r = await startRun({ workspace: dir, apiKey: 'test-key', baseURL: fake.baseURL, maxRetries: 0, sandbox: 'auto', signal: controller.signal });
    const stateDir = path.join(dir, '.git');
    while (!findFile(stateDir, `started-${process.pid}`)) await new Promise((resolve) => setTimeout(resolve, 50));
    const running = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(`sleep ${marker}`));
    assert.ok(running().length >= 1, 'the command is running');
    controller.abort();
    const view = await r.done;
    r.dispose();
    assert.equal(view.commandSandbox?.mode, 'namespaces');
    assert.equal(view.tasks[0]?.status, 'cancelled');
    assert.deepEqual(running(), [], 'no process of the command is left');
  });
});
