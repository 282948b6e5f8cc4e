// run_command end to end: the real SDK against the fake Messages API, real bash processes in
// the worktree fallback view, a real repository, and the task's overlay committed as git does.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startFakeAnthropic, type FakeAnthropic, type FakeTurn } from '../../fake-anthropic';
import { runAgentTask, type AgentTaskResult } from '../../../src/agents/anthropicRunner';
import { ApiGate } from '../../../src/agents/apiGate';
import { processGroupAlive } from '../../../src/core/processGroup';
import type { CommandView } from '../../../src/core/commandView';
import type { Task } from '../../../src/core/taskSchema';
import { ObjectReader } from '../../../src/git/catFileBatch';
import { createRunId } from '../../../src/git/ids';
import { OverlayWorkspace } from '../../../src/git/overlayWorkspace';
import { openRepo, type GitRepo } from '../../../src/git/repo';
import { commitOverlay } from '../../../src/git/resultCommit';
import { createWorktreeCommandView } from '../../../src/git/worktreeCommandView';
import { viewChangesBetween } from '../../../src/git/viewChanges';
import { cleanupRepos, makeRepo, type TestRepo } from '../git/helpers';
import { agentTask, fakeClient, Recorder, until } from './helpers';

const cmd = (command: string, timeout_seconds?: number) => ({
  name: 'run_command',
  input: timeout_seconds === undefined ? { command } : { command, timeout_seconds },
});

describe('agents/run_command (worktree view, fake API over HTTP)', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic | undefined;
  let t: TestRepo;
  let repo: GitRepo;
  let reader: ObjectReader;
  let base: string;
  const views: CommandView[] = [];

  before(async () => {
    t = makeRepo({
      '.gitignore': 'build/\n',
      'src/a.js': 'module.exports = 1;\n',
      'test/old.txt': 'old\n',
      'test/gone.txt': 'gone\n',
      'test/run.sh': 'echo run\n',
      'docs/readme.md': '# docs\n',
    });
    repo = await openRepo(t.dir);
    base = t.git('rev-parse', 'HEAD').trim();
    reader = new ObjectReader(repo);
  });
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
    for (const v of views.splice(0)) await v.dispose();
  });
  after(() => {
    reader.dispose();
    cleanupRepos();
  });

  async function run(
    turns: FakeTurn[],
    opts: { task?: Partial<Task>; signal?: AbortSignal; recorder?: Recorder } = {},
  ): Promise<{ r: AgentTaskResult; ws: OverlayWorkspace; rec: Recorder; results: string[]; view: CommandView }> {
    fake = await startFakeAnthropic({ script: { cmd: turns } });
    const ws = new OverlayWorkspace(repo, reader, base);
    const view = createWorktreeCommandView({ repo, baseCommit: base, runId: createRunId(), viewId: 'cmd', prefix: '', fallbackReason: 'forced by the test' });
    views.push(view);
    const rec = opts.recorder ?? new Recorder();
    const r = await runAgentTask({
      task: agentTask('cmd', ['test/**'], { commands: true, ...opts.task }),
      workspace: ws,
      taskFilePath: '.agents/tasks.yaml',
      dependencies: [],
      client: fakeClient(fake.baseURL),
      gate: new ApiGate(),
      signal: opts.signal ?? new AbortController().signal,
      onProgress: rec.onProgress,
      onTranscript: rec.onTranscript,
      commandView: view,
    });
    const results = rec.of('tool_result').map((e) => (e.data as { content: string }).content);
    return { r, ws, rec, results, view };
  }

  it('a command sees write_file writes, read_file sees its writes, owns decides what is kept', async () => {
    const { r, ws, results } = await run([
      { toolCalls: [{ name: 'write_file', input: { path: 'test/new.txt', content: 'from write_file\n' } }] },
      { toolCalls: [cmd('cat test/new.txt && echo made > test/out.txt && echo sneaky > docs/readme.md && mkdir -p build && echo cache > build/o.txt')] },
      { toolCalls: [{ name: 'read_file', input: { path: 'test/out.txt' } }] },
      { toolCalls: [cmd('cat build/o.txt docs/readme.md')] },
      { text: 'done' },
    ]);
    assert.equal(r.status, 'succeeded', r.error);
    const [, first, read, second] = results as [string, string, string, string];
    assert.match(first, /^Exit code 0 /);
    assert.match(first, /from write_file/);
    assert.match(first, /Files changed \(kept in your work, 1\):\n- wrote test\/out\.txt/);
    assert.match(first, /NOT kept \(1\)[^\n]*\n- wrote docs\/readme\.md: "docs\/readme\.md" is outside what this task owns/);
    assert.equal(read, 'made\n');
    // the ignored output stays for later commands; the write outside owns was undone
    assert.match(second, /cache\n# docs\n/);
    assert.deepEqual(ws.changes().map((c) => c.path), ['test/new.txt', 'test/out.txt']);
    const commit = await commitOverlay(repo, { runId: createRunId(), taskId: 'cmd', baseCommit: base, workspace: ws, message: 'cmd' });
    const files = t.git('ls-tree', '-r', '--name-only', commit).trim().split('\n');
    assert.ok(!files.some((f) => f.startsWith('build/')), files.join(','));
    assert.equal(t.git('show', `${commit}:docs/readme.md`), '# docs\n');
  });

  it('deletes, renames, modes and symbolic links as git', async () => {
    const { r, ws, results } = await run([
      { toolCalls: [cmd('mv test/old.txt test/renamed.txt && rm test/gone.txt && chmod +x test/run.sh && ln -s renamed.txt test/link')] },
      { toolCalls: [{ name: 'read_file', input: { path: 'test/link' } }, cmd('readlink test/link; cat test/link')] },
      { text: 'done' },
    ]);
    assert.equal(r.status, 'succeeded', r.error);
    assert.match(results[0] as string, /deleted test\/gone\.txt/);
    assert.match(results[0] as string, /- symbolic link test\/link -> renamed\.txt/);
    assert.doesNotMatch(results[0] as string, /NOT kept/);
    assert.match(results[1] as string, /^old\n/);
    assert.match(results[2] as string, /Output:\nrenamed\.txt\nold\n/);
    assert.deepEqual(
      ws.changes().map((c) => `${c.kind} ${c.path}`),
      ['delete test/gone.txt', 'write test/link', 'delete test/old.txt', 'write test/renamed.txt', 'write test/run.sh'],
    );
    assert.deepEqual(await ws.entry('test/link'), { kind: 'symlink', target: 'renamed.txt' });
    assert.deepEqual(await ws.entry('test/run.sh'), { kind: 'file', executable: true });
    const commit = await commitOverlay(repo, { runId: createRunId(), taskId: 'cmd', baseCommit: base, workspace: ws, message: 'cmd' });
    assert.match(t.git('ls-tree', commit, 'test/run.sh'), /^100755 /);
    assert.equal(t.git('show', `${commit}:test/renamed.txt`), 'old\n');
    assert.match(t.git('ls-tree', commit, 'test/link'), /^120000 /);
    assert.equal(t.git('cat-file', 'blob', `${commit}:test/link`), 'renamed.txt');
  });

  it('the file tools see a write_file after a command, and a later command sees it too', async () => {
    const { results } = await run([
      { toolCalls: [cmd('echo one > test/x.txt')] },
      { toolCalls: [{ name: 'write_file', input: { path: 'test/x.txt', content: 'two\n' } }, { name: 'delete_file', input: { path: 'test/old.txt' } }] },
      { toolCalls: [cmd('cat test/x.txt; test -e test/old.txt && echo still-there || echo deleted')] },
      { text: 'done' },
    ]);
    assert.match(results[3] as string, /Output:\ntwo\ndeleted\n/);
  });

  it('a timeout ends the command and says so; a flood of output is cut to its tail', async () => {
    const { results } = await run([
      { toolCalls: [cmd('sleep 30', 1)] },
      { toolCalls: [cmd("head -c 100000 /dev/zero | tr '\\0' a; echo; echo THE-END")] },
      { text: 'done' },
    ]);
    assert.match(results[0] as string, /^Timed out after 1\.0 s; the command and everything it started were ended/);
    const flood = results[1] as string;
    assert.match(flood, /Output \(the last 16000 of 100009 bytes; 84009 bytes cut from the start\):/);
    assert.match(flood, /THE-END/);
    assert.ok(flood.length < 17_000, String(flood.length));
  });

  it('cancel ends the whole process tree of a running command', async () => {
    const pidFile = path.join(tmpdir(), `pa-cmd-pid-${process.pid}-${Date.now()}`);
    const ac = new AbortController();
    const rec = new Recorder();
    const running = run([{ toolCalls: [cmd(`echo $$ > ${pidFile}; (sleep 60; echo late) & sleep 60`)] }, { text: 'never' }], {
      signal: ac.signal,
      recorder: rec,
    });
    await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the command to start', 20_000);
    const pgid = Number(readFileSync(pidFile, 'utf8').trim());
    assert.ok(processGroupAlive(pgid));
    ac.abort();
    const { r } = await running;
    assert.equal(r.status, 'cancelled');
    await until(() => !processGroupAlive(pgid), 'the process group to end', 10_000);
  });

  it('says in the tool description that the sandbox is not available, and why', async () => {
    const { r } = await run([{ text: 'done' }]);
    assert.equal(r.status, 'succeeded', r.error);
    const tools = fake?.requests[0]?.tools as { name: string; description: string }[];
    const tool = tools.find((x) => x.name === 'run_command');
    assert.match(tool?.description ?? '', /the sandbox is not available here \(forced by the test\)/);
    assert.match(fake?.requests[0]?.systemText ?? '', /You have the run_command tool/);
  });

  it('in a workspace folder of a larger repository: cwd is the folder; a write beside it is reported as ../ and undone', async () => {
    const view = createWorktreeCommandView({ repo, baseCommit: base, runId: createRunId(), viewId: 'sub', prefix: 'test/', fallbackReason: 'forced by the test' });
    views.push(view);
    const r = await view.run('pwd; echo in > here.txt; echo out > ../src/a.js; echo away > ../../beside.txt', { timeoutMs: 10_000, network: false, maxOutputBytes: 1000 });
    assert.equal(r.exitCode, 0, r.output);
    assert.equal(r.output.trim().split('\n')[0], view.workspacePath.replace(/\/$/, ''));
    assert.deepEqual(r.changes.map((c) => `${c.kind} ${c.path}`), ['write ../src/a.js', 'write here.txt', 'write ../../beside.txt']);
    await view.revert(['../src/a.js', '../../beside.txt']);
    const after = await view.run('cat ../src/a.js here.txt; test -e ../../beside.txt || echo no-beside', { timeoutMs: 10_000, network: false, maxOutputBytes: 1000 });
    assert.equal(after.output, 'module.exports = 1;\nin\nno-beside\n');
    assert.deepEqual(after.changes, []);
  });

  it('viewChangesBetween: what brings a view of one commit to another, inside the workspace folder', async () => {
    t.write('test/dep.txt', 'from a dependency\n');
    t.remove('test/gone.txt');
    t.write('src/a.js', 'outside the folder\n');
    const next = t.commitAll('dependency result');
    try {
      const changes = await viewChangesBetween(repo, base, next, 'test/');
      assert.deepEqual(
        changes.map((c) => (c.kind === 'write' ? `write ${c.path} ${c.content.toString()}` : `${c.kind} ${c.path}`)),
        ['write dep.txt from a dependency\n', 'delete gone.txt'],
      );
      const view = createWorktreeCommandView({ repo, baseCommit: base, runId: createRunId(), viewId: 'dep', prefix: 'test/', fallbackReason: 'forced by the test' });
      views.push(view);
      await view.sync(changes);
      const r = await view.run('cat dep.txt; ls', { timeoutMs: 10_000, network: false, maxOutputBytes: 1000 });
      assert.equal(r.output, 'from a dependency\ndep.txt\nold.txt\nrun.sh\n');
    } finally {
      t.git('reset', '-q', '--hard', base);
    }
  });

  it('an agent without a command view has no run_command', async () => {
    fake = await startFakeAnthropic({ script: { plain: [{ text: 'done' }] } });
    await runAgentTask({
      task: agentTask('plain', ['test/**']),
      workspace: new OverlayWorkspace(repo, reader, base),
      taskFilePath: '.agents/tasks.yaml',
      dependencies: [],
      client: fakeClient(fake.baseURL),
      gate: new ApiGate(),
      signal: new AbortController().signal,
    });
    const tools = fake.requests[0]?.tools as { name: string }[];
    assert.ok(!tools.some((x) => x.name === 'run_command'));
    assert.doesNotMatch(fake.requests[0]?.systemText ?? '', /run_command/);
  });
});
