// `parallel-agents prune [DIR] [--keep N] [--older-than D] [--force] [--dry-run] [--json]`:
// deletes old runs' refs, journals, transcripts and apply records (pruneRuns, contract C4);
// git gc reclaims their objects later. Says what it pruned, what it kept and why.
import { pruneRuns, type PruneResult } from '../../git';
import { intFlag, parseArgs } from '../args';
import { commandSpec } from '../commandSpecs';
import { parseDuration } from '../duration';
import { cappedLines, plural } from '../format';
import { usageLine } from '../help';
import { CliError, EXIT_OK, EXIT_USAGE, type CliCommand } from '../io';
import { openRepoForCli, toCliError } from './runs';

const SPEC = commandSpec('prune');

export const pruneCommand: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, SPEC);
  if (args.positionals.length > 1) throw new CliError(`too many arguments\n${usageLine(SPEC)}`, EXIT_USAGE);
  const keep = intFlag(args.flags.keep, 'keep', 0, 1_000_000, SPEC);
  const olderThan = args.flags['older-than'];
  const olderThanMs = typeof olderThan === 'string' ? parseDuration(olderThan) : undefined;
  if (typeof olderThan === 'string' && olderThanMs === undefined) {
    throw new CliError(`--older-than takes a duration like 30m, 12h or 7d, not "${olderThan}"\n${usageLine(SPEC)}`, EXIT_USAGE);
  }
  if (keep === undefined && olderThanMs === undefined) {
    throw new CliError(`say which runs to prune: --keep N (all but the newest N; 0 for every run that may go) or --older-than D (e.g. 7d)\n${usageLine(SPEC)}`, EXIT_USAGE);
  }
  const dryRun = args.flags['dry-run'] === true;
  const repo = await openRepoForCli(io, args.positionals[0]);
  let r: PruneResult;
  try {
    r = await pruneRuns(repo, {
      ...(keep !== undefined && { keep }),
      ...(olderThanMs !== undefined && { olderThanMs }),
      force: args.flags.force === true,
      dryRun,
    });
  } catch (e) {
    throw toCliError(e);
  }
  if (args.flags.json === true) io.stdout(JSON.stringify({ dryRun, ...r }, null, 2) + '\n');
  else io.stdout(formatPruneResult(r, dryRun));
  return EXIT_OK;
};

export function formatPruneResult(r: PruneResult, dryRun: boolean): string {
  const seeAll = '--json lists them all';
  const out: string[] = [];
  if (r.pruned.length === 0) out.push(dryRun ? 'Would prune no run.' : 'Pruned no run.');
  else {
    out.push(`${dryRun ? 'Would prune' : 'Pruned'} ${plural(r.pruned.length, 'run')}:`);
    out.push(...cappedLines(r.pruned.map((id) => `  ${id}`), '  ', seeAll));
  }
  if (r.kept.length) {
    out.push(`Kept ${plural(r.kept.length, 'run')}:`);
    out.push(...cappedLines(r.kept.map((k) => `  ${k.runId}: ${k.reason}`), '  ', seeAll));
  }
  if (dryRun) out.push('Dry run: nothing was changed.');
  else if (r.pruned.length) out.push('Their objects stay in .git until git gc removes them.');
  return out.join('\n') + '\n';
}
