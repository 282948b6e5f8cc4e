// The floor under the engine's per-task overhead: the same graph's agent tasks, on the same
// fake API, with the same SDK client, tool runner and file tools, under the same cap and the
// same critical-path-first order, but with no engine and no git: each agent works on an
// in-memory workspace, and a task starts as soon as its dependencies finished. What a task
// costs here above turns × latency is what the agent side (the SDK, HTTP, the tools) costs on
// this machine; the engine's run of the graph can only add to it.
import { bottomLevels, type TaskOutput } from '../src/core';
import { ApiGate, createAnthropicClient, MemoryWorkspace, runAgentTask } from '../src/agents';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface AloneGraph {
  /** Agent tasks by id, in task-file order: their known duration (turns × latency). */
  readonly known: ReadonlyMap<string, number>;
  /** Dependencies by task id; a task missing here depends on nothing. */
  readonly dependsOn: ReadonlyMap<string, readonly string[]>;
  /** The files each agent starts with (the graph's repository, as far as its agents read it). */
  readonly files: Readonly<Record<string, string>>;
  readonly prompt: (id: string) => string;
  readonly owns: (id: string) => string[];
}

export interface AloneTask {
  readonly id: string;
  readonly ms: number;
  readonly startedAt: number;
  readonly finishedAt: number;
}

export interface AloneOptions {
  readonly baseURL: string;
  readonly concurrency: number;
  /** Another fetch for the SDK (bench/profileTasks.ts --ab-fetch); default the agents' own. */
  readonly fetch?: Fetch;
  /** Ignore the dependencies: run the tasks `concurrency` at a time in file order. */
  readonly ignoreDependencies?: boolean;
}

/** Runs every agent task of `g` once, as described above; rejects if one does not succeed. */
export async function runAgentsAlone(g: AloneGraph, o: AloneOptions): Promise<AloneTask[]> {
  const client = createAnthropicClient({ apiKey: 'bench-key', baseURL: o.baseURL, maxRetries: 0, ...(o.fetch && { fetch: o.fetch }) });
  const gate = new ApiGate();
  const deps = o.ignoreDependencies ? new Map<string, string[]>() : g.dependsOn;
  const order = [...g.known.keys()];
  const level = bottomLevels(order.map((id) => ({ id })), deps, g.known);
  // The engine's order: the longest remaining path first, then task-file order.
  const pending = o.ignoreDependencies ? order : [...order].sort((a, b) => (level.get(b) ?? 0) - (level.get(a) ?? 0) || order.indexOf(a) - order.indexOf(b));
  const done = new Map<string, TaskOutput>();
  let waiting: Array<() => void> = [];
  const wake = (): void => {
    const w = waiting;
    waiting = [];
    for (const resolve of w) resolve();
  };
  const next = async (): Promise<string | undefined> => {
    for (;;) {
      if (!pending.length) return undefined;
      const i = pending.findIndex((id) => (deps.get(id) ?? []).every((d) => done.has(d)));
      if (i >= 0) return pending.splice(i, 1)[0];
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };
  const tasks: AloneTask[] = [];
  const signal = new AbortController().signal;
  const slot = async (): Promise<void> => {
    for (let id = await next(); id !== undefined; id = await next()) {
      const startedAt = Date.now();
      const t0 = performance.now();
      const r = await runAgentTask({
        task: { id, kind: 'agent', prompt: g.prompt(id), owns: g.owns(id), reads: [], dependsOn: [...(deps.get(id) ?? [])], line: 1, column: 1 },
        workspace: new MemoryWorkspace({ ...g.files }),
        taskFilePath: '.agents/tasks.yaml',
        // Their outputs go into its system prompt, as in a run.
        dependencies: (deps.get(id) ?? []).map((d) => done.get(d) as TaskOutput),
        client,
        gate,
        signal,
        onTranscript: () => undefined,
        onProgress: () => undefined,
      });
      if (r.status !== 'succeeded') throw new Error(`agents alone, ${id}: ${r.status} ${r.error ?? ''}`);
      tasks.push({ id, ms: performance.now() - t0, startedAt, finishedAt: Date.now() });
      done.set(id, { taskId: id, output: r.output, changed: r.changed });
      wake();
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency }, slot));
  } finally {
    gate.dispose();
  }
  return tasks;
}
