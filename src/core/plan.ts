// Independence analysis: for every pair of tasks, the lesson's three questions —
// data dependency, resource conflict (same files), order sensitivity (cycles) — and what
// follows from the answers: waves, the critical path and the speedups (the headline is
// `expectedSpeedup`, the one the concurrency cap allows).
import { orderCycle, stronglyConnected } from './graphCycles';
import { compileGlobs, ownershipOverlap } from './glob';
import { importEdgeBetween, type ImportGraph } from './importGraph';
import { candidatePairs } from './planPairs';
import type { Task, TaskFile } from './taskSchema';

export interface PlanDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly code: 'cycle' | 'ownership-conflict' | 'inferred-dependency' | 'import-dependency' | 'unknown-dependency';
  readonly message: string;
  /** The tasks involved; the first one's position is where the diagnostic points. */
  readonly tasks: readonly string[];
  readonly line?: number;
  readonly column?: number;
  /** An example path involved (conflicts and inferred dependencies). */
  readonly path?: string;
}

export interface PlannedTask {
  readonly id: string;
  readonly kind: Task['kind'];
  readonly dependsOn: readonly string[];
  /** 1-based; 0 for tasks caught in a cycle. */
  readonly wave: number;
  /** Estimated duration: milliseconds from history, else 1 unit. */
  readonly estimate: number;
  /** Slots the task occupies while it runs (competitive attempts, consensus voters). */
  readonly slots: number;
  readonly earliestStart: number;
  readonly earliestFinish: number;
  /**
   * The longest path from this task's start to the end of the run, its own estimate
   * included: the run starts ready tasks highest first (the list schedule of expectedMakespan).
   */
  readonly bottomLevel: number;
  readonly onCriticalPath: boolean;
}

export interface Plan {
  readonly tasks: readonly PlannedTask[];
  readonly waves: readonly (readonly string[])[];
  readonly criticalPath: readonly string[];
  /** Length of the critical path, in the estimates' unit. */
  readonly criticalPathLength: number;
  /** Sum of all task estimates (× slots): the one-at-a-time duration. */
  readonly totalWork: number;
  /** `ms` when every estimate came from measured history, else `tasks` (1 per task). */
  readonly unit: 'ms' | 'tasks';
  /**
   * Amdahl: total work ÷ critical path — the speedup with unlimited agents. Not the
   * headline (the cap usually forbids it): front ends show it only labelled "uncapped".
   */
  readonly predictedSpeedup: number;
  /** Agents at once: the task file's `concurrency` or the caller's override. */
  readonly concurrency: number;
  /** total ÷ max(critical path, total ÷ concurrency): no schedule under the cap can beat it. */
  readonly speedupBound: number;
  /** Makespan of a critical-path-first list schedule under the cap (what we expect to see). */
  readonly expectedMakespan: number;
  /**
   * The headline speedup, everywhere a plan or a run summary shows one (CLI, CodeLens,
   * plan panel): total work ÷ expectedMakespan, what the concurrency cap allows.
   * 1 ≤ expectedSpeedup ≤ speedupBound ≤ concurrency, and ≤ predictedSpeedup.
   * Write it with `formatSpeedup`.
   */
  readonly expectedSpeedup: number;
  readonly errors: readonly PlanDiagnostic[];
  readonly warnings: readonly PlanDiagnostic[];
}

export interface PlanOptions {
  /** Measured durations (ms) of past runs, by task id. */
  readonly history?: ReadonlyMap<string, number>;
  /** Workspace files, to name a real example path in ownership conflicts. */
  readonly files?: readonly string[];
  /** Overrides the task file's concurrency (the CLI's --concurrency, a setting). */
  readonly concurrency?: number;
  /** The workspace's import graph (core/importGraph.ts): data dependencies read from the code. */
  readonly imports?: ImportGraph;
}

/** How every front end writes a speedup: `2.00×`. */
export function formatSpeedup(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}×` : '–';
}

export function slotsOf(t: Task): number {
  const s = t.strategy;
  if (s?.type === 'competitive') return s.attempts;
  if (s?.type === 'consensus') return s.voters;
  return 1;
}

export function planTasks(file: TaskFile, options: PlanOptions = {}): Plan {
  const tasks = file.tasks;
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const errors: PlanDiagnostic[] = [];
  const warnings: PlanDiagnostic[] = [];
  const at = (t: Task) => ({ line: t.line, column: t.column });

  const deps = new Map<string, string[]>();
  for (const t of tasks) {
    const known = t.dependsOn.filter((d) => byId.has(d) && d !== t.id);
    for (const d of t.dependsOn) {
      if (!byId.has(d)) {
        errors.push({ severity: 'error', code: 'unknown-dependency', message: `task "${t.id}" depends on unknown task "${d}"`, tasks: [t.id], ...at(t) });
      }
    }
    deps.set(t.id, known);
  }

  // Order sensitivity: cycles (Tarjan's strongly connected components).
  const inCycle = new Set<string>();
  for (const scc of stronglyConnected(tasks.map((t) => t.id), deps)) {
    const selfLoop = scc.length === 1 && (deps.get(scc[0] as string) ?? []).includes(scc[0] as string);
    if (scc.length < 2 && !selfLoop) continue;
    const cycle = orderCycle(scc, deps);
    for (const id of scc) inCycle.add(id);
    const first = byId.get(cycle[0] as string) as Task;
    errors.push({
      severity: 'error',
      code: 'cycle',
      message: `dependency cycle: ${[...cycle, cycle[0]].join(' → ')} (each depends on the next); remove one of these dependsOn entries so the tasks can be ordered`,
      tasks: cycle,
      ...at(first),
    });
  }

  // Waves: 1 + the latest wave of the dependencies (tasks in or after a cycle get 0).
  const wave = new Map<string, number>();
  const waveOf = (id: string, stack = new Set<string>()): number => {
    const known = wave.get(id);
    if (known !== undefined) return known;
    if (inCycle.has(id) || stack.has(id)) return 0;
    stack.add(id);
    let w = 1;
    for (const d of deps.get(id) ?? []) {
      const dw = waveOf(d, stack);
      if (dw === 0) {
        w = 0;
        break;
      }
      w = Math.max(w, dw + 1);
    }
    stack.delete(id);
    wave.set(id, w);
    return w;
  };
  for (const t of tasks) waveOf(t.id);

  const ancestors = transitiveAncestors(tasks.map((t) => t.id), deps);
  const ordered = (a: string, b: string) => ancestors.get(a)?.has(b) || ancestors.get(b)?.has(a);

  const owns = ownsFile(tasks);
  // Resource conflicts and inferred data dependencies, for every pair that can have one
  // (planPairs.ts; the others cannot clash, read each other's files or import them).
  for (const [i, j] of candidatePairs(tasks, options.imports, owns)) {
    const a = tasks[i] as Task;
    const b = tasks[j] as Task;
    if (ordered(a.id, b.id)) continue;
    const clash = ownershipOverlap(a.owns, b.owns, options.files);
    if (clash) {
      errors.push({
        severity: 'error',
        code: 'ownership-conflict',
        message:
          `tasks "${a.id}" and "${b.id}" can run at the same time but both own ${JSON.stringify(clash.example)} ` +
          `("${a.id}" owns ${JSON.stringify(clash.globA)}, "${b.id}" owns ${JSON.stringify(clash.globB)}); ` +
          `split the ownership so no path matches both, or add \`dependsOn: [${a.id}]\` to "${b.id}"`,
        tasks: [b.id, a.id],
        path: clash.example,
        ...at(b),
      });
    }
    for (const [reader, writer] of [
      [a, b],
      [b, a],
    ] as const) {
      const shared = reader.reads.length ? ownershipOverlap(reader.reads, writer.owns, options.files) : undefined;
      if (shared) {
        warnings.push({
          severity: 'warning',
          code: 'inferred-dependency',
          message:
            `task "${reader.id}" reads ${JSON.stringify(shared.example)}, which task "${writer.id}" may write, but nothing orders them; ` +
            `add \`dependsOn: [${writer.id}]\` to "${reader.id}" if it needs "${writer.id}"'s result`,
          tasks: [reader.id, writer.id],
          path: shared.example,
          ...at(reader),
        });
      }
      // What the code imports, when the declared reads did not already say so.
      const edge = !shared && options.imports && importEdgeBetween(options.imports, reader.id, writer.id, owns);
      if (edge) {
        warnings.push({
          severity: 'warning',
          code: 'import-dependency',
          message:
            `task "${reader.id}" owns ${JSON.stringify(edge.file)}, which imports ${JSON.stringify(edge.imported)} that task "${writer.id}" owns, ` +
            `but nothing orders them; add \`dependsOn: [${writer.id}]\` to "${reader.id}" if its change needs "${writer.id}"'s`,
          tasks: [reader.id, writer.id],
          path: edge.file,
          ...at(reader),
        });
      }
    }
  }

  // Estimates: history where known (ms); unknown tasks get the median of the known ones.
  const history = options.history ?? new Map<string, number>();
  const knownMs = tasks.map((t) => history.get(t.id)).filter((v): v is number => v !== undefined && v > 0);
  const unit: Plan['unit'] = knownMs.length ? 'ms' : 'tasks';
  const fallback = knownMs.length ? median(knownMs) : 1;
  const estimate = new Map(tasks.map((t) => [t.id, history.get(t.id) ?? fallback]));

  // Critical path over the acyclic part (earliest start/finish with unlimited agents).
  const acyclic = tasks.filter((t) => (wave.get(t.id) ?? 0) > 0).sort((x, y) => (wave.get(x.id) as number) - (wave.get(y.id) as number));
  const start = new Map<string, number>();
  const finish = new Map<string, number>();
  const via = new Map<string, string>();
  for (const t of acyclic) {
    let s = 0;
    for (const d of deps.get(t.id) ?? []) {
      const f = finish.get(d) ?? 0;
      if (f > s) {
        s = f;
        via.set(t.id, d);
      }
    }
    start.set(t.id, s);
    finish.set(t.id, s + (estimate.get(t.id) as number));
  }
  let end: string | undefined;
  for (const t of acyclic) if (end === undefined || (finish.get(t.id) as number) > (finish.get(end) as number)) end = t.id;
  const criticalPath: string[] = [];
  for (let cur = end; cur !== undefined; cur = via.get(cur)) criticalPath.unshift(cur);
  const critical = new Set(criticalPath);
  const criticalPathLength = end !== undefined ? (finish.get(end) as number) : 0;

  const concurrency = options.concurrency ?? file.concurrency;
  const totalWork = acyclic.reduce((sum, t) => sum + (estimate.get(t.id) as number) * slotsOf(t), 0);
  const expectedMakespan = listScheduleMakespan(acyclic, deps, estimate, concurrency);
  const bottom = bottomLevels(acyclic, deps, estimate);
  const ratio = (a: number, b: number) => (b > 0 ? a / b : 1);

  const maxWave = Math.max(0, ...wave.values());
  const waves: string[][] = [];
  for (let w = 1; w <= maxWave; w++) waves.push(tasks.filter((t) => wave.get(t.id) === w).map((t) => t.id).sort());

  return {
    tasks: tasks.map((t) => ({
      id: t.id,
      kind: t.kind,
      dependsOn: deps.get(t.id) ?? [],
      wave: wave.get(t.id) ?? 0,
      estimate: estimate.get(t.id) as number,
      slots: slotsOf(t),
      earliestStart: start.get(t.id) ?? 0,
      earliestFinish: finish.get(t.id) ?? 0,
      bottomLevel: bottom.get(t.id) ?? 0,
      onCriticalPath: critical.has(t.id),
    })),
    waves,
    criticalPath,
    criticalPathLength,
    totalWork,
    unit,
    predictedSpeedup: ratio(totalWork, criticalPathLength),
    concurrency,
    speedupBound: ratio(totalWork, Math.max(criticalPathLength, totalWork / concurrency)),
    expectedMakespan,
    expectedSpeedup: ratio(totalWork, expectedMakespan),
    errors,
    warnings,
  };
}

/** Whether a task owns a file, each task's globs compiled once and each answer kept. */
function ownsFile(tasks: readonly Task[]): (task: string, file: string) => boolean {
  const globs = new Map(tasks.map((t) => [t.id, compileGlobs(t.owns)]));
  const memo = new Map<string, boolean>();
  return (task, file) => {
    const key = `${task}\0${file}`;
    let v = memo.get(key);
    if (v === undefined) memo.set(key, (v = globs.get(task)?.matches(file) ?? false));
    return v;
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Simulates the scheduler with the estimates: whenever slots are free, start the ready
 * task with the longest remaining path (ties by id). A task with N slots (attempts,
 * voters) runs as N jobs and finishes with the last of them.
 */
function childrenOf(tasks: readonly Pick<Task, 'id'>[], deps: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const ids = new Set(tasks.map((t) => t.id));
  const children = new Map<string, string[]>();
  for (const t of tasks) for (const d of deps.get(t.id) ?? []) if (ids.has(d)) children.set(d, [...(children.get(d) ?? []), t.id]);
  return children;
}

/** Each task's longest path to the end (its own estimate included) over `tasks`, which must be acyclic. */
export function bottomLevels(
  tasks: readonly Pick<Task, 'id'>[],
  deps: ReadonlyMap<string, readonly string[]>,
  estimate: ReadonlyMap<string, number>,
): Map<string, number> {
  const children = childrenOf(tasks, deps);
  const bottom = new Map<string, number>();
  const bl = (id: string): number => {
    const k = bottom.get(id);
    if (k !== undefined) return k;
    const v = (estimate.get(id) ?? 1) + Math.max(0, ...(children.get(id) ?? []).map(bl));
    bottom.set(id, v);
    return v;
  };
  for (const t of tasks) bl(t.id);
  return bottom;
}

export function listScheduleMakespan(
  tasks: readonly Task[],
  deps: ReadonlyMap<string, readonly string[]>,
  estimate: ReadonlyMap<string, number>,
  cap: number,
): number {
  if (!tasks.length) return 0;
  const ids = new Set(tasks.map((t) => t.id));
  const children = childrenOf(tasks, deps);
  const bottom = bottomLevels(tasks, deps, estimate);
  const bl = (id: string): number => bottom.get(id) ?? 0;
  const remainingDeps = new Map(tasks.map((t) => [t.id, (deps.get(t.id) ?? []).filter((d) => ids.has(d)).length]));
  const jobsLeft = new Map(tasks.map((t) => [t.id, slotsOf(t)]));
  // Ties by id in localeCompare's order, ranked once: sorting the queue with localeCompare
  // at every step made planning 1,000 tasks take a second.
  const rank = new Map([...ids].sort((a, b) => a.localeCompare(b)).map((id, i) => [id, i]));
  const before = (a: string, b: string) => bl(b) - bl(a) || (rank.get(a) as number) - (rank.get(b) as number);
  const queue: string[] = []; // one entry per job, kept in `before` order
  const enqueue = (id: string) => {
    let lo = 0;
    let hi = queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(queue[mid] as string, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    queue.splice(lo, 0, ...Array.from({ length: jobsLeft.get(id) as number }, () => id));
  };
  for (const t of tasks) if (remainingDeps.get(t.id) === 0) enqueue(t.id);
  const running: Array<{ id: string; end: number }> = [];
  const unfinishedJobs = new Map(jobsLeft);
  let now = 0;
  let makespan = 0;
  while (queue.length || running.length) {
    while (running.length < cap && queue.length) {
      const id = queue.shift() as string;
      running.push({ id, end: now + (estimate.get(id) ?? 1) });
    }
    running.sort((a, b) => a.end - b.end);
    const next = running.shift();
    if (!next) break;
    now = next.end;
    makespan = Math.max(makespan, now);
    const left = (unfinishedJobs.get(next.id) as number) - 1;
    unfinishedJobs.set(next.id, left);
    if (left === 0) {
      for (const c of children.get(next.id) ?? []) {
        const r = (remainingDeps.get(c) as number) - 1;
        remainingDeps.set(c, r);
        if (r === 0) enqueue(c);
      }
    }
  }
  return makespan;
}

function transitiveAncestors(ids: readonly string[], deps: ReadonlyMap<string, readonly string[]>): Map<string, Set<string>> {
  const memo = new Map<string, Set<string>>();
  const get = (id: string, stack: Set<string>): Set<string> => {
    const known = memo.get(id);
    if (known) return known;
    const acc = new Set<string>();
    if (stack.has(id)) return acc;
    stack.add(id);
    for (const d of deps.get(id) ?? []) {
      acc.add(d);
      for (const a of get(d, stack)) acc.add(a);
    }
    stack.delete(id);
    memo.set(id, acc);
    return acc;
  };
  for (const id of ids) get(id, new Set());
  return memo;
}
