// `parallel-agents show [DIR] RUN [TASK] [--json]`: a run's status, changed files,
// diffstat, overlaps and ownership violations (from git diff of the result commits).
import { analysisInputs, leftOutLines, strategyLines, taskOf } from '../../engine';
import { analyseRun, readApplyRecord, type ApplyRecord, type ChangedFile, type RunAnalysis, type Violation } from '../../git';
import { parseArgs } from '../args';
import { commandSpec } from '../commandSpecs';
import { followUp } from '../dirArg';
import { usageLine } from '../help';
import { CliError, EXIT_OK, EXIT_USAGE, type CliCommand } from '../io';
import { formatDuration, isoTime, loadRun, openRepoForCli, runDurationMs, splitDirRun, toCliError } from './runs';

const SPEC = commandSpec('show');

/**
 * What the apply did with a violation: a path it did not write was left out; one it wrote
 * that no other task changed was included. (Written and changed by another task too: the
 * record cannot tell whose change it was, so nothing is claimed.)
 */
function appliedNote(v: Violation, record: ApplyRecord, analysis: RunAnalysis): string {
  if (!record.paths.includes(v.path)) return ' — left out of the apply';
  const others = analysis.tasks.some((t) => t.id !== v.task && t.changed.some((c) => c.path === v.path));
  return others ? '' : ' — included in the apply';
}

const STATUS_LETTER = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed' } as const;
const REGULAR = '100644';
const ABSENT = '000000';

/** `modified, +3 -1`; a mode-only change as `mode 100644 → 100755`; a new file's unusual mode. */
export function changeDetail(c: ChangedFile): string {
  const delta = c.binary ? 'binary' : `+${c.additions} -${c.deletions}`;
  const modeChanged = c.oldMode !== c.newMode && c.oldMode !== ABSENT && c.newMode !== ABSENT;
  const mode = modeChanged ? `mode ${c.oldMode} → ${c.newMode}` : c.status === 'A' && c.newMode !== REGULAR ? `mode ${c.newMode}` : '';
  if (modeChanged && c.status === 'M' && c.oldSha === c.newSha) return mode;
  return [STATUS_LETTER[c.status], delta, mode].filter(Boolean).join(', ');
}

export const showCommand: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, SPEC);
  const { dir, run, task } = splitDirRun(io, args.positionals, usageLine(SPEC), true);
  const repo = await openRepoForCli(io, dir);
  const j = await loadRun(repo, run);
  if (task !== undefined && !taskOf(j, task)) {
    throw new CliError(`run ${j.runId} has no task “${task}”; its tasks: ${j.tasks.map((t) => t.id).join(', ') || 'none'}`, EXIT_USAGE);
  }
  let analysis: RunAnalysis;
  let record: ApplyRecord | undefined;
  try {
    [analysis, record] = await Promise.all([analyseRun(repo, { runId: j.runId, tasks: analysisInputs(j) }), readApplyRecord(repo, j.runId)]);
  } catch (e) {
    throw toCliError(e);
  }
  if (args.flags.json === true) {
    const sel = task === undefined ? analysis : {
      ...analysis,
      tasks: analysis.tasks.filter((t) => t.id === task),
      overlaps: analysis.overlaps.filter((o) => o.tasks.includes(task)),
      violations: analysis.violations.filter((v) => v.task === task),
    };
    const journal = task === undefined ? j : { ...j, tasks: j.tasks.filter((t) => t.id === task) };
    io.stdout(JSON.stringify({ journal, analysis: sel }, null, 2) + '\n');
    return EXIT_OK;
  }
  const out: string[] = [];
  const shown = task === undefined ? j.tasks : j.tasks.filter((t) => t.id === task);
  if (task === undefined) {
    out.push(`Run ${j.runId}: ${j.status}${j.finishedAt !== undefined ? ` in ${formatDuration(runDurationMs(j))}` : ''}`);
    out.push(`  started ${isoTime(j.startedAt)}, base ${j.baseCommit.slice(0, 12)}, concurrency ${j.concurrency}`);
    if (j.applied) {
      out.push(`  ${j.applied.undoneAt ? 'applied, then undone' : j.applied.error ? `apply failed (${j.applied.error})` : 'applied'} at ${j.applied.at} (tasks ${j.applied.tasks.join(', ')})`);
    }
    out.push('');
  }
  for (const t of shown) {
    const id = t.id;
    const a = analysis.tasks.find((x) => x.id === id);
    const cost = t.costUsd !== undefined ? `, $${t.costUsd.toFixed(4)}` : '';
    const tokens = t.tokens ? `, ${t.tokens.input + t.tokens.output} tokens` : '';
    const stat = a ? `, ${a.changed.length} file${a.changed.length === 1 ? '' : 's'} +${a.additions} -${a.deletions}` : '';
    out.push(`${id} (${t.kind}): ${t.status}${t.ms !== undefined ? ` in ${formatDuration(t.ms)}` : ''}${stat}${tokens}${cost}`);
    // An undecided task's reason ("did not decide: a tie …") is not an error.
    const why = t.error ?? t.reason;
    if (why) out.push(t.status === 'undecided' ? `  ${why}` : `  error: ${why}`);
    out.push(...strategyLines(t.strategy, '  '));
    out.push(...leftOutLines(t, '  '));
    if (a) {
      for (const c of a.changed) {
        const name = c.oldPath !== undefined ? `${c.oldPath} -> ${c.path}` : c.path;
        out.push(`  ${c.status} ${name}  (${changeDetail(c)})`);
      }
    }
    if (task !== undefined) {
      if (t.baseCommit) out.push(`  base ${t.baseCommit}`);
      if (t.resultCommit) out.push(`  result ${t.resultCommit}`);
      if (t.output) out.push('', 'Output:', t.output.trimEnd());
    }
  }
  const overlaps = analysis.overlaps.filter((o) => task === undefined || o.tasks.includes(task));
  const violations = analysis.violations.filter((v) => task === undefined || v.task === task);
  out.push('');
  if (overlaps.length === 0) out.push('Overlaps: none');
  else {
    out.push('Overlaps:');
    for (const o of overlaps) {
      out.push(
        `  ${o.path}: ${o.tasks.join(', ')} — ${o.conflicting ? `CONFLICT (${o.conflictingPairs.map((p) => p.join(' vs ')).join('; ')})` : 'disjoint changes, merges cleanly'}`,
      );
    }
  }
  if (violations.length === 0) out.push('Ownership violations: none');
  else {
    out.push('Ownership violations:');
    const applied = record?.status === 'applied' ? record : undefined;
    for (const v of violations) {
      if (v.outsideWorkspace) out.push(`  ${v.task} wrote ${v.path}, outside the workspace folder (not kept)`);
      else out.push(`  ${v.task} changed ${v.path}, outside what it owns${applied ? appliedNote(v, applied, analysis) : ''}`);
    }
    if (!applied && violations.some((v) => !v.outsideWorkspace)) {
      out.push(`  apply leaves these out; take them with: ${followUp(io, repo.root, 'apply', j.runId, '--include-violations')} (or --include-violations=PATHS)`);
    }
  }
  io.stdout(out.join('\n') + '\n');
  return EXIT_OK;
};
