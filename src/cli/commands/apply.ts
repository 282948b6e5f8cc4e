// `parallel-agents apply [DIR] RUN [--only a,b] [--include-violations[=PATHS]] [--json]`:
// 3-way apply of a run's results into the working tree. Exit 1 when conflicts remain.
// Changes outside a task's `owns` are left out unless the user includes them (C2).
import { applyInputs, taskOf } from '../../engine';
import { applyRun, type ApplyResult } from '../../git';
import { listFlag, parseArgs } from '../args';
import { commandSpec } from '../commandSpecs';
import { followUp } from '../dirArg';
import { cappedLines, plural } from '../format';
import { usageLine } from '../help';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIO } from '../io';
import { loadRun, openRepoForCli, splitDirRun, toCliError } from './runs';

const SPEC = commandSpec('apply');

/** What an apply did, paths capped (`show RUN` and `--json` have them all). */
export function formatApplyResult(r: ApplyResult, io: CliIO, repoRoot: string): string {
  const seeAll = `\`${followUp(io, repoRoot, 'show', r.runId)}\` lists them`;
  const cap = (lines: string[]) => cappedLines(lines, '  ', seeAll);
  const out: string[] = [];
  out.push(`Applied run ${r.runId}: ${plural(r.applied.length, 'file')} written.`);
  out.push(...cap(r.applied.map((p) => `  ${p}`)));
  if (r.merged.length) out.push(`Merged cleanly (${r.merged.length}):`, ...cap(r.merged.map((p) => `  ${p}`)));
  if (r.skipped.length) out.push('Skipped:', ...cap(r.skipped.map((s) => `  ${s.path}: ${s.reason}`)));
  out.push(...violationLines(r, io, repoRoot, cap));
  if (r.conflicts.length) {
    out.push('Conflicts (resolve the markers, or undo):');
    out.push(...cap(r.conflicts.map((c) => `  ${c.path}: ${c.tasks.join(' vs ')}${CONFLICT_NOTE[c.kind]}`)));
  }
  if (r.binaryConflicts.length) {
    out.push('Binary conflicts (your file was left untouched):');
    out.push(...cap(r.binaryConflicts.map((c) => `  ${c.path}: ${c.tasks.join(' vs ')}`)));
  }
  out.push(`Undo with: ${followUp(io, repoRoot, 'undo', r.runId)}`);
  return out.join('\n') + '\n';
}

const CONFLICT_NOTE: Record<ApplyResult['conflicts'][number]['kind'], string> = {
  content: '',
  'modify/delete': ' (one side deleted the file; the other version was kept)',
  symlink: ' (your symbolic link was kept; the tasks would replace it)',
};

/**
 * Violations included and left out, and how to take the left-out ones: an applied run is
 * not applied twice, so the way is undo, then apply with --include-violations (all, or
 * the paths named). `list`: name each one (the run summary has listed them already).
 */
export function violationLines(r: Pick<ApplyResult, 'runId' | 'violations'>, io: CliIO, repoRoot: string, cap: (lines: string[]) => string[], list = true): string[] {
  const out: string[] = [];
  const included = r.violations.filter((v) => v.included);
  const left = r.violations.filter((v) => !v.included);
  if (included.length && list) out.push('Included ownership violations (you asked for them):', ...cap(included.map((v) => `  ${v.path} (${v.task})`)));
  if (left.length === 0) return out;
  if (list) out.push(`Left out ${plural(left.length, 'ownership violation')} (changes outside what the task owns; not written):`, ...cap(left.map((v) => `  ${v.path} (${v.task})`)));
  else out.push(`Left out ${plural(left.length, 'ownership violation')} (not written).`);
  const paths = [...new Set(left.map((v) => v.path))];
  const named = paths.length <= 3 ? paths.join(',') : `${paths.slice(0, 2).join(',')},…`;
  out.push(
    `To take ${left.length === 1 ? 'it' : 'them'}: ${followUp(io, repoRoot, 'undo', r.runId)} && ${followUp(io, repoRoot, 'apply', r.runId, '--include-violations')}` +
      (paths.length > 1 ? ` (or --include-violations=${named} for some)` : ''),
  );
  return out;
}

/** `--include-violations` alone: all; `=a,b`: those repository paths; absent: none. */
function includeViolations(v: string | boolean | undefined): boolean | string[] | undefined {
  if (v === true) return true;
  return listFlag(v);
}

export const applyCommand: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, SPEC);
  const { dir, run } = splitDirRun(io, args.positionals, usageLine(SPEC), false);
  const only = listFlag(args.flags.only);
  const include = includeViolations(args.flags['include-violations']);
  const repo = await openRepoForCli(io, dir);
  const j = await loadRun(repo, run);
  if (only) {
    const unknown = only.filter((id) => !taskOf(j, id));
    if (unknown.length) throw new CliError(`run ${j.runId} has no task ${unknown.join(', ')}; its tasks: ${j.tasks.map((t) => t.id).join(', ')}`, EXIT_USAGE);
    const notDone = only.filter((id) => taskOf(j, id)?.status !== 'succeeded' || !taskOf(j, id)?.resultCommit);
    if (notDone.length) throw new CliError(`cannot apply ${notDone.join(', ')}: only succeeded tasks have results to apply`, EXIT_FAILURE);
  }
  // The engine's one answer to what apply takes and in what order (a task after what it builds on).
  const tasks = applyInputs(j, only ? { only } : {});
  if (tasks.length === 0) throw new CliError(`run ${j.runId} has no succeeded task to apply`, EXIT_FAILURE);
  let r: ApplyResult;
  try {
    r = await applyRun(repo, {
      runId: j.runId,
      runBase: j.baseCommit,
      tasks,
      ...(include !== undefined && { includeViolations: include }),
    });
  } catch (e) {
    throw toCliError(e);
  }
  if (args.flags.json === true) io.stdout(JSON.stringify(r, null, 2) + '\n');
  else io.stdout(formatApplyResult(r, io, repo.root));
  if (Array.isArray(include)) {
    const seen = new Set(r.violations.map((v) => v.path));
    const stray = include.filter((p) => !seen.has(p));
    if (stray.length) io.stderr(`--include-violations: ${stray.join(', ')} ${stray.length === 1 ? 'is not an ownership violation' : 'are not ownership violations'} of run ${r.runId} (paths are relative to the repository)\n`);
  }
  const unresolved = r.conflicts.length + r.binaryConflicts.length;
  if (unresolved) io.stderr(`${plural(unresolved, 'conflict')} left unresolved\n`);
  return unresolved ? EXIT_FAILURE : EXIT_OK;
};
