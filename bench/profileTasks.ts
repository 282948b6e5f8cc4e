// Profiling aid (not a bench row): runs a graph at one concurrency against the in-process
// fake API and prints each agent task's overhead (measured − turns × latency).
// `npx tsx bench/profileTasks.ts [layered16|fourStep] [concurrency] [runs]`; the latency from
// PA_BENCH_LATENCY_MS (default 500). Add `node --cpu-prof --import tsx` for a CPU profile.
async function main(): Promise<void> {
  const { layered16, fourStep } = await import('./orchestration');
  const { startRun } = await import('../src/engine');
  const { startFakeAnthropic } = await import('../test/fake-anthropic');
  const which = process.argv[2] ?? 'layered16';
  const concurrency = Number(process.argv[3] ?? 1);
  const runs = Number(process.argv[4] ?? 2);
  const latency = Number(process.env['PA_BENCH_LATENCY_MS'] ?? 500);
  const g = which === 'fourStep' ? fourStep() : layered16();
  const fake = await startFakeAnthropic({ script: g.script, latencyMs: latency, apiKey: 'bench-key' });
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const e0 = Date.now();
      const run = await startRun({ workspace: g.dir, apiKey: 'bench-key', baseURL: fake.baseURL, maxRetries: 0, concurrency });
      const view = await run.done;
      const wall = performance.now() - t0;
      run.dispose();
      const over = view.tasks.filter((t) => g.known.has(t.id)).map((t) => (t.ms ?? 0) - (g.known.get(t.id) ?? 0) * (latency / 500));
      const sorted = [...over].sort((a, b) => a - b);
      const first = Math.min(...view.tasks.map((t) => t.startedAt ?? Infinity)) - e0;
      const last = e0 + wall - Math.max(...view.tasks.map((t) => t.finishedAt ?? 0));
      const phase = { start: [] as number[], between: [] as number[], end: [] as number[] };
      for (const t of view.tasks) {
        const reqs = fake.requests.filter((r) => r.taskId === t.id && r.at >= e0);
        if (!reqs.length || t.startedAt === undefined || t.finishedAt === undefined) continue;
        phase.start.push((reqs[0] as { at: number }).at - t.startedAt);
        for (let k = 1; k < reqs.length; k++) phase.between.push((reqs[k] as { at: number }).at - (reqs[k - 1] as { at: number }).at - latency);
        phase.end.push(t.finishedAt - (reqs.at(-1) as { at: number }).at - latency);
      }
      const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      process.stdout.write(`  phases (median, sum): task start → first request ${med(phase.start)} ms (${sum(phase.start)}); response → next request ${med(phase.between)} ms (${sum(phase.between)}); last response → finished ${med(phase.end)} ms (${sum(phase.end)})\n`);
      process.stdout.write(`run ${i}: wall ${wall.toFixed(0)} ms; startRun → first ${first} ms; last → done ${last.toFixed(0)} ms; per task median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms [${over.map((x) => x.toFixed(0)).join(' ')}]\n`);
    }
  } finally {
    await fake.close();
    g.cleanup();
  }
}

void main();
