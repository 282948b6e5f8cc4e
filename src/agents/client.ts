// The Anthropic client the agents use. Credentials and endpoint come from the arguments,
// else from the SDK's own environment variables (ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL).
// The run's ApiGate is not built in here: runAgentTask adds the gate's middleware to a
// per-agent copy of the client (`client.withOptions`), so one client can serve several runs.
import Anthropic from '@anthropic-ai/sdk';

export interface AnthropicClientOptions {
  apiKey?: string;
  baseURL?: string;
  /** SDK retries per request for 408/409/429/5xx and connection errors (default 4). */
  maxRetries?: number;
  /** Per-request timeout in ms (SDK default: 10 minutes). */
  timeoutMs?: number;
}

export function createAnthropicClient(options: AnthropicClientOptions = {}): Anthropic {
  const baseURL = options.baseURL ?? process.env['ANTHROPIC_BASE_URL'];
  return new Anthropic({
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    ...(baseURL ? { baseURL } : {}),
    maxRetries: options.maxRetries ?? 4,
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
  });
}
