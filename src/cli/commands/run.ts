// `parallel-agents run [DIR] [--file F] [--only a,b] [--concurrency N] [--apply] [--max-cost USD] [--json]`
import { MAX_CONCURRENCY } from '../../core';
import { RunSetupError, leftOutLines, runTokens, startRun, strategyJson, strategyLines, workspacePath, type Run, type RunRecord, type TaskRecord } from '../../engine';
import { intFlag, listFlag, parseArgs } from '../args';
import { commandSpec } from '../commandSpecs';
import { followUp, resolveDir } from '../dirArg';
import { cappedLines, formatMs, formatSpeedup, formatUsd, plural, statusMark } from '../format';
import { usageLine } from '../help';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIO } from '../io';
import { noKeyHint } from '../noKeyHint';
import { violationLines } from './apply';
import { LiveView } from '../liveView';

const SPEC = commandSpec('run');

export const runCommand: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, SPEC);
  if (args.positionals.length > 1) throw new CliError(`too many arguments\n${usageLine(SPEC)}`, EXIT_USAGE);
  const workspace = resolveDir(io, args.positionals[0], true);
  const concurrency = intFlag(args.flags.concurrency, 'concurrency', 1, MAX_CONCURRENCY, SPEC);
  const only = listFlag(args.flags.only);
  const json = args.flags.json === true;
  const maxCost = args.flags['max-cost'] !== undefined ? Number(args.flags['max-cost']) : undefined;
  if (maxCost !== undefined && !(maxCost > 0)) throw new CliError(`--max-cost must be a positive number of US dollars\n${usageLine(SPEC)}`, EXIT_USAGE);

  let run: Run;
  try {
    run = await startRun({
      workspace,
      ...(typeof args.flags.file === 'string' && { taskFile: args.flags.file }),
      ...(only && { only }),
      ...(concurrency !== undefined && { concurrency }),
      ...(maxCost !== undefined && { maxCostUsd: maxCost }),
      apply: args.flags.apply === true,
      signal: io.interrupt,
      ...(io.env.ANTHROPIC_API_KEY !== undefined && { apiKey: io.env.ANTHROPIC_API_KEY }),
      ...(io.env.ANTHROPIC_BASE_URL !== undefined && { baseURL: io.env.ANTHROPIC_BASE_URL }),
      ...(io.env.PARALLEL_AGENTS_MAX_RETRIES !== undefined && { maxRetries: Number(io.env.PARALLEL_AGENTS_MAX_RETRIES) }),
      log: (level, message) => {
        if (level !== 'info' || io.env.PARALLEL_AGENTS_DEBUG) io.stderr(`${level}: ${message}\n`);
      },
    });
  } catch (e) {
    if (e instanceof RunSetupError) throw new CliError(e.message + noKeyHint(io, e), EXIT_FAILURE);
    throw e;
  }

  const display = json ? undefined : io.isTTY ? liveView(io, run) : new PlainDisplay(io, run);
  run.onDidPause((message) => {
    if (message === undefined) return;
    // Nobody can answer a prompt in a pipe: stop cleanly and keep what is finished.
    io.stderr(`paused: ${message}\n`);
    run.cancel(`paused by the API (${message}); finished work is kept — raise the limit and run again`);
  });
  const view = await run.done;
  display?.dispose();
  run.dispose();

  const report = summarize(view);
  if (json) io.stdout(JSON.stringify(report, null, 2) + '\n');
  else io.stdout(renderSummary(view, report, io));
  const applyFailed = args.flags.apply === true && view.status === 'succeeded' && !view.applyResult;
  const ok = view.status === 'succeeded' && !applyFailed && report.conflicts.length === 0 && (view.applyResult?.binaryConflicts.length ?? 0) === 0;
  return ok ? EXIT_OK : EXIT_FAILURE;
};

export function summarize(v: RunRecord) {
  const finished = v.tasks.filter((t) => t.finishedAt !== undefined);
  const lastFinish = Math.max(v.startedAt, ...finished.map((t) => t.finishedAt as number));
  const wallMs = lastFinish - v.startedAt;
  const sumTaskMs = v.tasks.reduce((s, t) => s + (t.ms ?? 0), 0);
  const applied = v.applyResult;
  const conflicts = applied
    ? applied.conflicts.map((c) => ({ path: c.path, tasks: c.tasks }))
    : (v.analysis?.overlaps ?? []).filter((o) => o.conflicting).map((o) => ({ path: o.path, tasks: o.tasks }));
  return {
    runId: v.runId,
    status: v.status,
    ...(v.stopReason !== undefined && { stopReason: v.stopReason }),
    wallMs,
    sumTaskMs,
    // A cancelled or interrupted run measured nothing worth a speedup.
    speedup: claimsSpeedup(v) && wallMs > 0 ? round2(sumTaskMs / wallMs) : null,
    /** What the plan expected under the concurrency cap: the headline. */
    expectedSpeedup: round2(v.expectedSpeedup ?? 1),
    /** Amdahl's figure with unlimited slots, only ever shown as "uncapped". */
    uncappedSpeedup: round2(v.predictedSpeedup ?? 1),
    tokens: runTokens(v),
    costUsd: v.tasks.reduce((s, t) => s + t.costUsd, 0),
    tasks: v.tasks.map((t) => ({
      id: t.id,
      kind: t.kind,
      status: t.status,
      ms: t.ms ?? 0,
      tokens: { input: t.tokens.input, output: t.tokens.output, cacheRead: t.tokens.cacheRead, cacheWrite: t.tokens.cacheWrite },
      costUsd: t.costUsd,
      // Workspace-relative, as the agents saw them (the record's are repository-relative).
      changed: (t.changed ?? []).map((p) => workspacePath(v, p)),
      output: t.output ?? '',
      ...((t.error ?? t.reason) !== undefined && { error: t.error ?? t.reason }),
      ...(t.stopReason !== undefined && t.stopReason !== 'done' && { stopReason: t.stopReason }),
      ...(t.resultCommit !== undefined && { resultCommit: t.resultCommit }),
      ...(t.ignoredOutputs !== undefined && { ignoredOutputs: t.ignoredOutputs }),
      ...(t.outsideWrites !== undefined && { outsideWrites: t.outsideWrites }),
      ...strategyJson(workspaceStrategy(v, t)),
    })),
    overlaps: (v.analysis?.overlaps ?? []).map((o) => ({ path: o.path, tasks: o.tasks, conflicting: o.conflicting })),
    violations: (v.analysis?.violations ?? []).map((x) => ({ task: x.task, path: x.path, ...(x.outsideWorkspace && { outsideWorkspace: true }) })),
    conflicts,
    applied: applied
      ? { files: applied.applied, merged: applied.merged, skipped: applied.skipped, binaryConflicts: applied.binaryConflicts, violations: applied.violations }
      : null,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const claimsSpeedup = (v: RunRecord) => v.status !== 'cancelled' && v.status !== 'interrupted';

/** A task's strategy with its attempts' paths workspace-relative, as `run` has always reported them. */
function workspaceStrategy(v: RunRecord, t: TaskRecord): TaskRecord['strategy'] {
  const c = t.strategy?.competitive;
  if (!c || !v.prefix) return t.strategy;
  return { ...t.strategy, competitive: { ...c, attempts: c.attempts.map((a) => ({ ...a, changed: a.changed.map((p) => workspacePath(v, p)) })) } };
}

function renderSummary(v: RunRecord, r: ReturnType<typeof summarize>, io: CliIO): string {
  const lines: string[] = [''];
  const cmd = (command: string) => followUp(io, v.repoRoot, command, v.runId);
  for (const t of v.tasks) {
    const detail = t.status === 'succeeded' ? `${plural((t.changed ?? []).length, 'file')} changed` : (t.error ?? t.reason ?? '');
    lines.push(`  ${statusMark(t.status)} ${t.id.padEnd(14)} ${t.status.padEnd(9)} ${formatMs(t.ms ?? 0).padStart(7)}  ${formatUsd(t.costUsd).padStart(7)}  ${detail}`);
    lines.push(...strategyLines(t.strategy, '      '));
    lines.push(...leftOutLines(t, '      '));
  }
  lines.push('');
  lines.push(`  Run ${v.runId}: ${v.status}${v.stopReason ? ` (${v.stopReason})` : ''}`);
  const times = `  Wall-clock ${formatMs(r.wallMs)} · sum of task times ${formatMs(r.sumTaskMs)}`;
  lines.push(
    r.speedup === null
      ? times
      : `${times} · measured speedup ${formatSpeedup(r.speedup)} (expected ${formatSpeedup(r.expectedSpeedup)} with up to ${v.concurrency} at once)`,
  );
  lines.push(`  Tokens in ${r.tokens.input} · out ${r.tokens.output} · cache read ${r.tokens.cacheRead} · cost ${formatUsd(r.costUsd)}`);
  for (const o of r.overlaps) lines.push(`  ${o.conflicting ? 'conflict' : 'overlap (merges cleanly)'}: ${o.path} (${o.tasks.join(', ')})`);
  for (const x of r.violations) {
    lines.push(`  ownership violation: ${x.task} ${x.outsideWorkspace ? `wrote ${x.path}, outside the workspace folder (not kept)` : `changed ${x.path}, which it does not own`}`);
  }
  const applied = v.applyResult;
  if (applied) {
    lines.push(`  Applied ${plural(applied.applied.length, 'file')}${applied.conflicts.length ? `, ${applied.conflicts.length} with conflict markers` : ''}; undo with: ${cmd('undo')}`);
    const seeAll = `\`${cmd('show')}\` lists the run's files`;
    const cap = (l: string[]) => cappedLines(l, '  ', seeAll);
    lines.push(...cap(applied.skipped.map((s) => `  skipped ${s.path}: ${s.reason}`)));
    lines.push(...violationLines(applied, io, v.repoRoot, cap, false).map((l) => `  ${l}`));
  } else if (v.status === 'succeeded') {
    lines.push(`  Review: ${cmd('show')} · apply: ${cmd('apply')}`);
  } else {
    lines.push(`  Finished work is kept: ${cmd('show')}`);
  }
  return lines.join('\n') + '\n';
}

/** Plain lines, one per state change: for pipes and CI logs. */
class PlainDisplay {
  private readonly sub: { dispose(): void };
  constructor(io: CliIO, run: Run) {
    this.sub = run.onDidChangeTask((t) => {
      const extra = t.status === 'running' ? '' : ` ${formatMs(t.ms ?? 0)}${t.error ?? t.reason ? ` — ${t.error ?? t.reason}` : ''}`;
      io.stdout(`${new Date().toISOString().slice(11, 19)} ${t.id}: ${t.status}${extra}\n`);
    });
  }
  dispose(): void {
    this.sub.dispose();
  }
}

/** The live view on the terminal (24 × 80 when it does not say its size). */
function liveView(io: CliIO, run: Run): LiveView {
  const terminal = { write: (t: string) => io.stdout(t), size: () => io.terminalSize?.() ?? { rows: 24, columns: 80 } };
  return new LiveView(terminal, run, { interrupt: io.interrupt });
}
