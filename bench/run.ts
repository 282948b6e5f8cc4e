// `npm run bench`: measures each claim against its baseline in the same process run and
// prints a table (or, with --json, one object per metric). Never part of `npm test`.
//
//   npm run bench -- [--json] [--only NAME[,NAME…]] [--runs N]
//   npx tsx bench/table.ts results.json      (the table again, from a --json output)
//
// NAME is a group (isolation, sandbox, snapshot, orchestration, apply, wholeRun, memory, extension)
// or a metric name. Every measurement is repeated (--runs, default 5, at least 1) and
// reported as the median with its spread (min–max).
import { applyBench } from './applyBench';
import { extensionBench } from './extension';
import { isolationBench, measureWorktrees8, setWorktreeDiskKB } from './isolation';
import { isPending, type BenchContext, type BenchResult, type Metric } from './metric';
import { memoryBench, wholeRunBench } from './wholeRun';
import { orchestrationBench } from './orchestration';
import { sandboxBench } from './sandbox';
import { snapshotBench } from './snapshot';
import { table } from './table';

interface Group {
  readonly name: string;
  readonly run: (ctx: BenchContext) => Promise<BenchResult[]>;
}

// The worktree baseline (gigabytes of writes, then deletes) is measured after every group,
// so that it does not slow the other measurements down.
const GROUPS: Group[] = [
  { name: 'snapshot', run: snapshotBench },
  { name: 'apply', run: applyBench },
  { name: 'orchestration', run: orchestrationBench },
  { name: 'wholeRun', run: wholeRunBench },
  { name: 'memory', run: memoryBench },
  { name: 'isolation', run: isolationBench },
  { name: 'sandbox', run: sandboxBench },
  { name: 'extension', run: extensionBench },
];

interface Args {
  json: boolean;
  only: string[] | undefined;
  runs: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { json: false, only: undefined, runs: 5 };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i] as string;
    const val = () => {
      const eq = x.indexOf('=');
      if (eq >= 0) return x.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${x} needs a value`);
      return v;
    };
    if (x === '--json') a.json = true;
    else if (x === '--only' || x.startsWith('--only=')) a.only = [...(a.only ?? []), ...val().split(',').filter(Boolean)];
    else if (x === '--runs' || x.startsWith('--runs=')) {
      const n = Number(val());
      if (!Number.isInteger(n) || n < 1) throw new Error('--runs takes a whole number ≥ 1');
      a.runs = n;
    } else if (x === '--help' || x === '-h') {
      process.stdout.write('usage: npm run bench -- [--json] [--only NAME[,NAME…]] [--runs N]\n');
      process.exit(0);
    } else throw new Error(`unknown option ${x}`);
  }
  return a;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return 2;
  }
  const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);
  const ctx: BenchContext = { runs: args.runs, log };
  const wanted = (g: Group) => !args.only || args.only.some((o) => o === g.name || o.startsWith(`${g.name}.`) || o === g.name.toLowerCase());
  const groups = GROUPS.filter(wanted);
  if (!groups.length) {
    process.stderr.write(`bench: nothing matches --only ${args.only?.join(',')}; groups: ${GROUPS.map((g) => g.name).join(', ')}\n`);
    return 2;
  }
  const results: BenchResult[] = [];
  for (const g of groups) {
    log(`${g.name}…`);
    const t0 = Date.now();
    try {
      const ms = await g.run(ctx);
      results.push(...ms);
    } catch (e) {
      log(`${g.name} failed: ${(e as Error).stack ?? String(e)}`);
      results.push({ name: g.name, group: g.name, title: `${g.name} (failed)`, unit: '', value: null, baseline: null, ratio: null, target: '', ok: false, notes: [`failed: ${(e as Error).message}`] });
    }
    log(`${g.name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  let metrics: Metric[];
  if (results.some(isPending)) {
    log('baseline: git worktree add --detach on the 100k-file repository…');
    const t0 = Date.now();
    try {
      const wt = await measureWorktrees8(args.runs, log);
      setWorktreeDiskKB(wt.diskKB);
      metrics = results.map((r) => (isPending(r) ? r.pending(wt.sample) : r));
    } catch (e) {
      log(`worktree baseline failed: ${(e as Error).stack ?? String(e)}`);
      metrics = results.map((r) =>
        isPending(r)
          ? { name: 'worktrees8', group: 'baseline', title: 'worktree baseline (failed)', unit: '', value: null, baseline: null, ratio: null, target: '', ok: false, notes: [`failed: ${(e as Error).message}`] }
          : r,
      );
    }
    log(`baseline done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } else {
    metrics = results as Metric[];
  }
  if (args.only) metrics = metrics.filter((m) => args.only?.includes(m.group) || args.only?.includes(m.name) || groups.some((g) => g.name === m.group));
  if (args.json) process.stdout.write(JSON.stringify(metrics, null, 2) + '\n');
  else process.stdout.write(table(metrics));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
