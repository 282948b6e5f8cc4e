// `parallel-agents undo [DIR] RUN [--force]`: restores the working tree as it was before
// the run was applied; refuses to overwrite edits made after the apply unless --force.
import { undoApply, type UndoResult } from '../../git';
import { parseArgs } from '../args';
import { commandSpec } from '../commandSpecs';
import { followUp } from '../dirArg';
import { cappedLines, plural } from '../format';
import { usageLine } from '../help';
import { EXIT_OK, type CliCommand } from '../io';
import { loadRun, openRepoForCli, splitDirRun, toCliError } from './runs';

const SPEC = commandSpec('undo');

export const undoCommand: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, SPEC);
  const { dir, run } = splitDirRun(io, args.positionals, usageLine(SPEC), false);
  const repo = await openRepoForCli(io, dir);
  const runId = run === 'last' || run === 'latest' ? (await loadRun(repo, run)).runId : run;
  let r: UndoResult;
  try {
    r = await undoApply(repo, runId, { force: args.flags.force === true });
  } catch (e) {
    throw toCliError(e);
  }
  const lines = [`Undid the apply of run ${r.runId}: ${plural(r.restored.length + r.removed.length, 'file')} back as before.`];
  const files = [...r.restored.map((p) => `  restored ${p}`), ...r.removed.map((p) => `  removed ${p}`), ...r.skipped.map((s) => `  left alone ${s.path}: ${s.reason}`)];
  lines.push(...cappedLines(files, '  ', `\`${followUp(io, repo.root, 'show', r.runId)}\` lists the run's files`));
  io.stdout(lines.join('\n') + '\n');
  return EXIT_OK;
};
