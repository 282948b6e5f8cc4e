// `parallel-agents apply [DIR] RUN [--only a,b] [--discard-violations] [--json]`:
// 3-way apply of a run's results into the working tree. Exit 1 when conflicts remain.
import { applyRun, type ApplyResult } from '../../git/apply';
import { listFlag, parseArgs } from '../args';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliCommand } from '../io';
import { loadRun, openRepoForCli, splitDirRun, toCliError } from './runs';
import { analysableTasks } from './show';

export const APPLY_USAGE = 'usage: parallel-agents apply [DIR] RUN [--only a,b] [--discard-violations] [--json]';

export function formatApplyResult(r: ApplyResult): string {
  const out: string[] = [];
  out.push(`Applied run ${r.runId}: ${r.applied.length} file${r.applied.length === 1 ? '' : 's'} written.`);
  for (const p of r.applied) out.push(`  ${p}`);
  if (r.merged.length) out.push(`Merged cleanly: ${r.merged.join(', ')}`);
  if (r.skipped.length) {
    out.push('Skipped:');
    for (const s of r.skipped) out.push(`  ${s.path}: ${s.reason}`);
  }
  const left = r.violations.filter((v) => !v.included);
  if (left.length) out.push('Left out (not written):', ...left.map((v) => `  ${v.path}: outside what task ${v.task} owns`));
  if (r.conflicts.length) {
    out.push('Conflicts (resolve the markers, or undo):');
    for (const c of r.conflicts) {
      out.push(`  ${c.path}: ${c.tasks.join(' vs ')}${c.kind === 'modify/delete' ? ' (one side deleted the file; the other version was kept)' : c.kind === 'symlink' ? ' (your symbolic link was kept; the tasks would replace it)' : ''}`);
    }
  }
  if (r.binaryConflicts.length) {
    out.push('Binary conflicts (your file was left untouched):');
    for (const c of r.binaryConflicts) out.push(`  ${c.path}: ${c.tasks.join(' vs ')}`);
  }
  out.push(`Undo with: parallel-agents undo ${r.runId}`);
  return out.join('\n') + '\n';
}

export const applyCommand: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, { only: 'string', 'discard-violations': 'boolean', json: 'boolean' }, APPLY_USAGE);
  const { dir, run } = splitDirRun(io, args.positionals, APPLY_USAGE, false);
  const only = listFlag(args.flags.only);
  const repo = await openRepoForCli(io, dir);
  const j = await loadRun(repo, run);
  if (only) {
    const unknown = only.filter((id) => !j.tasks[id]);
    if (unknown.length) throw new CliError(`run ${j.runId} has no task ${unknown.join(', ')}; its tasks: ${Object.keys(j.tasks).join(', ')}`, EXIT_USAGE);
    const notDone = only.filter((id) => j.tasks[id]?.status !== 'succeeded' || !j.tasks[id]?.resultCommit);
    if (notDone.length) throw new CliError(`cannot apply ${notDone.join(', ')}: only succeeded tasks have results to apply`, EXIT_FAILURE);
  }
  const tasks = analysableTasks(j, only).filter((t) => j.tasks[t.id]?.status === 'succeeded');
  if (tasks.length === 0) throw new CliError(`run ${j.runId} has no succeeded task to apply`, EXIT_FAILURE);
  let r: ApplyResult;
  try {
    r = await applyRun(repo, {
      runId: j.runId,
      runBase: j.baseCommit,
      tasks: tasks.map((t) => ({ ...t, owns: j.tasks[t.id]?.owns ?? ['**'] })),
    });
  } catch (e) {
    throw toCliError(e);
  }
  if (args.flags.json === true) io.stdout(JSON.stringify(r, null, 2) + '\n');
  else io.stdout(formatApplyResult(r));
  const unresolved = r.conflicts.length + r.binaryConflicts.length;
  if (unresolved) io.stderr(`${unresolved} conflict${unresolved === 1 ? '' : 's'} left unresolved\n`);
  return unresolved ? EXIT_FAILURE : EXIT_OK;
};
