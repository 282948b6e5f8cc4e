// `parallel-agents run DIR …` on a copy of examples/strategies with another task file,
// its agents answered by the scripted Messages API.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { startFakeAnthropic, type FakeScript } from '../../fake-anthropic';
import { captureIO } from '../../unit/cli/helpers';
import { exampleRepo } from '../engine/fixture';

/** Runs the CLI without --json: the exit code and what it printed. */
export async function runText(tasksYaml: string, script: FakeScript, args: readonly string[] = []) {
  const fake = await startFakeAnthropic({ script, latencyMs: 10, apiKey: 'test-key' });
  const repo = exampleRepo('strategies');
  writeFileSync(path.join(repo.dir, '.agents/tasks.yaml'), tasksYaml);
  const io = captureIO(repo.dir, { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: fake.baseURL, PARALLEL_AGENTS_MAX_RETRIES: '0' });
  const code = await main(['run', repo.dir, ...args], io);
  return { code, out: io.out, err: io.err, fake, repo, done: async () => (await fake.close(), repo.cleanup()) };
}

/** Runs `parallel-agents run DIR --json`: the exit code and the parsed report. */
export async function runJson(tasksYaml: string, script: FakeScript, args: readonly string[] = []) {
  const r = await runText(tasksYaml, script, ['--json', ...args]);
  let json;
  try {
    json = JSON.parse(r.out);
  } catch {
    await r.done();
    throw new Error(`not JSON (exit ${r.code}): ${r.out}\n${r.err}`);
  }
  return { ...r, json };
}
