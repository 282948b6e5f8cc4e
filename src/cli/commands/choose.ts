// `parallel-agents choose [DIR] RUN TASK ATTEMPT`: make another attempt of a competitive
// task its result (before applying), e.g. when the score picked one you like less.
import { chooseAttempt } from '../../engine';
import { parseArgs } from '../args';
import { commandSpec } from '../commandSpecs';
import { followUp } from '../dirArg';
import { usageLine } from '../help';
import { CliError, EXIT_OK, EXIT_USAGE, type CliCommand } from '../io';
import { loadRun, openRepoForCli, splitDirRun, toCliError } from './runs';

const SPEC = commandSpec('choose');
const CHOOSE_USAGE = usageLine(SPEC);

export const chooseCommand: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, SPEC);
  const positionals = [...args.positionals];
  const attemptArg = positionals.pop();
  const attempt = Number(attemptArg);
  if (attemptArg === undefined || !Number.isInteger(attempt) || attempt < 1) {
    throw new CliError(`ATTEMPT must be an attempt number (1, 2, …; \`parallel-agents show RUN TASK\` lists them)\n${CHOOSE_USAGE}`, EXIT_USAGE);
  }
  const { dir, run, task } = splitDirRun(io, positionals, CHOOSE_USAGE, true);
  if (task === undefined) throw new CliError(`missing TASK\n${CHOOSE_USAGE}`, EXIT_USAGE);
  const repo = await openRepoForCli(io, dir);
  const runId = (await loadRun(repo, run)).runId;
  try {
    const r = await chooseAttempt(repo, runId, task, attempt);
    io.stdout(
      `Task ${r.taskId} of run ${runId}: attempt ${r.chosen} is now its result` +
        (r.previous !== null ? ` (was attempt ${r.previous})` : '') +
        `; apply with: ${followUp(io, repo.root, 'apply', runId)}\n`,
    );
    if (r.staleDependents.length) {
      io.stdout(`  note: ${r.staleDependents.join(', ')} ran on top of the previous result and do not see this one; run them again if they depend on it\n`);
    }
  } catch (e) {
    throw toCliError(e);
  }
  return EXIT_OK;
};
