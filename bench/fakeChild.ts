// Child process of the orchestration metric: the fake Messages API for one graph, so that
// its own CPU (HTTP parsing, SSE framing, JSON of every request) does not run on the event
// loop of the engine being measured, as the real API's does not. Same latency semantics:
// every turn is answered `latency` ms after its request arrived.
//   forked by bench/orchestration.ts with GRAPH LATENCY_MS; sends {baseURL} once listening,
//   then answers {since} with the requests received since that index: {taskId, status}.
import { startFakeAnthropic } from '../test/fake-anthropic';
import { fourStepScript } from '../test/integration/engine/fourStepScript';
import { layeredScript } from './orchestration';

export interface ServedRequest {
  readonly taskId: string | undefined;
  readonly status: number;
  /** See RecordedRequest (test/fake-anthropic/server.ts). */
  readonly receivedAt: number;
  readonly answeredAt?: number;
}

async function main(): Promise<void> {
  const [graph, latency] = process.argv.slice(2);
  const script = graph === 'fourStep' ? fourStepScript() : layeredScript();
  const fake = await startFakeAnthropic({ script, latencyMs: Number(latency), apiKey: 'bench-key' });
  process.on('message', (m: { since?: number; close?: boolean }) => {
    if (m.close) {
      void fake.close().then(() => process.exit(0));
      return;
    }
    const requests: ServedRequest[] = fake.requests.slice(m.since ?? 0).map((r) => ({ taskId: r.taskId, status: r.status, receivedAt: r.receivedAt, ...(r.answeredAt !== undefined && { answeredAt: r.answeredAt }) }));
    process.send?.({ requests, count: fake.requests.length });
  });
  process.send?.({ baseURL: fake.baseURL });
}

void main();
