// Command tasks (`run:`) and competitive score commands in the run's command views: real runs
// (real git, real processes, real namespaces where detectSandbox() says they work), in the
// sandbox (`sandbox: 'auto'`) and in the forced worktree fallback. "As before" is a result
// tree computed the old way: the command in a `git worktree add` of the base, `git add -A`.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { CommandView } from '../../../src/core/commandView';
import { startRun, type RunOptions, type SandboxFactory } from '../../../src/engine';
import { detectSandbox, SandboxSetupError } from '../../../src/sandbox';
import { processesWith } from '../sandbox/helpers';
import { git, GIT_ENV } from './fixture';

const MODES = ['auto', 'worktree'] as const;

function makeRepo(root: string): string {
  const dir = path.join(root, 'repo');
  const files: Record<string, string> = {
    '.gitignore': 'build/\n',
    'edit.txt': 'one\ntwo\n',
    'gone.txt': 'bye\n',
    'run.sh': 'echo run\n',
    'keep/a.txt': 'a\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  symlinkSync('keep/a.txt', path.join(dir, 'old-link'));
  chmodSync(path.join(dir, 'run.sh'), 0o644);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

function taskFile(dir: string, tasks: Record<string, Record<string, unknown>>): void {
  const lines = ['version: 1', 'tasks:'];
  for (const [id, t] of Object.entries(tasks)) {
    lines.push(`  ${id}:`);
    for (const [k, v] of Object.entries(t)) lines.push(`    ${k}: ${JSON.stringify(v)}`);
  }
  mkdirSync(path.join(dir, '.agents'), { recursive: true });
  writeFileSync(path.join(dir, '.agents/tasks.yaml'), lines.join('\n') + '\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'tasks');
}

/** The old way: the command in a worktree of HEAD, everything staged; the tree. */
function treeTheOldWay(dir: string, command: string): string {
  const wt = mkdtempSync(path.join(tmpdir(), 'pa-old-way-'));
  rmSync(wt, { recursive: true });
  git(dir, 'worktree', 'add', '-q', '--detach', wt, 'HEAD');
  try {
    execFileSync('sh', ['-c', command], { cwd: wt, env: { ...process.env, ...GIT_ENV } });
    git(wt, 'add', '-A');
    return git(wt, 'write-tree').trim();
  } finally {
    git(dir, 'worktree', 'remove', '--force', wt);
  }
}

async function runTasks(dir: string, options: Partial<RunOptions> = {}) {
  const logs: string[] = [];
  const run = await startRun({ workspace: dir, log: (level, m) => logs.push(`${level} ${m}`), ...options });
  const view = await run.done;
  run.dispose();
  return { view, logs, task: (id: string) => view.tasks.find((t) => t.id === id)! };
}

async function hostServer(): Promise<{ url: string; hits: number; close(): Promise<void> }> {
  const s = { hits: 0 } as { url: string; hits: number; close(): Promise<void> };
  const server = http.createServer((_req, res) => {
    s.hits++;
    res.end('from-host');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  s.close = () => new Promise((resolve) => server.close(() => resolve()));
  return s;
}

describe('engine: command tasks and score commands run in command views', function () {
  this.timeout(90_000);
  let root: string;
  let sandbox = false;
  before(async () => {
    sandbox = (await detectSandbox()).available;
    if (!sandbox) console.log("      (the namespaces sandbox is not available here: 'auto' runs use the worktree fallback)");
  });
  beforeEach(() => (root = mkdtempSync(path.join(tmpdir(), 'pa-cmdtask-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  for (const mode of MODES) {
    it(`a write, a delete, a chmod +x, a symlink and a re-pointed link give the same result as in a worktree (sandbox: ${mode})`, async () => {
      const dir = makeRepo(root);
      const command =
        "sed -i 's/two/TWO/' edit.txt && rm gone.txt && chmod +x run.sh && ln -s edit.txt new-link && rm old-link && ln -s gone-now old-link && mkdir -p build && echo out > build/x.js && echo n > keep/new.txt";
      taskFile(dir, { cmd: { run: command, owns: ['**'] } });
      const expected = treeTheOldWay(dir, command);
      const r = await runTasks(dir, { sandbox: mode });
      const t = r.task('cmd');
      assert.equal(t.status, 'succeeded', `${t.error}\n${r.logs.join('\n')}`);
      assert.equal(r.view.commandSandbox?.mode, mode === 'auto' && sandbox ? 'namespaces' : 'worktree');
      assert.equal(git(dir, 'rev-parse', `${t.resultCommit}^{tree}`).trim(), expected);
      assert.deepEqual([...(t.changed ?? [])].sort(), ['edit.txt', 'gone.txt', 'keep/new.txt', 'new-link', 'old-link', 'run.sh']);
      // The ignored output is reported, not committed.
      assert.deepEqual(t.ignoredOutputs, { count: 1, sample: ['build/x.js'] });
      assert.equal(git(dir, 'ls-tree', '-r', '--name-only', t.resultCommit!).includes('build/'), false);
      // No view is left behind.
      assert.equal(git(dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)?.length, 1);
    });
  }

  it('in the sandbox: the command runs in a namespaces view, with the host network by default and none with network: false', async function () {
    if (!sandbox) this.skip();
    const dir = makeRepo(root);
    const server = await hostServer();
    try {
      const fetch = `node -e "fetch('${server.url}').then(r => r.text()).then(t => console.log('GOT', t), e => { console.log('NO-NET', e.cause?.code ?? e.message); process.exit(3); })"`;
      taskFile(dir, {
        online: { run: `test "$PA_SANDBOX" = 1 && ${fetch}`, owns: ['x'] },
        offline: { run: fetch, owns: ['y'], network: false },
      });
      const r = await runTasks(dir, { sandbox: 'auto' });
      assert.equal(r.task('online').status, 'succeeded', r.task('online').error);
      assert.match(r.task('online').output ?? '', /GOT from-host/);
      assert.equal(r.task('offline').status, 'failed');
      assert.match(r.task('offline').output ?? '', /NO-NET/);
      assert.equal(server.hits, 1);
    } finally {
      await server.close();
    }
  });

  it('the forced fallback has the host network too (network: false cannot be enforced there, and the log says so)', async () => {
    const dir = makeRepo(root);
    const server = await hostServer();
    try {
      taskFile(dir, { online: { run: `node -e "fetch('${server.url}').then(r => r.text()).then(t => console.log('GOT', t))"`, owns: ['x'], network: false } });
      const r = await runTasks(dir, { sandbox: 'worktree' });
      assert.equal(r.task('online').status, 'succeeded', r.task('online').error);
      assert.match(r.task('online').output ?? '', /GOT from-host/);
      assert.ok(r.logs.some((l) => /network: false is not enforced/.test(l)), r.logs.join('\n'));
    } finally {
      await server.close();
    }
  });

  for (const mode of MODES) {
    it(`cancel ends the command's whole process tree (sandbox: ${mode})`, async () => {
      const dir = makeRepo(root);
      const marker = `1000.${randomBytes(3).readUIntBE(0, 3)}`;
      taskFile(dir, { slow: { run: `sleep ${marker} & (setsid sleep ${marker} >/dev/null 2>&1 &); sleep ${marker}`, owns: ['x'] } });
      const run = await startRun({ workspace: dir, sandbox: mode });
      while (processesWith(marker).length < 3) await new Promise((r) => setTimeout(r, 20));
      run.cancelTask('slow');
      const v = await run.done;
      run.dispose();
      assert.equal(v.tasks[0]!.status, 'cancelled');
      if (mode === 'auto' && sandbox) assert.deepEqual(processesWith(marker), [], 'the setsid daemon is gone too');
      else assert.deepEqual(processesWith(marker).length <= 1, true, 'the process group is gone (a setsid daemon escapes the fallback)');
    });
  }

  it('a view that cannot be set up fails that command task only, saying what, where and what to do', async () => {
    const dir = makeRepo(root);
    taskFile(dir, { bad: { run: 'echo x > x.txt', owns: ['x.txt'] }, good: { run: 'echo y > y.txt', owns: ['y.txt'] } });
    const factory: SandboxFactory = {
      detect: async () => ({ available: true }),
      async createView(req) {
        if (req.viewId === 'bad') {
          return {
            mode: 'namespaces',
            workspacePath: req.workspacePath,
            sync: async () => undefined,
            revert: async () => undefined,
            run: async () => {
              throw new SandboxSetupError(`The command sandbox for ${req.workspacePath} could not be set up (mount of the overlay failed: Operation not permitted).`);
            },
            dispose: async () => undefined,
          } satisfies CommandView;
        }
        const { createWorktreeCommandView } = await import('../../../src/git');
        return createWorktreeCommandView({ ...req, fallbackReason: 'test' });
      },
    };
    const r = await runTasks(dir, { sandbox: 'auto', sandboxFactory: factory });
    const bad = r.task('bad');
    assert.equal(bad.status, 'failed');
    assert.match(bad.error ?? '', new RegExp(`could not be set up \\(mount of the overlay failed.*\\). The command of task "bad" did not run; .*worktree fallback`));
    assert.equal(r.task('good').status, 'succeeded', r.task('good').error);
    assert.equal(git(dir, 'show', `${r.task('good').resultCommit}:y.txt`), 'y\n');
  });

  it('competitive: attempts and the score command run in views; the score command\'s own changes are dropped', async () => {
    const dir = makeRepo(root);
    taskFile(dir, {
      roll: {
        run: 'echo $$ > roll.txt',
        owns: ['roll.txt'],
        strategy: { type: 'competitive', attempts: 2, score: 'echo scored > score-leftover.txt; cat roll.txt' },
      },
    });
    const r = await runTasks(dir, { sandbox: 'auto' });
    const t = r.task('roll');
    assert.equal(t.status, 'succeeded', `${t.error}\n${r.logs.join('\n')}`);
    const attempts = t.strategy!.competitive!.attempts;
    assert.deepEqual(attempts.map((a) => a.score), attempts.map((a) => Number(git(dir, 'show', `${a.resultCommit}:roll.txt`))));
    assert.deepEqual(t.changed, ['roll.txt']);
    for (const a of attempts) assert.equal(git(dir, 'ls-tree', '--name-only', a.resultCommit!).includes('score-leftover'), false);
    assert.equal(git(dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)?.length, 1);
  });
});
