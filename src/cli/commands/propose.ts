// `parallel-agents propose [DIR] "GOAL" [--write] [--json] [--max-tasks N]`
// A planner agent proposes a task file for the goal; the proposal and its plan are printed.
// Only --write saves it, and then the task file it replaces is kept as a backup.
import {
  DEFAULT_MAX_TASKS,
  proposeTasks,
  ProposeSetupError,
  writeProposal,
  type ProposalFinding,
  type ProposalRound,
  type ProposeResult,
  type WrittenProposal,
} from '../../engine';
import { intFlag, parseArgs } from '../args';
import { commandSpec } from '../commandSpecs';
import { followUp, resolveDir } from '../dirArg';
import { formatUsd, plural } from '../format';
import { usageLine } from '../help';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIO } from '../io';
import { noKeyHint } from '../noKeyHint';
import { planJson, renderPlan } from './plan';

const SPEC = commandSpec('propose');
const MAX_TASKS = 20;

export const proposeCommand: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, SPEC);
  if (args.positionals.length > 2) throw new CliError(`too many arguments; put the goal in quotes\n${usageLine(SPEC)}`, EXIT_USAGE);
  const goal = args.positionals.at(-1)?.trim();
  if (!goal) throw new CliError(`say what the tasks should achieve: parallel-agents propose "GOAL"\n${usageLine(SPEC)}`, EXIT_USAGE);
  const workspace = resolveDir(io, args.positionals.length === 2 ? args.positionals[0] : undefined);
  const maxTasks = intFlag(args.flags['max-tasks'], 'max-tasks', 1, MAX_TASKS, SPEC) ?? DEFAULT_MAX_TASKS;
  const json = args.flags.json === true;
  const write = args.flags.write === true;

  io.stderr(`The planner is reading ${workspace} to split the goal into at most ${maxTasks} tasks…\n`);
  let result: ProposeResult;
  try {
    result = await proposeTasks({
      workspace,
      goal,
      maxTasks,
      signal: io.interrupt,
      ...(io.env.ANTHROPIC_API_KEY !== undefined && { apiKey: io.env.ANTHROPIC_API_KEY }),
      ...(io.env.ANTHROPIC_BASE_URL !== undefined && { baseURL: io.env.ANTHROPIC_BASE_URL }),
      ...(io.env.PARALLEL_AGENTS_MAX_RETRIES !== undefined && { maxRetries: Number(io.env.PARALLEL_AGENTS_MAX_RETRIES) }),
      onRound: (r) => io.stderr(roundLine(r) + '\n'),
    });
  } catch (e) {
    if (e instanceof ProposeSetupError) throw new CliError(e.message + noKeyHint(io, e), EXIT_FAILURE);
    throw e;
  }

  const written = result.status === 'proposed' && write ? await writeProposal(workspace, result) : undefined;
  if (json) io.stdout(JSON.stringify(proposeJson(result, written), null, 2) + '\n');
  else io.stdout(renderProposal(result));
  for (const w of result.warnings) io.stderr(`${result.taskFilePath}:${w.line}:${w.column}: warning: ${w.message}\n`);
  if (result.status === 'cancelled') {
    io.stderr('cancelled: the planner was stopped; nothing was written\n');
    return EXIT_FAILURE;
  }
  if (result.status === 'failed') {
    io.stderr(`parallel-agents propose: ${result.error ?? 'the planner failed'}\n`);
    return EXIT_FAILURE;
  }
  io.stderr(written ? writtenLines(io, workspace, written) : `Not written. To save it as ${result.taskFilePath}: add --write${replacesNote(result)}\n`);
  return EXIT_OK;
};

function replacesNote(r: ProposeResult): string {
  return r.replaces ? ` (the current ${r.replaces} is then kept as a backup)` : '';
}

function writtenLines(io: CliIO, workspace: string, w: WrittenProposal): string {
  const lines = [`Wrote ${w.path}.`];
  for (const b of w.backups) lines.push(`It replaces ${b.replaced}, kept as ${b.backup} (restore it with: mv ${b.backup} ${b.replaced}).`);
  lines.push(`Check it with \`${followUp(io, workspace, 'plan')}\`, run it with \`${followUp(io, workspace, 'run')}\`.`);
  return lines.join('\n') + '\n';
}

function findingsSummary(fs: readonly ProposalFinding[]): string {
  const codes = [...new Set(fs.map((f) => f.code ?? 'task file'))];
  return codes.join(', ');
}

/** `round 1: not valid — 1 error (ownership-conflict); sent back to the planner` */
export function roundLine(r: ProposalRound): string {
  const parts: string[] = [];
  if (r.errors.length) parts.push(`${plural(r.errors.length, 'error')} (${findingsSummary(r.errors)})`);
  if (r.warnings.length) parts.push(`${plural(r.warnings.length, 'warning')} (${findingsSummary(r.warnings)})`);
  const verdict = r.valid ? (parts.length ? 'valid' : 'valid, nothing found') : 'not valid';
  return `  round ${r.round}: ${plural(r.tasks.length, 'task')}, ${verdict}${parts.length ? ` — ${parts.join(', ')}` : ''}`;
}

export function renderProposal(r: ProposeResult): string {
  const lines: string[] = [];
  const cost = `${plural(r.turns, 'turn')}, ${formatUsd(r.costUsd)}`;
  if (r.status !== 'proposed' || r.yaml === undefined || !r.plan) {
    lines.push(`No task file for "${r.goal}" (${plural(r.rounds.length, 'proposal')}, ${cost}).`);
    if (r.rounds.length) lines.push('', 'Rounds:', ...r.rounds.map(roundLine));
    return lines.join('\n') + '\n';
  }
  lines.push(`Proposed ${r.taskFilePath} for "${r.goal}" (round ${r.chosenRound} of ${r.rounds.length}, ${cost}):`, '');
  lines.push(...r.yaml.trimEnd().split('\n').map((l) => `  ${l}`), '');
  lines.push(renderPlan(`${r.taskFilePath} (proposed)`, r.plan).trimEnd(), '');
  lines.push('Rounds (what the analysis caught):', ...r.rounds.map(roundLine));
  return lines.join('\n') + '\n';
}

function findingJson(file: string, f: ProposalFinding) {
  return { file, line: f.line, column: f.column, severity: f.severity, message: f.message, ...(f.code !== undefined && { code: f.code }), ...(f.tasks && { tasks: f.tasks }) };
}

export function proposeJson(r: ProposeResult, written: WrittenProposal | undefined) {
  const file = r.taskFilePath;
  return {
    status: r.status,
    goal: r.goal,
    file,
    proposal: r.yaml ?? null,
    plan: r.plan && r.taskFile ? planJson(file, r.taskFile.tasks, r.plan, r.warnings.map((w) => findingJson(file, w)), []) : null,
    chosenRound: r.chosenRound ?? null,
    rounds: r.rounds.map((x) => ({
      round: x.round,
      valid: x.valid,
      tasks: x.tasks,
      errors: x.errors.map((f) => findingJson(file, f)),
      warnings: x.warnings.map((f) => findingJson(file, f)),
      feedback: x.feedback,
    })),
    warnings: r.warnings.map((w) => findingJson(file, w)),
    written: written ?? null,
    ...(r.error !== undefined && { error: r.error }),
    turns: r.turns,
    tokens: r.tokens,
    costUsd: r.costUsd,
    model: r.model,
  };
}
