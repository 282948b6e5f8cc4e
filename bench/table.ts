// The results table (markdown), from metrics or from a `--json` output file:
//   npx tsx bench/table.ts results.json
import { readFileSync } from 'node:fs';
import type { Metric } from './metric';
import { fmtMs, type Sample } from './stats';

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


if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: tsx bench/table.ts results.json\n');
    process.exit(2);
  }
  process.stdout.write(table(JSON.parse(readFileSync(file, 'utf8')) as Metric[]));
}
