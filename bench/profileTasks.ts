// Profiling aid (not a bench row): runs a graph at one concurrency and prints each agent
// task's overhead (measured − turns × latency), where its time goes phase by phase, and the
// CPU the process spent per task and per request.
//   npx tsx bench/profileTasks.ts [layered16|fourStep] [concurrency] [runs] [--in-process] [--profile=FILE] [--agents-only [--deps]] [--tasks=a1,a2]
// The latency from PA_BENCH_LATENCY_MS (default 500). The fake API runs in a child process
// (bench/fakeChild.ts, as in the bench), so its HTTP/SSE/JSON work is not measured here;
// `--in-process` runs it in this process instead. `--profile=FILE` writes a CPU profile of
// every run after the first (no module loading, no first-time compilation) to FILE. The agent side's phases come from the agents' trace channel
// (src/agents/agentTrace.ts), the fake's arrival and answer times from the fake itself.
// `--agents-only` (layered16): no engine, no git: the 16 agents on in-memory workspaces, c at
// a time, each on one shared client and gate (as a run has), so that the CPU measured per task
// and per request is the agent side's alone (bench/agentsAlone.ts); with `--deps` in the
// graph's dependency order, as the bench's floor runs them. `--ab-fetch` (with --agents-only): even runs on
// the built-in fetch, odd ones on the agents' nodeFetch; `--ab-fetch=FILE`: even runs on the
// `nodeFetch` that FILE exports (e.g. main's src/agents/nodeFetch.ts copied aside). `--tasks=a1,a2`: the phases of those tasks only. PA_PROFILE_TOOLS=1 prints each turn's tool time as it is measured.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AgentTraceMark } from '../src/agents/agentTrace';
import type { ServedRequest } from './fakeChild';
import { runAgentsAlone } from './agentsAlone';
import type { Graph } from './orchestration';

interface Served extends ServedRequest {
  readonly taskId: string | undefined;
}

const med = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Per phase: the values of all tasks (or turns) of a run. */
class Phases {
  readonly values = new Map<string, number[]>();
  add(name: string, v: number | undefined): void {
    if (v === undefined || !Number.isFinite(v)) return;
    const xs = this.values.get(name) ?? [];
    xs.push(v);
    this.values.set(name, xs);
  }
  print(): string {
    return [...this.values].map(([k, xs]) => `    ${k.padEnd(44)} median ${med(xs).toFixed(2).padStart(7)} ms   sum ${sum(xs).toFixed(0).padStart(5)} ms   n=${xs.length}`).join('\n');
  }
}

/**
 * One agent's timeline: its trace marks in order and the requests the fake served it. Turn k
 * of the agent is its k-th 'turn' mark and its k-th request (no retries at these settings).
 */
function phasesOf(p: Phases, marks: readonly AgentTraceMark[], reqs: readonly Served[], task: { startedAt: number; finishedAt: number }, latency: number): void {
  const at = (phase: AgentTraceMark['phase']) => marks.filter((m) => m.phase === phase).map((m) => m.at);
  const [start] = at('start');
  const [prompt] = at('prompt');
  const [end] = at('end');
  const turn = at('turn');
  const connect = at('connect');
  const parsed = at('parsed');
  const toolStart = at('toolStart');
  const toolEnd = at('toolEnd');
  p.add('engine: task start → runAgentTask (ms clock)', start !== undefined ? start - task.startedAt : undefined);
  p.add('agent: runAgentTask → prompt and tools built', prompt !== undefined && start !== undefined ? prompt - start : undefined);
  p.add('agent: prompt built → first turn started (runner)', turn[0] !== undefined && prompt !== undefined ? turn[0] - prompt : undefined);
  for (let k = 0; k < turn.length; k++) {
    const r = reqs[k];
    const t = turn[k] as number;
    const first = k === 0 ? 'first' : 'next';
    if (r) p.add(`agent: turn started → ${first} request at the fake`, r.receivedAt - t);
    if (r?.answeredAt !== undefined && connect[k] !== undefined) p.add('wire: fake answered → response headers (connect)', (connect[k] as number) - r.answeredAt);
    if (r?.answeredAt !== undefined) p.add('fake: received → answered − latency', r.answeredAt - r.receivedAt - latency);
    if (connect[k] !== undefined && parsed[k] !== undefined) p.add('agent: headers → reply parsed (SSE, message)', (parsed[k] as number) - (connect[k] as number));
    if (k + 1 < turn.length && parsed[k] !== undefined) {
      // The turn's tools ran between its reply and the next turn: from the first start to the last end there.
      const from = parsed[k] as number;
      const to = turn[k + 1] as number;
      const ts = toolStart.find((t) => t >= from && t <= to);
      const te = toolEnd.filter((t) => t >= from && t <= to).at(-1);
      if (ts !== undefined && te !== undefined) {
        p.add('agent: reply parsed → tool start', ts - from);
        p.add('agent: tool start → tool end (all of the turn)', te - ts);
        if (process.env['PA_PROFILE_TOOLS']) process.stderr.write(`tools of turn ${k}: ${(te - ts).toFixed(2)} ms\n`);
        p.add('agent: tool end → next turn started', to - te);
      }
      p.add('agent: reply parsed → next turn started', (turn[k + 1] as number) - (parsed[k] as number));
    }
    if (k + 1 < reqs.length && r?.answeredAt !== undefined) p.add('both: answered → next request at the fake', (reqs[k + 1] as Served).receivedAt - r.answeredAt);
  }
  if (end !== undefined && parsed.length) p.add('agent: last reply parsed → runAgentTask returned', end - (parsed.at(-1) as number));
  if (end !== undefined) p.add('engine: runAgentTask returned → task finished (ms clock)', task.finishedAt - end);
  const lastAnswer = reqs.at(-1)?.answeredAt;
  if (lastAnswer !== undefined) p.add('both: last answer → task finished (ms clock)', task.finishedAt - lastAnswer);
  if (reqs[0]) p.add('both: task start → first request at the fake (ms clock)', reqs[0].receivedAt - task.startedAt);
}

interface TaskTimes {
  readonly tasks: ReadonlyArray<{ id: string; ms?: number; startedAt?: number; finishedAt?: number }>;
}

async function runEngine(startRun: typeof import('../src/engine').startRun, dir: string, baseURL: string, concurrency: number): Promise<TaskTimes> {
  const run = await startRun({ workspace: dir, apiKey: 'bench-key', baseURL, maxRetries: 0, concurrency });
  const view = await run.done;
  run.dispose();
  return view;
}

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

async function runAgentsOnly(g: Graph, baseURL: string, concurrency: number, otherFetch: Fetch | undefined): Promise<TaskTimes> {
  if (!g.alone) throw new Error(`--agents-only: ${g.name} has tasks that need the engine (commands)`);
  const ignoreDependencies = !process.argv.includes('--deps');
  return { tasks: await runAgentsAlone(g.alone, { baseURL, concurrency, ignoreDependencies, ...(otherFetch && { fetch: otherFetch }) }) };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const inProcess = process.argv.includes('--in-process');
  const agentsOnly = process.argv.includes('--agents-only');
  const abArg = process.argv.find((a) => a === '--ab-fetch' || a.startsWith('--ab-fetch='));
  const abFetch = abArg !== undefined;
  const abFile = abArg?.startsWith('--ab-fetch=') ? abArg.slice('--ab-fetch='.length) : undefined;
  const otherFetch: Fetch | undefined = abFile ? ((await import(abFile)) as { nodeFetch: Fetch }).nodeFetch : abFetch ? globalThis.fetch : undefined;
  const otherName = abFile ? `nodeFetch of ${abFile}` : 'built-in fetch';
  const only = process.argv.find((a) => a.startsWith('--tasks='))?.slice('--tasks='.length).split(',');
  const profileTo = process.argv.find((a) => a.startsWith('--profile='))?.slice('--profile='.length);
  const session = profileTo ? new Session() : undefined;
  const { layered16, fourStep, startFakeApi } = await import('./orchestration');
  const { startRun } = await import('../src/engine');
  const { AGENT_TRACE_CHANNEL } = await import('../src/agents/agentTrace');
  const which = args[0] ?? 'layered16';
  const concurrency = Number(args[1] ?? 1);
  const runs = Number(args[2] ?? 2);
  const latency = Number(process.env['PA_BENCH_LATENCY_MS'] ?? 500);
  const g = which === 'fourStep' ? fourStep() : layered16();
  let requests: (since: number) => Promise<Served[]>;
  let close: () => Promise<void>;
  let baseURL: string;
  if (inProcess) {
    const { startFakeAnthropic } = await import('../test/fake-anthropic');
    const fake = await startFakeAnthropic({ script: g.script, latencyMs: latency, apiKey: 'bench-key' });
    requests = async (since) => fake.requests.slice(since);
    close = () => fake.close();
    baseURL = fake.baseURL;
  } else {
    const fake = await startFakeApi(g);
    requests = async (since) => (await fake.requests(since)).requests;
    close = () => fake.close();
    baseURL = fake.baseURL;
  }
  const marks: AgentTraceMark[] = [];
  const onMark = (m: unknown) => marks.push(m as AgentTraceMark);
  subscribe(AGENT_TRACE_CHANNEL, onMark);
  process.stdout.write(`${g.name} at c${concurrency}, ${latency} ms per turn, fake API ${inProcess ? 'in this process' : 'in a child process'}\n`);
  try {
    let seen = (await requests(0)).length;
    for (let i = 0; i < runs; i++) {
      if (session && i === 1) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 250 });
        await session.post('Profiler.start');
      }
      marks.length = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const e0 = Date.now();
      const view = agentsOnly ? await runAgentsOnly(g, baseURL, concurrency, i % 2 === 0 ? otherFetch : undefined) : await runEngine(startRun, g.dir, baseURL, concurrency);
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const served = await requests(seen);
      seen += served.length;
      const over = view.tasks.filter((t) => g.known.has(t.id)).map((t) => (t.ms ?? 0) - (g.known.get(t.id) ?? 0) * (latency / 500));
      const first = Math.min(...view.tasks.map((t) => t.startedAt ?? Infinity)) - e0;
      const last = e0 + wall - Math.max(...view.tasks.map((t) => t.finishedAt ?? 0));
      const p = new Phases();
      for (const t of view.tasks) {
        if (t.startedAt === undefined || t.finishedAt === undefined || (only && !only.includes(t.id))) continue;
        const mine = marks.filter((m) => m.agent === t.id);
        const reqs = served.filter((r) => r.taskId === t.id);
        if (mine.length) phasesOf(p, mine, reqs, { startedAt: t.startedAt, finishedAt: t.finishedAt }, latency);
      }
      const cpuMs = (cpu.user + cpu.system) / 1000;
      process.stdout.write(
        `run ${i}${abFetch ? (i % 2 === 0 ? ` (${otherName})` : ' (nodeFetch)') : ''}: wall ${wall.toFixed(0)} ms; startRun → first ${first} ms; last → done ${last.toFixed(0)} ms; per task median ${med(over).toFixed(0)} ms [${over.map((x) => x.toFixed(0)).join(' ')}]\n` +
          `  CPU of this process ${cpuMs.toFixed(0)} ms (user ${(cpu.user / 1000).toFixed(0)}, system ${(cpu.system / 1000).toFixed(0)}): ${(cpuMs / view.tasks.length).toFixed(1)} ms per task, ${(cpuMs / Math.max(1, served.length)).toFixed(1)} ms per request (${served.length} requests)\n` +
          `${p.print()}\n`,
      );
    }
    if (session && runs > 1) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(profileTo as string, JSON.stringify(profile));
      session.disconnect();
      process.stdout.write(`CPU profile of runs 1–${runs - 1}: ${profileTo}\n`);
    }
  } finally {
    unsubscribe(AGENT_TRACE_CHANNEL, onMark);
    await close();
    g.cleanup();
  }
}

void main();
