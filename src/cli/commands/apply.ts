// `parallel-agents apply [DIR] RUN [--only a,b] [--include-violations[=PATHS]] [--json]`:
// 3-way apply of a run's results into the working tree. Exit 1 when conflicts remain.
import { applyInputs } from '../../engine';
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
  const left = r.violations.filter((v) => !v.included);
  if (left.length) out.push('Left out (not written):', ...cap(left.map((v) => `  ${v.path}: outside what task ${v.task} owns`)));
  if (r.conflicts.length) {
    out.push('Conflicts (resolve the markers, or undo):');
    out.push(
      ...cap(r.conflicts.map((c) => `  ${c.path}: ${c.tasks.join(' vs ')}${c.kind === 'modify/delete' ? ' (one side deleted the file; the other version was kept)' : c.kind === 'symlink' ? ' (your symbolic link was kept; the tasks would replace it)' : ''}`)),
    );
  }
  if (r.binaryConflicts.length) {
    out.push('Binary conflicts (your file was left untouched):');
    out.push(...cap(r.binaryConflicts.map((c) => `  ${c.path}: ${c.tasks.join(' vs ')}`)));
  }
  out.push(`Undo with: ${followUp(io, repoRoot, 'undo', r.runId)}`);
  return out.join('\n') + '\n';
}

export const applyCommand: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, SPEC);
  const { dir, run } = splitDirRun(io, args.positionals, usageLine(SPEC), false);
  const only = listFlag(args.flags.only);
  const repo = await openRepoForCli(io, dir);
  const j = await loadRun(repo, run);
  if (only) {
    const unknown = only.filter((id) => !j.tasks[id]);
    if (unknown.length) throw new CliError(`run ${j.runId} has no task ${unknown.join(', ')}; its tasks: ${Object.keys(j.tasks).join(', ')}`, EXIT_USAGE);
    const notDone = only.filter((id) => j.tasks[id]?.status !== 'succeeded' || !j.tasks[id]?.resultCommit);
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
    });
  } catch (e) {
    throw toCliError(e);
  }
  if (args.flags.json === true) io.stdout(JSON.stringify(r, null, 2) + '\n');
  else io.stdout(formatApplyResult(r, io, repo.root));
  const unresolved = r.conflicts.length + r.binaryConflicts.length;
  if (unresolved) io.stderr(`${unresolved} conflict${unresolved === 1 ? '' : 's'} left unresolved\n`);
  return unresolved ? EXIT_FAILURE : EXIT_OK;
};
