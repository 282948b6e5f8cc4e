// `parallel-agents run [DIR] [--file F] [--only a,b] [--concurrency N] [--apply] [--max-cost USD] [--json]`
import { MAX_CONCURRENCY } from '../../core';
import { RunSetupError, startRun, type Run } from '../../engine';
import { intFlag, listFlag, parseArgs } from '../args';
import { commandSpec } from '../commandSpecs';
import { resolveDir } from '../dirArg';
import { formatMs } from '../format';
import { usageLine } from '../help';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIO } from '../io';
import { noKeyHint } from '../noKeyHint';
import { LiveView } from '../liveView';
import { renderSummary, summarize } from '../runSummary';

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
