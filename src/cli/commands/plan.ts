// `parallel-agents plan [DIR] [--file F] [--json] [--concurrency N]`
import * as path from 'node:path';
import {
  planTasks,
  type Plan,
  type PlanDiagnostic,
  readImportGraph,
  MAX_CONCURRENCY,
  findTaskFile,
  formatProblem,
  loadTaskFile,
  TaskFileNotFoundError,
  workspaceRootOf,
  type Problem,
} from '../../core';
import { intFlag, parseArgs } from '../args';
import { commandSpec } from '../commandSpecs';
import { resolveDir } from '../dirArg';
import { formatMs, formatSpeedup } from '../format';
import { usageLine } from '../help';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIO } from '../io';
import { listWorkspaceFiles } from '../../engine';
import { loadHistory } from '../history';

const SPEC = commandSpec('plan');

export const planCommand: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, SPEC);
  if (args.positionals.length > 1) throw new CliError(`too many arguments\n${usageLine(SPEC)}`, EXIT_USAGE);
  const dir = resolveDir(io, args.positionals[0], true);
  const concurrency = intFlag(args.flags.concurrency, 'concurrency', 1, MAX_CONCURRENCY, SPEC);
  const json = args.flags.json === true;

  let taskFilePath: string;
  try {
    taskFilePath = await findTaskFile(dir, typeof args.flags.file === 'string' ? args.flags.file : undefined);
  } catch (e) {
    if (e instanceof TaskFileNotFoundError) throw new CliError(e.message, EXIT_FAILURE);
    throw e;
  }
  const display = displayPath(io, taskFilePath);
  const loaded = await loadTaskFile(taskFilePath, display);
  if (!loaded.taskFile) {
    reportProblems(io, json, display, loaded.problems);
    return EXIT_FAILURE;
  }
  const root = workspaceRootOf(taskFilePath);
  const [files, history] = await Promise.all([listWorkspaceFiles(root), loadHistory(root)]);
  const imports = await readImportGraph(root, files);
  const plan = planTasks(loaded.taskFile, { files, history, imports, ...(concurrency !== undefined && { concurrency }) });
  const warnings = [...loaded.problems.map((p) => problemJson(p)), ...plan.warnings.map((d) => diagnosticJson(display, d))];
  const errors = plan.errors.map((d) => diagnosticJson(display, d));

  if (json) {
    io.stdout(JSON.stringify(planJson(display, loaded.taskFile.tasks, plan, warnings, errors), null, 2) + '\n');
  } else {
    io.stdout(renderPlan(display, plan));
  }
  for (const w of warnings) io.stderr(`${w.file}:${w.line}:${w.column}: warning: ${w.message}\n`);
  for (const e of errors) io.stderr(`${e.file}:${e.line}:${e.column}: ${e.message}\n`);
  return errors.length ? EXIT_FAILURE : EXIT_OK;
};

export function displayPath(io: CliIO, p: string): string {
  const rel = path.relative(io.cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

export function reportProblems(io: CliIO, json: boolean, file: string, problems: readonly Problem[]): void {
  if (json) {
    const errors = problems.filter((p) => p.severity === 'error').map(problemJson);
    const warnings = problems.filter((p) => p.severity === 'warning').map(problemJson);
    io.stdout(JSON.stringify({ file, tasks: [], waves: [], criticalPath: [], expectedSpeedup: null, predictedSpeedup: null, warnings, errors }, null, 2) + '\n');
  }
  for (const p of problems) io.stderr(formatProblem(p) + '\n');
  const count = problems.filter((p) => p.severity === 'error').length;
  io.stderr(`${file}: ${count} problem${count === 1 ? '' : 's'}; fix ${count === 1 ? 'it' : 'them'} and run the command again\n`);
}

interface DiagnosticJson {
  file: string;
  line: number;
  column: number;
  message: string;
  code?: string;
  tasks?: readonly string[];
  path?: string;
}

function problemJson(p: Problem): DiagnosticJson {
  return { file: p.file, line: p.line, column: p.column, message: p.message };
}

function diagnosticJson(file: string, d: PlanDiagnostic): DiagnosticJson {
  return {
    file,
    line: d.line ?? 1,
    column: d.column ?? 1,
    message: d.message,
    code: d.code,
    tasks: d.tasks,
    ...(d.path !== undefined && { path: d.path }),
  };
}

export function planJson(
  file: string,
  tasks: ReadonlyArray<{ id: string; kind: string; owns: readonly string[]; reads: readonly string[]; title?: string }>,
  plan: Plan,
  warnings: DiagnosticJson[],
  errors: DiagnosticJson[],
) {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return {
    file,
    tasks: plan.tasks.map((t) => ({
      id: t.id,
      kind: t.kind,
      ...(byId.get(t.id)?.title !== undefined && { title: byId.get(t.id)?.title }),
      dependsOn: t.dependsOn,
      owns: byId.get(t.id)?.owns ?? [],
      reads: byId.get(t.id)?.reads ?? [],
      wave: t.wave,
      estimate: t.estimate,
      slots: t.slots,
      onCriticalPath: t.onCriticalPath,
    })),
    waves: plan.waves,
    criticalPath: plan.criticalPath,
    criticalPathLength: plan.criticalPathLength,
    totalWork: plan.totalWork,
    unit: plan.unit,
    predictedSpeedup: round(plan.predictedSpeedup),
    concurrency: plan.concurrency,
    speedupBound: round(plan.speedupBound),
    expectedSpeedup: round(plan.expectedSpeedup),
    warnings,
    errors,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

export function formatDuration(value: number, unit: Plan['unit']): string {
  return unit === 'tasks' ? `${round(value)} task${value === 1 ? '' : 's'}` : formatMs(value);
}

/** Tasks named per wave before the rest are counted. */
const WAVE_CAP = 20;

export function renderPlan(file: string, plan: Plan): string {
  const lines: string[] = [];
  const n = plan.tasks.length;
  lines.push(`Plan for ${file}: ${n} task${n === 1 ? '' : 's'}, up to ${plan.concurrency} at once`, '');
  const deps = new Map(plan.tasks.map((t) => [t.id, t.dependsOn]));
  const critical = new Set(plan.criticalPath);
  let cut = false;
  plan.waves.forEach((wave, i) => {
    // A wave of hundreds of tasks on one line is unreadable: name the critical path's task
    // and the first others, count the rest (`--json` has every one).
    const shown = wave.length <= WAVE_CAP ? wave : [...wave.filter((id) => critical.has(id)), ...wave.filter((id) => !critical.has(id))].slice(0, WAVE_CAP);
    const parts = shown.map((id) => {
      const d = deps.get(id) ?? [];
      return d.length ? `${id} (after ${d.join(', ')})` : id;
    });
    if (wave.length > shown.length) {
      parts.push(`… and ${wave.length - shown.length} more`);
      cut = true;
    }
    lines.push(`  Wave ${i + 1}  ${parts.join('  ·  ')}`);
  });
  if (cut) lines.push(`  (waves of more than ${WAVE_CAP} tasks are cut short; \`plan --json\` lists every task)`);
  const cyclic = plan.tasks.filter((t) => t.wave === 0).map((t) => t.id);
  if (cyclic.length) lines.push(`  Not schedulable (in or after a cycle): ${cyclic.join(', ')}`);
  lines.push('');
  if (plan.criticalPath.length) {
    const label = (s: string) => `  ${s.padEnd(19)}`;
    lines.push(`${label('Critical path')}${plan.criticalPath.join(' → ')}  (${formatDuration(plan.criticalPathLength, plan.unit)})`);
    // The headline is what the concurrency cap allows; Amdahl's uncapped figure only as such.
    lines.push(
      `${label('Expected speedup')}${formatSpeedup(plan.expectedSpeedup)} with up to ${plan.concurrency} at once  (${formatDuration(plan.expectedMakespan, plan.unit)} instead of ${formatDuration(plan.totalWork, plan.unit)})`,
    );
    lines.push(
      `${label('Uncapped')}${formatSpeedup(plan.predictedSpeedup)}  (Amdahl, unlimited slots: ${formatDuration(plan.totalWork, plan.unit)} of work ÷ ${formatDuration(plan.criticalPathLength, plan.unit)} on the critical path)`,
    );
    lines.push(`${label('Estimates')}${plan.unit === 'ms' ? 'from measured past runs' : '1 per task (no run history yet)'}`);
  }
  if (plan.errors.length) lines.push('', `  ${plan.errors.length} error${plan.errors.length === 1 ? '' : 's'} (below): the tasks cannot run as written`);
  return lines.join('\n') + '\n';
}
