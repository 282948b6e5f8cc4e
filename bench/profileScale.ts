// Profiling aid: N zero-latency agent tasks at concurrency 32 in this process (fake API
// included): `node --cpu-prof --import tsx bench/profileScale.ts N`.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startRun } from '../src/engine';
import { startFakeAnthropic, type FakeScript } from '../test/fake-anthropic';
import { git } from './repo100k';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 200);
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-prof-scale-'));
  let yaml = 'version: 1\ntasks:\n';
  const script: FakeScript = {};
  for (let k = 1; k <= n; k++) {
    yaml += `  t${k}:\n    prompt: Write out/t${k}.txt.\n    owns: [out/t${k}.txt]\n`;
    script[`t${k}`] = [{ toolCalls: [{ name: 'write_file', input: { path: `out/t${k}.txt`, content: `t${k}\n` } }] }, { text: 'done' }];
  }
  mkdirSync(path.join(dir, '.agents'), { recursive: true });
  writeFileSync(path.join(dir, '.agents/tasks.yaml'), yaml);
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'x']);
  const fake = await startFakeAnthropic({ script, latencyMs: 0, apiKey: 'k' });
  const t0 = performance.now();
  const run = await startRun({ workspace: dir, apiKey: 'k', baseURL: fake.baseURL, maxRetries: 0, concurrency: 32, maxConcurrency: 32 });
  let first = 0;
  const view = await run.done;
  const wall = performance.now() - t0;
  const starts = view.tasks.map((t) => t.startedAt ?? 0);
  const ends = view.tasks.map((t) => t.finishedAt ?? 0);
  first = Math.min(...starts);
  process.stdout.write(`wall ${wall.toFixed(0)} ms; setup → first start ${(first - (Date.now() - wall)).toFixed(0)} ms; last finish → done ${(Date.now() - Math.max(...ends)).toFixed(0)} ms\n`);
  run.dispose();
  await fake.close();
}
void main();
