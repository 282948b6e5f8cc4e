// The keep-alive connections nodeFetch sends on, and connections opened ahead of a run.
//
// A run's first agents all send their first request at once, each on a new connection: to
// the real API that is a TCP and a TLS handshake (two or three round trips) before the
// request leaves, on the path of every first-wave task. `preconnect` opens those connections
// while the run is still being set up (the snapshot takes tens of milliseconds), so that the
// first requests find them ready. A connection opened ahead is handed to the agent through
// its createConnection (Node's documented hook for making an agent's sockets): from then on
// it is an ordinary keep-alive socket of the agent. One nobody takes is closed after the
// same idle time as the agent's own, and never keeps the process alive.
import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** Idle keep-alive sockets are closed after this long (or the server's `Keep-Alive: timeout` hint, if shorter). */
export const IDLE_SOCKET_MS = 4_000;

type Protocol = 'http:' | 'https:';
type ConnectOptions = http.ClientRequestArgs & { servername?: string };
type MakeConnection = (options: ConnectOptions, callback?: (err: Error | null, socket: Duplex) => void) => Duplex;

/** host:port, as both a request's options and a URL give it. */
function originKey(host: string | null | undefined, port: number | string | null | undefined, protocol: Protocol): string {
  return `${host ?? 'localhost'}:${port || (protocol === 'https:' ? 443 : 80)}`;
}

interface Ahead {
  readonly socket: Socket;
  /** Takes it out of the waiting list and gives it back its normal life (ref'd, no listeners of ours). */
  readonly release: () => void;
}

/** Connections opened ahead, by origin, until a request takes one or they idle out. */
class Waiting {
  private readonly byOrigin = new Map<string, Ahead[]>();

  count(key: string): number {
    return this.byOrigin.get(key)?.length ?? 0;
  }

  add(key: string, socket: Socket, idleMs: number): void {
    const drop = () => {
      clearTimeout(timer);
      socket.off('error', drop);
      socket.off('close', drop);
      const list = this.byOrigin.get(key);
      const i = list?.indexOf(ahead) ?? -1;
      if (list && i >= 0) list.splice(i, 1);
      if (list && !list.length) this.byOrigin.delete(key);
    };
    const ahead: Ahead = {
      socket,
      release: () => {
        drop();
        socket.ref();
      },
    };
    // Nobody asked for it in time: close it, as the agent closes its idle sockets.
    const timer = setTimeout(() => {
      drop();
      socket.destroy();
    }, idleMs);
    timer.unref();
    socket.unref();
    // A connection that fails ahead of time is just not there; the request then makes its own.
    socket.on('error', drop);
    socket.on('close', drop);
    this.byOrigin.set(key, [...(this.byOrigin.get(key) ?? []), ahead]);
  }

  /** A live connection to `key`, taken out; undefined when none waits. */
  take(key: string): Socket | undefined {
    for (;;) {
      const next = this.byOrigin.get(key)?.[0];
      if (!next) return undefined;
      next.release();
      if (!next.socket.destroyed) return next.socket;
    }
  }
}

function preconnectingAgent<A extends http.Agent>(agent: A, protocol: Protocol, waiting: Waiting): A & { connectAhead: MakeConnection } {
  const make = agent.createConnection.bind(agent) as MakeConnection;
  return Object.assign(agent, {
    connectAhead: make,
    createConnection: (options: ConnectOptions, callback?: (err: Error | null, socket: Duplex) => void): Duplex => {
      const ready = waiting.take(originKey(options.host, options.port, protocol));
      return ready ?? make(options, callback);
    },
  });
}

const waiting = new Waiting();
const agents = {
  'http:': preconnectingAgent(new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }), 'http:', waiting),
  'https:': preconnectingAgent(new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }), 'https:', waiting),
};

/** The keep-alive agent nodeFetch sends a request of this protocol on. */
export function agentFor(protocol: Protocol): http.Agent {
  return agents[protocol];
}

/**
 * Opens connections to `url`'s origin until `count` are ready (the agent's idle ones and
 * those opened ahead count), for requests about to be sent through nodeFetch. Returns how
 * many it opened. Never throws: a connection that fails is simply not there. Only http and
 * https URLs are opened; others are left alone.
 */
export function preconnect(url: string | URL, count: number, options: { idleMs?: number } = {}): number {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 0;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 0;
  const protocol: Protocol = u.protocol;
  const agent = agents[protocol];
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  const port = u.port ? Number(u.port) : protocol === 'https:' ? 443 : 80;
  const key = originKey(host, port, protocol);
  const connect: ConnectOptions = { host, port, ...(protocol === 'https:' && !isIP(host) && { servername: host }) };
  const idle = agent.freeSockets[agent.getName(connect)]?.length ?? 0;
  const missing = Math.max(0, Math.floor(count) - idle - waiting.count(key));
  for (let i = 0; i < missing; i++) {
    const socket = agent.connectAhead({ ...connect }) as Socket;
    waiting.add(key, socket, options.idleMs ?? IDLE_SOCKET_MS);
  }
  return missing;
}
