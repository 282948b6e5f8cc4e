// Child process of the scale metric: one run of N agent tasks (each writes its own file in
// two turns) at concurrency C against a fake API served by the parent (zero latency; the
// SDK may retry a dropped connection twice: on a loaded machine one of 1,000 keep-alive
// connections failed with maxRetries 0), then
// prints {"wallMs", "taskMs": [...], "cpuMs", "maxRssKB", "gitProcesses"} on stdout.
//   node --import tsx bench/scaleChild.ts DIR BASE_URL CONCURRENCY
import { createRequire } from 'node:module';
import type * as CP from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

// Counts the processes the engine starts (git, mostly): the per-task process count is the
// first thing that grows a run's cost.
const cp = createRequire(__filename)('node:child_process') as typeof CP;
let processes = 0;
const orig = cp.spawn;
(cp as { spawn: typeof cp.spawn }).spawn = function (this: unknown, ...args: unknown[]) {
  processes++;
  return (orig as (...a: unknown[]) => CP.ChildProcess).apply(this, args);
} as typeof cp.spawn;
syncBuiltinESMExports();

async function main(): Promise<void> {
  const [dir, baseURL, c] = process.argv.slice(2);
  if (!dir || !baseURL || !c) throw new Error('usage: scaleChild.ts DIR BASE_URL CONCURRENCY');
  const { startRun } = await import('../src/engine');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const run = await startRun({ workspace: dir, apiKey: 'bench-key', baseURL, maxRetries: 2, concurrency: Number(c), maxConcurrency: Number(c) }); // the task file's cap is 8; the engine's option lifts it
  const view = await run.done;
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  run.dispose();
  const bad = view.tasks.filter((t) => t.status !== 'succeeded');
  if (bad.length) throw new Error(`scale: ${bad.length} tasks did not succeed, e.g. ${bad[0]?.id} ${bad[0]?.status} ${bad[0]?.error ?? ''}`);
  const taskMs = view.tasks.map((t) => t.ms ?? 0);
  process.stdout.write(
    JSON.stringify({ wallMs, taskMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKB: process.resourceUsage().maxRSS, gitProcesses: processes }) + '\n',
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
