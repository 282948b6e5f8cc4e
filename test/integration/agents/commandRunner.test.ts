// Command tasks: real `sh -c` processes, process-group kill verified through /proc.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommandTask } from '../../../src/agents/commandRunner';
import type { Task } from '../../../src/core/taskSchema';
import { Recorder, until } from './helpers';

function commandTask(run: string, extra: Partial<Task> = {}): Task {
  return { id: 'cmd', kind: 'command', run, owns: ['**'], reads: [], dependsOn: [], line: 1, column: 1, ...extra };
}

/** Alive = exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('agents/runCommandTask', function () {
  let dir: string;
  beforeEach(() => (dir = realpathSync(mkdtempSync(join(tmpdir(), 'pa-cmd-')))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const pidFile = () => join(dir, 'child.pid');
  const readPid = () => Number(readFileSync(pidFile(), 'utf8').trim());

  it('runs in the given directory and captures stdout and stderr into the transcript', async () => {
    const rec = new Recorder();
    const r = await runCommandTask({
      task: commandTask('pwd; echo out; echo err >&2'),
      cwd: dir,
      signal: new AbortController().signal,
      onTranscript: rec.onTranscript,
      onProgress: rec.onProgress,
    });
    assert.equal(r.status, 'succeeded');
    assert.equal(r.exitCode, 0);
    assert.match(r.output, new RegExp(`^${dir}\\n`));
    assert.match(r.output, /out\n/);
    assert.match(r.output, /err\n/);
    assert.equal(rec.of('stdout').map((e) => e.data).join(''), `${dir}\nout\n`);
    assert.equal(rec.of('stderr').map((e) => e.data).join(''), 'err\n');
    assert.ok(rec.progress.length > 0);
  });

  it('fails on a non-zero exit code, with the last lines of output', async () => {
    const r = await runCommandTask({ task: commandTask('echo boom >&2; exit 3'), cwd: dir, signal: new AbortController().signal });
    assert.equal(r.status, 'failed');
    assert.equal(r.exitCode, 3);
    assert.match(r.error ?? '', /Exit code 3:\nboom/);
  });

  it('keeps only the tail of long output', async () => {
    const r = await runCommandTask({
      task: commandTask('i=0; while [ $i -lt 2000 ]; do echo line $i; i=$((i+1)); done'),
      cwd: dir,
      signal: new AbortController().signal,
      maxOutputChars: 100,
    });
    assert.equal(r.output.length, 100);
    assert.match(r.output, /line 1999\n$/);
  });

  it('times out (the task\'s timeoutSeconds), ending the whole process group', async () => {
    const r = await runCommandTask({
      task: commandTask(`sleep 300 & echo $! > ${pidFile()}; sleep 300`, { timeoutSeconds: 0.3 }),
      cwd: dir,
      signal: new AbortController().signal,
    });
    assert.equal(r.status, 'failed');
    assert.match(r.error ?? '', /Timed out after 0.3 s/);
    assert.equal(alive(readPid()), false, 'the background child is gone too');
  });

  it('cancel ends the whole process group and resolves only once it is gone', async () => {
    const ac = new AbortController();
    const running = runCommandTask({ task: commandTask(`sleep 300 & echo $! > ${pidFile()}; sleep 300`), cwd: dir, signal: ac.signal });
    await until(() => existsSync(pidFile()) && readFileSync(pidFile(), 'utf8').trim() !== '', 'the child pid');
    const child = readPid();
    assert.equal(alive(child), true);
    ac.abort();
    const r = await running;
    assert.equal(r.status, 'cancelled');
    assert.equal(alive(child), false);
  });

  it('SIGKILLs members that ignore SIGTERM, after 2 s', async () => {
    const ac = new AbortController();
    const running = runCommandTask({
      task: commandTask(`trap '' TERM; sleep 300 & echo $! > ${pidFile()}; wait`),
      cwd: dir,
      signal: ac.signal,
    });
    await until(() => existsSync(pidFile()) && readFileSync(pidFile(), 'utf8').trim() !== '', 'the child pid');
    const child = readPid();
    const t0 = Date.now();
    ac.abort();
    const r = await running;
    assert.equal(r.status, 'cancelled');
    assert.ok(Date.now() - t0 >= 1900, `resolved after ${Date.now() - t0} ms`);
    assert.equal(alive(child), false);
  });

  it('ends processes left behind after the command itself exits', async () => {
    const r = await runCommandTask({
      task: commandTask(`sleep 300 > /dev/null 2>&1 & echo $! > ${pidFile()}; echo done`),
      cwd: dir,
      signal: new AbortController().signal,
    });
    assert.equal(r.status, 'succeeded');
    assert.equal(alive(readPid()), false);
  });

  it('reports a missing directory and a cancel before start', async () => {
    const missing = await runCommandTask({ task: commandTask('true'), cwd: join(dir, 'nope'), signal: new AbortController().signal });
    assert.equal(missing.status, 'failed');
    assert.match(missing.error ?? '', /Could not start/);
    const ac = new AbortController();
    ac.abort();
    assert.equal((await runCommandTask({ task: commandTask('true'), cwd: dir, signal: ac.signal })).status, 'cancelled');
  });
});
