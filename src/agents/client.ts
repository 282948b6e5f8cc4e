// The Anthropic client the agents use. Credentials and endpoint come from the arguments,
// else from the SDK's own environment variables (ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL).
// The run's ApiGate is not built in here: the agents add the gate's middleware to each of
// their requests (anthropicProvider.ts), so one client can serve several runs.
// Requests go through nodeFetch (nodeFetch.ts: node:http on keep-alive agents), which costs
// the event loop a fraction of what the built-in fetch does per request. The SDK's
// OpenTelemetry spans are off unless the environment asks for them (ANTHROPIC_OPEN_TELEMETRY,
// read by the SDK as before): nothing of ours registers a tracer, so every request and tool
// call built spans that went nowhere (~0.1 ms of the loop per request).
import Anthropic from '@anthropic-ai/sdk';
import { preconnect } from './connections';
import { nodeFetch } from './nodeFetch';

/** Where the SDK sends requests when neither the options nor ANTHROPIC_BASE_URL say. */
const DEFAULT_API_URL = 'https://api.anthropic.com';

export interface AnthropicClientOptions {
  apiKey?: string;
  baseURL?: string;
  /** SDK retries per request for 408/409/429/5xx and connection errors (default 4). */
  maxRetries?: number;
  /** Per-request timeout in ms (SDK default: 10 minutes). */
  timeoutMs?: number;
  /** The fetch the SDK sends with (default nodeFetch; `globalThis.fetch` for the built-in one). */
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
}

export function createAnthropicClient(options: AnthropicClientOptions = {}): Anthropic {
  const baseURL = options.baseURL ?? process.env['ANTHROPIC_BASE_URL'];
  return new Anthropic({
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    ...(baseURL ? { baseURL } : {}),
    maxRetries: options.maxRetries ?? 4,
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    fetch: options.fetch ?? nodeFetch,
    ...(process.env['ANTHROPIC_OPEN_TELEMETRY'] === undefined && { openTelemetry: false }),
  });
}

/**
 * Opens up to `count` connections ahead to the API a client made with these options calls
 * (connections.ts), for the first requests of a run that is being set up. Returns how many
 * it opened: none with another fetch, which keeps connections of its own.
 */
export function preconnectModelApi(options: Pick<AnthropicClientOptions, 'baseURL' | 'fetch'>, count: number): number {
  if (options.fetch) return 0;
  return preconnect(options.baseURL || process.env['ANTHROPIC_BASE_URL'] || DEFAULT_API_URL, count);
}
