// `parallel-agents undo [DIR] RUN [--force]`: restores the working tree as it was before
// the run was applied; refuses to overwrite edits made after the apply unless --force.
import { undoApply, type UndoResult } from '../../git/undo';
import { parseArgs } from '../args';
import { EXIT_OK, type CliCommand } from '../io';
import { loadRun, openRepoForCli, splitDirRun, toCliError } from './runs';

export const UNDO_USAGE = 'usage: parallel-agents undo [DIR] RUN [--force]';

export const undoCommand: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, { force: 'boolean' }, UNDO_USAGE);
  const { dir, run } = splitDirRun(io, args.positionals, UNDO_USAGE, false);
  const repo = await openRepoForCli(io, dir);
  const runId = run === 'last' || run === 'latest' ? (await loadRun(repo, run)).runId : run;
  let r: UndoResult;
  try {
    r = await undoApply(repo, runId, { force: args.flags.force === true });
  } catch (e) {
    throw toCliError(e);
  }
  const n = r.restored.length + r.removed.length;
  io.stdout(`Undid the apply of run ${r.runId}: ${n} file${n === 1 ? '' : 's'} back as before.\n`);
  for (const p of r.restored) io.stdout(`  restored ${p}\n`);
  for (const p of r.removed) io.stdout(`  removed ${p}\n`);
  return EXIT_OK;
};
