import assert from 'node:assert/strict';
import { ApiGate, ApiGateError, retryAfterMs, type ApiGateState } from '../../../src/agents/apiGate';

const settled = async (p: Promise<unknown>) => {
  let state = 'pending';
  p.then(() => (state = 'resolved'), () => (state = 'rejected'));
  await new Promise((r) => setTimeout(r, 20));
  return state;
};

describe('agents/apiGate', () => {
  let gate: ApiGate;
  let states: ApiGateState[];
  beforeEach(() => {
    gate = new ApiGate({ staggerMs: 30 });
    states = [];
    gate.onDidChangeState((s) => states.push(s));
  });
  afterEach(() => gate.dispose());

  it('lets requests through while open', async () => {
    assert.equal(gate.state.kind, 'open');
    await gate.acquire();
  });

  it('holds every request during a cooldown after a 429', async () => {
    gate.noteRateLimited(150, 'rate limited');
    assert.equal(gate.state.kind, 'cooling');
    const t0 = Date.now();
    await Promise.all([gate.acquire(), gate.acquire()]);
    assert.ok(Date.now() - t0 >= 140, `waited ${Date.now() - t0} ms`);
    assert.deepEqual(states.map((s) => s.kind).slice(0, 2), ['cooling', 'open']);
  });

  it('spaces out the requests released after a cooldown until one succeeds', async () => {
    gate.noteRateLimited(10);
    const times: number[] = [];
    await Promise.all([0, 1, 2].map(() => gate.acquire().then(() => times.push(Date.now()))));
    times.sort((a, b) => a - b);
    assert.ok((times[2] as number) - (times[0] as number) >= 55, `spread ${(times[2] as number) - (times[0] as number)} ms`);
    gate.noteSuccess();
    const t0 = Date.now();
    await Promise.all([gate.acquire(), gate.acquire(), gate.acquire()]);
    assert.ok(Date.now() - t0 < 1000);
  });

  it('trips for good: every request fails with the message', async () => {
    const waiting = gate.acquire();
    gate.trip('set a valid API key', 'auth');
    await waiting; // was already through
    await assert.rejects(gate.acquire(), (e: unknown) => e instanceof ApiGateError && e.kind === 'auth' && /valid API key/.test(e.message));
    assert.equal(gate.isTripped, true);
    gate.resume();
    assert.equal(gate.state.kind, 'tripped', 'resume does not undo a trip');
  });

  it('holds requests while paused and releases them on resume', async () => {
    gate.pause('spendLimit', 'spend limit reached');
    assert.equal(gate.isPaused, true);
    const p = gate.acquire();
    assert.equal(await settled(p), 'pending');
    gate.resume();
    await p;
    assert.deepEqual(states.map((s) => s.kind), ['paused', 'open']);
  });

  it('a paused request fails when the gate trips meanwhile', async () => {
    gate.pause('spendLimit', 'spend limit reached');
    const p = gate.acquire();
    gate.trip('given up');
    await assert.rejects(p, ApiGateError);
  });

  it('resumes a rate-limit pause by itself at resumeAt', async () => {
    gate.pause('rateLimit', 'wait', Date.now() + 60);
    await gate.acquire();
    assert.equal(gate.state.kind, 'open');
  });

  it('stops waiting when the signal aborts', async () => {
    gate.pause('spendLimit', 'x');
    const ac = new AbortController();
    const p = gate.acquire(ac.signal);
    ac.abort();
    await assert.rejects(p, (e: Error) => e.name === 'AbortError');
  });

  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' })), 250);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '120' })), 120_000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:01:00 GMT' }), now), 60_000);
    assert.equal(retryAfterMs(new Headers()), undefined);
  });
});
