// Serves the four-step example's scripted turns (and the planner's, for its goal) on 127.0.0.1 and prints the base URL, for
// trying `parallel-agents run examples/four-step` by hand against the test double:
//   npx tsx test/integration/engine/serveFourStep.ts &
//   ANTHROPIC_BASE_URL=<printed url> ANTHROPIC_API_KEY=test parallel-agents run examples/four-step
import { startFakeAnthropic, type TurnSource } from '../../fake-anthropic';
import { fourStepScript } from './fourStepScript';
import { plannerDemoScript } from '../../fake-anthropic/plannerScript';

void (async () => {
  const fake = await startFakeAnthropic({ script: { ...(fourStepScript() as Record<string, TurnSource>), ...(plannerDemoScript() as Record<string, TurnSource>) }, latencyMs: Number(process.env.LATENCY_MS ?? 300) });
  process.stdout.write(`${fake.baseURL}\n`);
  const stop = () => void fake.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
})();
