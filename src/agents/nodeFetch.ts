// The `fetch` the agents' Anthropic client sends its requests with: node:http / node:https on
// keep-alive agents, answering with a standard `Response` whose body streams the reply as it
// arrives. Node 20's built-in fetch (undici) spends 1–2 ms of CPU per request on the WHATWG
// machinery around the wire (a Request object, its body as a ReadableStream, a clone of it
// with a tee for redirects, another stream for the response, an AbortSignal per step):
// measured in bench/profileTasks.ts, that is about a third of the agent side's CPU per turn,
// and every agent of a run waits for it on the one event loop.
//
// What it does as fetch does: method, headers, a string or byte body, the AbortSignal (before
// and during the request, and while the body streams: the body then errors with the signal's
// reason), connection errors as a rejected promise, keep-alive connections (idle ones closed
// after 4 s, or before the server's `Keep-Alive: timeout` hint; connections.ts, which can also
// open them ahead of a run). What it leaves out: redirects
// (a 3xx is returned as it is; the Messages API does not redirect), compression (it asks for
// none), and bodies that are streams, forms or blobs: those requests, and anything that is
// not http(s), go to the built-in fetch unchanged.
import http from 'node:http';
import https from 'node:https';
import { agentFor } from './connections';
import { StreamedResponse } from './streamedResponse';

type FetchInput = string | URL | Request;

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const entries: Iterable<[string, string]> =
    headers instanceof Headers ? headers
    : Array.isArray(headers) ? (headers as Array<[string, string]>)
    : Object.entries(headers as Record<string, string>);
  for (const [k, v] of entries) {
    const key = k.toLowerCase();
    out[key] = key in out ? `${out[key]}, ${v}` : v;
  }
  return out;
}

function responseHeaders(raw: readonly string[]): Headers {
  const h = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) h.append(raw[i] as string, raw[i + 1] as string);
  return h;
}

/** The body as bytes or a string when it is one; undefined when there is none; null when this fetch cannot send it. */
function plainBody(body: RequestInit['body']): string | Uint8Array | undefined | null {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return null;
}

export const nodeFetch = (input: FetchInput, init: RequestInit = {}): Promise<Response> => {
  const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : undefined;
  const body = plainBody(init.body);
  if (!url || body === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) return fetch(input, init);
  const signal = init.signal ?? undefined;
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method: init.method ?? 'GET', headers: headerRecord(init.headers), agent: agentFor(url.protocol as 'http:' | 'https:') });
    let settled = false;
    let fail: (reason: unknown) => void = (reason) => {
      if (!settled) reject(reason);
      settled = true;
    };
    const onAbort = () => {
      const reason = abortReason(signal as AbortSignal);
      req.destroy(reason instanceof Error ? reason : undefined);
      fail(reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    req.on('error', (e) => {
      done();
      fail(e);
    });
    req.on('response', (res) => {
      settled = true;
      const status = res.statusCode ?? 0;
      const headers = responseHeaders(res.rawHeaders);
      if (NULL_BODY_STATUS.has(status) || init.method === 'HEAD') {
        res.resume();
        res.on('end', done);
        resolve(new Response(null, { status, statusText: res.statusMessage ?? '', headers }));
        return;
      }
      if (status >= 200 && status <= 299 && headers.get('content-type')?.startsWith('text/event-stream')) {
        const streamed = new StreamedResponse(res, { status, statusText: res.statusMessage ?? '', headers, url: '' }, done);
        fail = (reason) => streamed.fail(reason);
        // The SDK reads the body by async iteration only; StreamedResponse says why and what else it does.
        resolve(streamed as unknown as Response);
        return;
      }
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          fail = (reason) => {
            try {
              controller.error(reason);
            } catch {
              /* already closed */
            }
          };
          res.on('data', (chunk: Buffer) => {
            controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
            if ((controller.desiredSize ?? 1) <= 0) res.pause();
          });
          res.on('end', () => {
            done();
            try {
              controller.close();
            } catch {
              /* errored by an abort */
            }
          });
          res.on('error', (e) => {
            done();
            fail(e);
          });
          res.on('aborted', () => fail(new Error('The connection closed before the response was complete.')));
        },
        pull() {
          res.resume();
        },
        cancel() {
          done();
          res.destroy();
        },
      });
      resolve(new Response(stream, { status, statusText: res.statusMessage ?? '', headers }));
    });
    req.end(body);
  });
};
