import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { processesWith, RUN, requireSandbox, sandboxFixture, type SandboxFixture } from './helpers';

describe('sandbox/processes: timeout, cancel, daemons, floods', function () {
  let f: SandboxFixture;
  before(async function () {
    await requireSandbox(this);
    f = await sandboxFixture({ 'a.txt': 'a\n' });
  });
  after(async () => f?.cleanup());

  // A sleep whose command line no other process has: `sleep 1000.<random>`.
  const marker = () => `1000.${randomBytes(3).readUIntBE(0, 3)}`;

  it('ends the whole process tree on timeout, daemons included', async () => {
    const v = await f.view();
    const m = marker();
    const r = await v.run(`(setsid sleep ${m} &) ; sleep ${m} & echo started; echo x > a.txt; sleep ${m}`, { ...RUN, timeoutMs: 1500 });
    assert.equal(r.timedOut, true);
    assert.equal(r.cancelled, false);
    assert.equal(r.exitCode, null);
    assert.match(r.output, /started/);
    assert.deepEqual(processesWith(m), []);
    // What it changed before the end is still read back.
    assert.deepEqual(r.changes.map((c) => c.path), ['a.txt']);
  });

  it('ends the whole process tree on cancel and resolves', async () => {
    const v = await f.view();
    const m = marker();
    const ac = new AbortController();
    const p = v.run(`sleep ${m} & nohup sleep ${m} >/dev/null 2>&1 & echo up; wait`, {
      ...RUN,
      signal: ac.signal,
      onOutput: (chunk) => {
        if (chunk.includes('up')) ac.abort();
      },
    });
    const r = await p;
    assert.equal(r.cancelled, true);
    assert.equal(r.timedOut, false);
    assert.deepEqual(processesWith(m), []);
  });

  it('ends what a command left running when its shell exits', async () => {
    const v = await f.view();
    const m = marker();
    const r = await v.run(`(setsid sleep ${m} >/dev/null 2>&1 &); echo done`, RUN);
    assert.equal(r.exitCode, 0);
    assert.deepEqual(processesWith(m), []);
  });

  it('keeps the tail of a flood of output and counts all of it', async () => {
    const v = await f.view();
    const r = await v.run('head -c 5000000 /dev/zero | tr "\\0" x; echo; echo THE-END', { ...RUN, maxOutputBytes: 1000 });
    assert.equal(r.exitCode, 0);
    assert.equal(r.outputBytes, 5_000_000 + 1 + 'THE-END\n'.length);
    assert.ok(Buffer.byteLength(r.output) <= 1000);
    assert.match(r.output, /THE-END\n$/);
  });

  it('reports the exit code of a failing command', async () => {
    const v = await f.view();
    const r = await v.run('echo out; echo err >&2; exit 7', RUN);
    assert.equal(r.exitCode, 7);
    assert.match(r.output, /out/);
    assert.match(r.output, /err/);
  });

  it('a timeout too large for a timer (none, for a command task) does not end the command at once', async () => {
    const v = await f.view();
    for (const timeoutMs of [Number.POSITIVE_INFINITY, 2 ** 40]) {
      const r = await v.run('sleep 0.3; echo finished', { ...RUN, timeoutMs });
      assert.equal(r.timedOut, false, `timeoutMs ${timeoutMs}`);
      assert.equal(r.exitCode, 0);
      assert.match(r.output, /finished/);
    }
  });

  it('tells stdout from stderr in its live output', async () => {
    const v = await f.view();
    const seen: string[] = [];
    await v.run('echo out; sleep 0.1; echo err >&2', { ...RUN, onOutput: (chunk, stream) => seen.push(`${stream}:${chunk}`) });
    assert.deepEqual(seen, ['stdout:out\n', 'stderr:err\n']);
  });
});
