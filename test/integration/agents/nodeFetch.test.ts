// nodeFetch (src/agents/nodeFetch.ts), the agents' fetch, against a real HTTP server.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeFetch } from '../../../src/agents';

interface Seen {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  port: number;
}

describe('agents/nodeFetch', () => {
  let server: http.Server;
  let base: string;
  const seen: Seen[] = [];
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;

  beforeEach(async () => {
    seen.length = 0;
    server = http.createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', headers: req.headers, body: Buffer.concat(parts).toString('utf8'), port: req.socket.remotePort ?? 0 });
        handler(req, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('sends the method, headers and body; answers with the status, every header and the body', async () => {
    handler = (_req, res) => {
      res.writeHead(201, [
        ['content-type', 'application/json'],
        ['x-twice', 'a'],
        ['x-twice', 'b'],
      ]);
      res.end('{"ok":true}');
    };
    const res = await nodeFetch(`${base}/v1/messages?beta=true`, {
      method: 'POST',
      headers: new Headers({ 'content-type': 'application/json', authorization: 'Bearer k' }),
      body: '{"hello":"wörld"}',
    });
    assert.equal(res.status, 201);
    assert.equal(res.ok, true);
    assert.equal(res.headers.get('x-twice'), 'a, b');
    assert.deepEqual(await res.json(), { ok: true });
    assert.equal(seen[0]?.method, 'POST');
    assert.equal(seen[0]?.headers['authorization'], 'Bearer k');
    assert.equal(seen[0]?.headers['content-length'], String(Buffer.byteLength('{"hello":"wörld"}')));
    assert.equal(seen[0]?.body, '{"hello":"wörld"}');
  });

  it('streams the body as it arrives, before the response has ended', async () => {
    let finish: () => void = () => undefined;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: one\n\n');
      finish = () => res.end('event: two\n\n');
    };
    const res = await nodeFetch(`${base}/stream`, { method: 'POST', body: 'x' });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    assert.equal(new TextDecoder().decode(first.value), 'event: one\n\n');
    finish();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    assert.equal(rest, 'event: two\n\n');
  });

  describe('a successful event stream (the body the SDK iterates)', () => {
    const sse = (res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'text/event-stream' });
    const decode = (c: Uint8Array) => new TextDecoder().decode(c);
    const iterate = (res: Response) => (res.body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();

    it('hands out the chunks by async iteration as they arrive, before the response has ended', async () => {
      let finish: () => void = () => undefined;
      handler = (_req, res) => {
        sse(res);
        res.write('event: one\n\n');
        finish = () => res.end('event: two\n\n');
      };
      const res = await nodeFetch(`${base}/stream`, { method: 'POST', body: 'x' });
      assert.equal(res.status, 200);
      assert.equal(res.ok, true);
      assert.equal(res.headers.get('content-type'), 'text/event-stream');
      assert.equal(res.bodyUsed, false);
      assert.equal(res.body?.locked, false);
      const it = iterate(res);
      const first = await it.next();
      assert.equal(decode(first.value as Uint8Array), 'event: one\n\n');
      assert.equal(res.bodyUsed, true);
      assert.equal(res.body?.locked, true);
      finish();
      let rest = '';
      for (let r = await it.next(); !r.done; r = await it.next()) rest += decode(r.value);
      assert.equal(rest, 'event: two\n\n');
      await assert.rejects(res.text(), TypeError);
    });

    it('reads the whole body with text(), json() and a clone, as fetch does', async () => {
      handler = (_req, res) => {
        sse(res);
        res.end('{"a":1}');
      };
      assert.equal(await (await nodeFetch(`${base}/s`, { method: 'POST', body: 'x' })).text(), '{"a":1}');
      assert.deepEqual(await (await nodeFetch(`${base}/s`, { method: 'POST', body: 'x' })).json(), { a: 1 });
      const res = await nodeFetch(`${base}/s`, { method: 'POST', body: 'x' });
      const copy = res.clone();
      assert.equal(await copy.text(), '{"a":1}');
      assert.equal(await res.text(), '{"a":1}');
    });

    it('errors the iteration with the abort reason when aborted while the body streams', async () => {
      handler = (_req, res) => {
        sse(res);
        res.write('part');
      };
      const ac = new AbortController();
      const res = await nodeFetch(`${base}/a`, { method: 'POST', body: 'x', signal: ac.signal });
      const it = iterate(res);
      await it.next();
      const pending = it.next();
      ac.abort();
      await assert.rejects(pending, { name: 'AbortError' });
      assert.deepEqual(await it.next(), { value: undefined, done: true });
    });

    it('errors the iteration when the connection breaks off mid-body', async () => {
      handler = (_req, res) => {
        sse(res);
        res.write('part', () => setTimeout(() => res.socket?.destroy(), 20));
      };
      const res = await nodeFetch(`${base}/a`, { method: 'POST', body: 'x' });
      const it = iterate(res);
      assert.equal(decode((await it.next()).value as Uint8Array), 'part');
      await assert.rejects(it.next(), /closed before the response was complete|aborted|socket hang up/);
    });

    it('closes the connection when the reader stops early', async () => {
      let closed: () => void = () => undefined;
      const wasClosed = new Promise<void>((r) => (closed = r));
      handler = (_req, res) => {
        sse(res);
        res.write('part');
        res.on('close', () => closed());
      };
      const res = await nodeFetch(`${base}/a`, { method: 'POST', body: 'x' });
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        assert.equal(decode(chunk), 'part');
        break;
      }
      await wasClosed;
    });

    it('lets a consumer take the body as a ReadableStream instead', async () => {
      handler = (_req, res) => {
        sse(res);
        res.write('a');
        setTimeout(() => res.end('b'), 10);
      };
      const res = await nodeFetch(`${base}/a`, { method: 'POST', body: 'x' });
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      let all = '';
      for (let r = await reader.read(); !r.done; r = await reader.read()) all += decode(r.value);
      assert.equal(all, 'ab');
    });
  });

  it('keeps the connection alive between requests', async () => {
    handler = (_req, res) => res.end('ok');
    for (let i = 0; i < 3; i++) assert.equal(await (await nodeFetch(`${base}/a`, { method: 'POST', body: String(i) })).text(), 'ok');
    assert.equal(new Set(seen.map((s) => s.port)).size, 1);
  });

  it('rejects with the abort reason when the signal is aborted before, and sends nothing', async () => {
    handler = (_req, res) => res.end('ok');
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(nodeFetch(`${base}/a`, { method: 'POST', body: 'x', signal: ac.signal }), { name: 'AbortError' });
    assert.equal(seen.length, 0);
  });

  it('rejects when aborted while waiting for the response', async () => {
    handler = () => undefined; // never answers
    const ac = new AbortController();
    const p = nodeFetch(`${base}/a`, { method: 'POST', body: 'x', signal: ac.signal });
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await assert.rejects(p, { name: 'AbortError' });
  });

  it('errors the body with the abort reason when aborted while the body streams', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('part');
    };
    const ac = new AbortController();
    const res = await nodeFetch(`${base}/a`, { method: 'POST', body: 'x', signal: ac.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    ac.abort();
    await assert.rejects(reader.read(), { name: 'AbortError' });
  });

  it('errors the body when the connection breaks off mid-body', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('part', () => setTimeout(() => res.socket?.destroy(), 20));
    };
    const res = await nodeFetch(`${base}/a`, { method: 'POST', body: 'x' });
    await assert.rejects(res.text());
  });

  it('rejects on a connection error', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(nodeFetch(`http://127.0.0.1:${port}/a`, { method: 'POST', body: 'x' }), { code: 'ECONNREFUSED' });
  });

  it('answers a 204 with no body', async () => {
    handler = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    const res = await nodeFetch(`${base}/a`, { method: 'DELETE' });
    assert.equal(res.status, 204);
    assert.equal(res.body, null);
  });

  it('leaves a body it cannot send as it is (a stream) to the built-in fetch', async () => {
    handler = (_req, res) => res.end('ok');
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('streamed'));
        c.close();
      },
    });
    const res = await nodeFetch(`${base}/a`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    assert.equal(await res.text(), 'ok');
    assert.equal(seen[0]?.body, 'streamed');
  });
});
