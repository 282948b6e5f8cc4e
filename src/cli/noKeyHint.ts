// What `run` adds when it stops for want of an API key: how to watch a run anyway, with
// the scripted test double that ships with the project's sources. The double replays
// fixed turns written for examples/four-step; it is not a model and is never called one.
import type { CliIO } from './io';

export function noKeyHint(io: CliIO, e: Error): string {
  if (io.env.ANTHROPIC_API_KEY || !/no API key/i.test(e.message)) return '';
  return [
    '',
    'To watch a run without a key, from a clone of the Parallel Agents repository: a scripted test double',
    'of the API replays fixed turns written for examples/four-step (no model is involved):',
    '  npx tsx test/integration/engine/serveFourStep.ts &     # prints http://127.0.0.1:PORT',
    '  ANTHROPIC_BASE_URL=http://127.0.0.1:PORT ANTHROPIC_API_KEY=test node dist/cli.js run examples/four-step',
    'or `npm run demo` for the same example in VS Code (code-server).',
  ].join('\n');
}
