// Connections opened ahead (src/agents/connections.ts) against a real HTTP server: the
// requests that follow use them, they count with the idle ones, and one nobody takes, or
// one that fails, costs nothing.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { nodeFetch } from '../../../src/agents';
import { preconnect } from '../../../src/agents/connections';

describe('agents/connections: preconnect', () => {
  let server: http.Server;
  let base: string;
  /** The server side of every connection, in the order they were accepted. */
  let accepted: Socket[];
  /** The client port of the connection each request came on. */
  let requestPorts: number[];
  let onAccept: () => void;

  beforeEach(async () => {
    accepted = [];
    requestPorts = [];
    onAccept = () => undefined;
    server = http.createServer((req, res) => {
      requestPorts.push(req.socket.remotePort ?? 0);
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    server.on('connection', (s: Socket) => {
      accepted.push(s);
      onAccept();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const acceptedCount = (n: number): Promise<void> =>
    new Promise((resolve) => {
      const check = () => {
        if (accepted.length >= n) resolve();
      };
      onAccept = check;
      check();
    });
  const post = async (path: string): Promise<string> => (await nodeFetch(`${base}${path}`, { method: 'POST', body: 'x' })).text();

  it('opens the connections the next requests are sent on', async () => {
    assert.equal(preconnect(base, 3), 3);
    await acceptedCount(3);
    assert.deepEqual(await Promise.all([post('/a'), post('/b'), post('/c')]), ['ok', 'ok', 'ok']);
    assert.equal(accepted.length, 3, 'no connection beside the three opened ahead');
    assert.deepEqual([...requestPorts].sort(), accepted.map((s) => s.remotePort).sort(), 'each request came on one of them');
  });

  it('counts the idle keep-alive connections and those already waiting', async () => {
    await post('/warm');
    assert.equal(accepted.length, 1);
    assert.equal(preconnect(base, 1), 0, 'the idle one is enough');
    assert.equal(preconnect(base, 2), 1);
    assert.equal(preconnect(base, 2), 0, 'one idle, one waiting');
    await acceptedCount(2);
    assert.deepEqual(await Promise.all([post('/a'), post('/b')]), ['ok', 'ok']);
    assert.equal(accepted.length, 2);
  });

  it('closes a connection nobody takes once it has been idle', async () => {
    assert.equal(preconnect(base, 1, { idleMs: 20 }), 1);
    await acceptedCount(1);
    await new Promise<void>((resolve) => (accepted[0] as Socket).once('close', () => resolve()));
    // The next request makes a connection of its own and is answered.
    assert.equal(await post('/after'), 'ok');
    assert.equal(accepted.length, 2);
  });

  it('a connection that cannot be made is no error: the request fails as it would have', async () => {
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    assert.equal(preconnect(`http://127.0.0.1:${port}`, 1), 1);
    await assert.rejects(nodeFetch(`http://127.0.0.1:${port}/v1/messages`, { method: 'POST', body: 'x' }), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
    // Once the failed one is gone, the next attempt is refused the same way, and nothing was thrown on its own.
    assert.equal(preconnect(`http://127.0.0.1:${port}`, 1), 1);
    await new Promise((r) => setImmediate(r));
    await assert.rejects(nodeFetch(`http://127.0.0.1:${port}/v1/messages`, { method: 'POST', body: 'x' }), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
  });

  it('leaves URLs alone that nodeFetch does not send on', () => {
    assert.equal(preconnect('not a url', 2), 0);
    assert.equal(preconnect('file:///tmp/x', 2), 0);
    assert.equal(preconnect(base, 0), 0);
    assert.equal(accepted.length, 0);
  });
});
