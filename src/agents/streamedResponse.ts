// The `Response` nodeFetch answers a successful event stream with (every turn of every agent):
// its body hands the SDK the socket's chunks as they arrive, without the WHATWG machinery a
// real `Response` puts around them (a ReadableStream with its controller, queue and reader, a
// promise per read, a transferable wrapper, the Response's own body extraction). The SDK reads
// a streamed reply only by async iteration of `response.body` (its `ReadableStreamToAsyncIterable`
// uses `body[Symbol.asyncIterator]` when there is one), so that path is direct; anything else
// (getReader, tee, cancel, text(), json(), clone(), …) gets a real ReadableStream / Response over
// the same chunks, built when first asked for, so the object behaves as fetch's would.
import type { IncomingMessage } from 'node:http';
import type { ReadableWritablePair, StreamPipeOptions } from 'node:stream/web';

/** Chunks of `res` not yet read, above which the socket is paused until the reader catches up. */
const HIGH_WATER_CHUNKS = 8;

const unusable = () => new TypeError('Body is unusable: Body has already been read');

/** The body's chunks in arrival order, read once, by async iteration or through `web()`. */
class ResponseChunks implements AsyncIterableIterator<Uint8Array> {
  private readonly queue: Uint8Array[] = [];
  private waiter: { resolve: (r: IteratorResult<Uint8Array>) => void; reject: (e: unknown) => void } | undefined;
  private ended = false;
  private failed = false;
  private error: unknown;
  private errorTaken = false;
  /** The real stream over the chunks, once something asked for one. */
  webStream: ReadableStream<Uint8Array> | undefined;
  /** Whether the chunks were handed out for async iteration (the fast path). */
  iterating = false;

  constructor(
    private readonly res: IncomingMessage,
    private readonly onSettled: () => void,
  ) {
    res.on('data', (chunk: Buffer) => {
      const value = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const w = this.waiter;
      if (w) {
        this.waiter = undefined;
        w.resolve({ value, done: false });
        return;
      }
      this.queue.push(value);
      if (this.queue.length >= HIGH_WATER_CHUNKS) res.pause();
    });
    res.on('end', () => {
      this.ended = true;
      this.onSettled();
      const w = this.waiter;
      this.waiter = undefined;
      w?.resolve({ value: undefined, done: true });
    });
    res.on('error', (e) => this.fail(e));
    res.on('aborted', () => this.fail(new Error('The connection closed before the response was complete.')));
  }

  /** Errors the body with `reason` (the first reason wins); chunks already queued are dropped, as a stream's error does. */
  fail(reason: unknown): void {
    if (this.ended || this.failed) return;
    this.failed = true;
    this.error = reason;
    this.queue.length = 0;
    this.onSettled();
    const w = this.waiter;
    this.waiter = undefined;
    if (w) {
      this.errorTaken = true;
      w.reject(reason);
    }
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    const value = this.queue.shift();
    if (value) {
      if (this.res.isPaused() && this.queue.length < HIGH_WATER_CHUNKS) this.res.resume();
      return Promise.resolve({ value, done: false });
    }
    // As a stream's async iterator: the error once, then done.
    if (this.failed && !this.errorTaken) {
      this.errorTaken = true;
      return Promise.reject(this.error);
    }
    if (this.ended || this.failed) return Promise.resolve({ value: undefined, done: true });
    if (this.waiter) return Promise.reject(new TypeError('The body is already being read.'));
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** The reader is done before the end (a `break`, a cancel): the connection is closed, as fetch does. */
  return(): Promise<IteratorResult<Uint8Array>> {
    if (!this.ended && !this.failed) {
      this.failed = true;
      this.error = unusable();
      this.queue.length = 0;
      this.onSettled();
      this.res.destroy();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The same chunks as a real ReadableStream (once; later calls return it again). */
  web(): ReadableStream<Uint8Array> {
    if (this.iterating) throw new TypeError('ReadableStream is locked');
    this.webStream ??= new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const r = await this.next();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      cancel: async () => {
        await this.return();
      },
    });
    return this.webStream;
  }
}

/**
 * What `response.body` is: async iteration goes straight to the chunks; every other member of a
 * ReadableStream works on a real one over them (after which the fast path is not used).
 */
class StreamedBody {
  constructor(private readonly chunks: ResponseChunks) {}
  get locked(): boolean {
    return this.chunks.iterating || (this.chunks.webStream?.locked ?? false);
  }
  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    if (this.chunks.webStream) return this.chunks.webStream.values();
    if (this.chunks.iterating) throw new TypeError('ReadableStream is locked');
    this.chunks.iterating = true;
    return this.chunks;
  }
  getReader(...args: Parameters<ReadableStream<Uint8Array>['getReader']>) {
    return this.chunks.web().getReader(...args);
  }
  cancel(reason?: unknown): Promise<void> {
    return this.chunks.web().cancel(reason);
  }
  tee(): [ReadableStream<Uint8Array>, ReadableStream<Uint8Array>] {
    return this.chunks.web().tee();
  }
  pipeTo(...args: Parameters<ReadableStream<Uint8Array>['pipeTo']>): Promise<void> {
    return this.chunks.web().pipeTo(...args);
  }
  pipeThrough<T>(transform: ReadableWritablePair<T, Uint8Array>, options?: StreamPipeOptions): ReadableStream<T> {
    return this.chunks.web().pipeThrough(transform, options);
  }
  values(options?: { preventCancel?: boolean }): AsyncIterableIterator<Uint8Array> {
    return this.chunks.web().values(options);
  }
}

interface ResponseHead {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly url: string;
}

/** A successful streamed response: see the top of this file. Settles (`onSettled`) once the body ended, failed or was let go. */
export class StreamedResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly url: string;
  readonly redirected = false;
  readonly type: Response['type'] = 'default';
  readonly body: StreamedBody;
  private readonly chunks: ResponseChunks;
  private real: Response | undefined;

  constructor(res: IncomingMessage, head: ResponseHead, onSettled: () => void) {
    this.status = head.status;
    this.ok = head.status >= 200 && head.status <= 299;
    this.statusText = head.statusText;
    this.headers = head.headers;
    this.url = head.url;
    this.chunks = new ResponseChunks(res, onSettled);
    this.body = new StreamedBody(this.chunks);
  }

  /** Errors the body with `reason` (an abort while it streams). */
  fail(reason: unknown): void {
    this.chunks.fail(reason);
  }

  get bodyUsed(): boolean {
    return this.real ? this.real.bodyUsed : this.chunks.iterating;
  }

  /** A real Response over the chunks, for everything but async iteration of the body. */
  private response(): Response {
    if (!this.real) {
      if (this.chunks.iterating) throw unusable();
      this.real = new Response(this.chunks.web(), { status: this.status, statusText: this.statusText, headers: this.headers });
    }
    return this.real;
  }

  private read<T>(how: (r: Response) => Promise<T>): Promise<T> {
    try {
      return how(this.response());
    } catch (e) {
      return Promise.reject(e);
    }
  }

  text(): Promise<string> {
    return this.read((r) => r.text());
  }
  json(): Promise<unknown> {
    return this.read((r) => r.json());
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.read((r) => r.arrayBuffer());
  }
  blob(): Promise<Blob> {
    return this.read((r) => r.blob());
  }
  formData(): Promise<FormData> {
    return this.read((r) => r.formData());
  }
  clone(): Response {
    return this.response().clone();
  }
}
