// Profiling aid (not a bench row): runs layered16 once at concurrency 8 with zero latency
// and counts the git processes the engine starts, by subcommand, and the time spawn()
// itself blocks the event loop. `npx tsx bench/profileSpawns.ts` (add `--cpu-prof` via
// `node --cpu-prof --import tsx bench/profileSpawns.ts` for a CPU profile).
import { createRequire } from 'node:module';
import type * as CP from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

const cp = createRequire(__filename)('node:child_process') as typeof CP;

const counts = new Map<string, number>();
let spawnMs = 0;
let spawns = 0;
const orig = cp.spawn;
(cp as { spawn: typeof cp.spawn }).spawn = function (this: unknown, ...args: Parameters<typeof cp.spawn>) {
  const [cmd, argv] = args as unknown as [string, string[]];
  if (cmd === 'git') {
    const sub = (argv ?? []).filter((a, i, all) => !a.startsWith('-') && all[i - 1] !== '-c')[0] ?? '?';
    const key = sub === 'cat-file' || sub === 'check-attr' || sub === 'hash-object' ? `${sub} ${(argv ?? []).filter((a) => a.startsWith('--')).join(' ')}` : sub;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const t = performance.now();
  const r = (orig as (...a: unknown[]) => CP.ChildProcess).apply(this, args);
  spawnMs += performance.now() - t;
  spawns++;
  return r;
} as typeof cp.spawn;
syncBuiltinESMExports();

async function main(): Promise<void> {
  const { layered16, fourStep } = await import('./orchestration');
  const { startRun } = await import('../src/engine');
  const { startFakeAnthropic } = await import('../test/fake-anthropic');
  const which = process.argv[2] ?? 'layered16';
  const g = which === 'fourStep' ? fourStep() : layered16();
  const fake = await startFakeAnthropic({ script: g.script, latencyMs: Number(process.env['PA_BENCH_LATENCY_MS'] ?? 0), apiKey: 'bench-key' });
  try {
    for (let i = 0; i < 3; i++) {
      counts.clear();
      spawnMs = 0;
      spawns = 0;
      const t0 = performance.now();
      const run = await startRun({ workspace: g.dir, apiKey: 'bench-key', baseURL: fake.baseURL, maxRetries: 0, concurrency: 8 });
      const view = await run.done;
      const wall = performance.now() - t0;
      run.dispose();
      const n = view.tasks.length;
      const sorted = [...counts].sort((a, b) => b[1] - a[1]);
      const total = sorted.reduce((s, [, c]) => s + c, 0);
      process.stdout.write(`run ${i}: ${g.name} ${n} tasks, wall ${wall.toFixed(0)} ms, git processes ${total} (${(total / n).toFixed(1)} per task), spawn() blocked ${spawnMs.toFixed(0)} ms over ${spawns} spawns\n`);
      for (const [k, c] of sorted) process.stdout.write(`  ${String(c).padStart(4)}  git ${k}\n`);
    }
  } finally {
    await fake.close();
    g.cleanup();
  }
}

void main();
