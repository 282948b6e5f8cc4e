// `npm run bench`: measures each claim against its baseline in the same process run and
// prints a table (or, with --json, one object per metric). Never part of `npm test`.
//
//   npm run bench -- [--json] [--only NAME[,NAME…]] [--runs N]
//
// NAME is a group (isolation, snapshot, orchestration, apply, wholeRun, memory, extension)
// or a metric name. Every measurement is repeated (--runs, default 5, at least 1) and
// reported as the median with its spread (min–max).
import { applyBench } from './applyBench';
import { extensionBench } from './extension';
import { isolationBench, measureWorktrees8 } from './isolation';
import type { BenchContext, Metric } from './metric';
import { memoryBench, wholeRunBench } from './wholeRun';
import { orchestrationBench } from './orchestration';
import { snapshotBench } from './snapshot';
import { fmtMs, type Sample } from './stats';

interface Group {
  readonly name: string;
  readonly run: (ctx: BenchContext) => Promise<Metric[]>;
}

// Cheap and quiet groups first; the worktree baseline (gigabytes of writes) runs last, so
// its disk writeback does not slow the other measurements down.
const GROUPS: Group[] = [
  { name: 'snapshot', run: snapshotBench },
  { name: 'apply', run: applyBench },
  { name: 'orchestration', run: orchestrationBench },
  { name: 'wholeRun', run: wholeRunBench },
  { name: 'memory', run: memoryBench },
  { name: 'isolation', run: isolationBench },
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

function fmtValue(m: Metric, x: number | null): string {
  if (x === null) return '–';
  if (m.unit === 'ms') return fmtMs(x);
  if (m.unit === 'MB') return `${x.toFixed(0)} MB`;
  if (m.unit === 'KB') return `${x.toFixed(0)} KB`;
  if (m.unit === 'bytes') return `${(x / 1024).toFixed(0)} KB`;
  return `${x.toFixed(3)} ${m.unit}`.trim();
}

function fmtRatio(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return '–';
  if (r >= 100) return `${r.toFixed(0)}×`;
  if (r >= 10) return `${r.toFixed(1)}×`;
  return `${r.toFixed(3)}`;
}

function spread(m: Metric, s: Sample | undefined): string {
  if (!s) return '';
  return `${fmtValue(m, s.min)}–${fmtValue(m, s.max)}`;
}

export function table(metrics: readonly Metric[]): string {
  const rows: string[][] = [['metric', 'value (min–max)', 'baseline (min–max)', 'ratio', 'target', 'ok']];
  for (const m of metrics) {
    const v = m.value === null ? 'not measured' : `${fmtValue(m, m.value)}${m.valueSpread ? ` (${spread(m, m.valueSpread)})` : ''}`;
    const b = m.baseline === null ? '–' : `${fmtValue(m, m.baseline)}${m.baselineSpread ? ` (${spread(m, m.baselineSpread)})` : ''}`;
    rows.push([m.name, v, b, fmtRatio(m.ratio), m.target, m.ok === null ? '–' : m.ok ? 'yes' : 'NO']);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] as string).length)));
  const line = (r: string[]) => '| ' + r.map((x, c) => x.padEnd(widths[c] as number)).join(' | ') + ' |';
  const out = [line(rows[0] as string[]), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.slice(1).map(line)];
  const notes: string[] = [];
  for (const m of metrics) {
    notes.push(`- ${m.name}: ${m.title}${m.baselineTitle ? `; baseline: ${m.baselineTitle}` : ''}`);
    for (const n of m.notes ?? []) notes.push(`    ${n}`);
  }
  return out.join('\n') + '\n\n' + notes.join('\n') + '\n';
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
  let wt8: Promise<Sample> | undefined;
  const ctx: BenchContext = { runs: args.runs, log, worktrees8: () => (wt8 ??= measureWorktrees8(args.runs, log)) };
  const wanted = (g: Group) => !args.only || args.only.some((o) => o === g.name || o.startsWith(`${g.name}.`) || o === g.name.toLowerCase());
  const groups = GROUPS.filter(wanted);
  if (!groups.length) {
    process.stderr.write(`bench: nothing matches --only ${args.only?.join(',')}; groups: ${GROUPS.map((g) => g.name).join(', ')}\n`);
    return 2;
  }
  const metrics: Metric[] = [];
  for (const g of groups) {
    log(`${g.name}…`);
    const t0 = Date.now();
    try {
      const ms = await g.run(ctx);
      metrics.push(...ms.filter((m) => !args.only || args.only.includes(g.name) || args.only.includes(m.name)));
    } catch (e) {
      log(`${g.name} failed: ${(e as Error).stack ?? String(e)}`);
      metrics.push({ name: g.name, group: g.name, title: `${g.name} (failed)`, unit: '', value: null, baseline: null, ratio: null, target: '', ok: false, notes: [`failed: ${(e as Error).message}`] });
    }
    log(`${g.name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
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
