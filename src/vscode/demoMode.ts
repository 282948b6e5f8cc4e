// Demo mode: `npm run demo` without an API key starts the bundled scripted server (a test
// double that replays the four-step example's turns; nothing is generated) and sets
// PARALLEL_AGENTS_DEMO=1 with its URL in ANTHROPIC_BASE_URL. The views then say "demo
// model" wherever an agent shows, so nobody mistakes the replies for an AI's. Pure.

export const DEMO_ENV = 'PARALLEL_AGENTS_DEMO';
export const DEMO_LABEL = 'demo model';
export const DEMO_TOOLTIP = 'Demo mode: the replies come from a scripted local server (a test double replaying fixed turns), not from an AI model.';

export interface DemoEndpoint {
  /** The scripted server, from ANTHROPIC_BASE_URL. */
  readonly baseURL: string;
  /** A placeholder: the scripted server takes any key. */
  readonly apiKey: string;
}

/** The demo endpoint when the demo flag is set and a base URL is given, else undefined. */
export function demoEndpoint(env: Readonly<Record<string, string | undefined>>): DemoEndpoint | undefined {
  const flag = env[DEMO_ENV]?.trim().toLowerCase();
  if (!flag || flag === '0' || flag === 'false') return undefined;
  const baseURL = env['ANTHROPIC_BASE_URL']?.trim();
  if (!baseURL) return undefined;
  return { baseURL, apiKey: env['ANTHROPIC_API_KEY']?.trim() || 'demo-placeholder-key' };
}

/** Tree descriptions of agent tasks carry the demo label, right after their lead (status or elapsed). */
export function withDemoLabel(description: string, demo: boolean, kind: string): string {
  if (!demo || kind === 'command') return description;
  if (!description) return DEMO_LABEL;
  const [lead, ...rest] = description.split(' · ');
  return [lead, DEMO_LABEL, ...rest].join(' · ');
}
