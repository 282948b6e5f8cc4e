// Analysis of a run with git diff: per task, the files it changed and its hunks against
// its base; overlaps between tasks (same file; hunks whose base line ranges meet are
// conflicts, disjoint ones merge cleanly); ownership violations (changes outside `owns`,
// judged by the plan's glob matcher).
import { compileGlobs } from '../core';
import { baseRange, parsePatchU0, parseRawZ, rangesMeet, type ChangeStatus, type FilePatch, type Hunk, type RawChange } from './diffParse';
import type { GitRepo } from './repo';
import { DIFF_TREE_ARGS, rawEnd } from './taskDiffs';

export interface AnalysedTaskInput {
  readonly id: string;
  readonly owns: readonly string[];
  readonly baseCommit: string;
  readonly resultCommit: string;
  /** Paths a command wrote outside its workspace folder (not in the result): violations too. */
  readonly outsideWrites?: readonly string[];
}

export interface ChangedFile {
  readonly path: string;
  readonly status: ChangeStatus;
  readonly oldPath?: string;
  readonly binary: boolean;
  readonly additions: number;
  readonly deletions: number;
  /** Modes from diff-tree's raw output ('000000' for an added or deleted side): a mode-only change shows as 100644 → 100755. */
  readonly oldMode: string;
  readonly newMode: string;
  readonly oldSha: string;
  readonly newSha: string;
}

export interface TaskHunk extends Hunk {
  readonly path: string;
}

export interface TaskAnalysis {
  readonly id: string;
  readonly baseCommit: string;
  readonly resultCommit: string;
  /** The ownership globs the violations were judged by. */
  readonly owns?: readonly string[];
  readonly changed: ChangedFile[];
  readonly hunks: TaskHunk[];
  readonly additions: number;
  readonly deletions: number;
}

/** One task's part of an overlap: the base line ranges it changed, or the whole file. */
export interface OverlapRange {
  readonly task: string;
  /** Added, deleted, renamed or binary: the whole file. */
  readonly whole: boolean;
  /** Base lines [start, end), 1-based; an insertion has start === end. */
  readonly lines: ReadonlyArray<{ readonly start: number; readonly end: number }>;
}

export interface Overlap {
  readonly path: string;
  readonly tasks: string[];
  /** True when some pair of these tasks changed lines that meet (git would conflict). */
  readonly conflicting: boolean;
  /** The pairs that conflict. */
  readonly conflictingPairs: Array<[string, string]>;
  readonly ranges: OverlapRange[];
}

export interface Violation {
  readonly task: string;
  /** Repository-relative; `../x` when it is outside the repository too. */
  readonly path: string;
  /** Written outside the task's workspace folder: never part of the result, so never applied. */
  readonly outsideWorkspace?: true;
}

export interface RunAnalysis {
  readonly runId: string;
  /** In the order given. */
  readonly tasks: TaskAnalysis[];
  readonly overlaps: Overlap[];
  readonly violations: Violation[];
}

/** Files and hunks one task changed against its base. */
export async function analyseTask(repo: GitRepo, t: AnalysedTaskInput): Promise<TaskAnalysis> {
  return taskAnalysis(t, (await diffTasks(repo, [t]))[0] as Buffer);
}

/**
 * Each task's raw records and patch against its base, in order, from ONE
 * `git diff-tree --stdin` for the whole run (a process per task blocked the event loop for
 * milliseconds each, at the end of every run). A line `<result> <base>` diffs base → result;
 * `--always` prints the `<result>\0` header even for an empty diff, so every task's output
 * starts with its own header.
 */
async function diffTasks(repo: GitRepo, tasks: readonly AnalysedTaskInput[]): Promise<Buffer[]> {
  if (tasks.length === 0) return [];
  const out = (
    await repo.exec(DIFF_TREE_ARGS, { input: tasks.map((t) => `${t.resultCommit} ${t.baseCommit}\n`).join('') })
  ).stdout;
  const parts: Buffer[] = [];
  let at = 0;
  tasks.forEach((t, i) => {
    const header = Buffer.from(`${t.resultCommit}\0`);
    if (!out.subarray(at, at + header.length).equals(header)) throw new Error(`git diff-tree --stdin: unexpected output for task ${t.id}`);
    const body = at + header.length;
    const next = tasks[i + 1];
    let end = out.length;
    if (next) {
      // after this task's raw records, its patch runs to the next header, at a line start
      const nextHeader = Buffer.from(`${next.resultCommit}\0`);
      end = rawEnd(out, body);
      while (!(out.subarray(end, end + nextHeader.length).equals(nextHeader) && (end === body || out[end - 1] === 0x0a || out[end - 1] === 0))) {
        end = out.indexOf(nextHeader, end + 1);
        if (end < 0) throw new Error(`git diff-tree --stdin: the output for task ${next.id} is missing`);
      }
    }
    parts.push(out.subarray(body, end));
    at = end;
  });
  return parts;
}

/** Diffs the caller asked as tasks finished (taskDiffs.ts diffTask), by task; undefined for a task it did not. */
export type DiffsAhead = (t: AnalysedTaskInput) => Promise<Buffer> | undefined;

/** Each task's diff: the one asked ahead where there is one (and it did not fail), the rest in one diff-tree. */
async function diffsOf(repo: GitRepo, tasks: readonly AnalysedTaskInput[], diffsAhead: DiffsAhead | undefined): Promise<Buffer[]> {
  const ahead = await Promise.all(tasks.map((t) => diffsAhead?.(t)?.catch(() => undefined)));
  const rest = await diffTasks(repo, tasks.filter((_, i) => ahead[i] === undefined));
  let next = 0;
  return ahead.map((d) => d ?? (rest[next++] as Buffer));
}

function taskAnalysis(t: AnalysedTaskInput, out: Buffer): TaskAnalysis {
  const split = rawEnd(out, 0);
  const raw = { stdout: out.subarray(0, split) };
  const patch = { stdout: out.subarray(split) };
  const changes = parseRawZ(raw.stdout);
  const perChange = patchesPerChange(changes, parsePatchU0(patch.stdout));
  const changed: ChangedFile[] = [];
  const hunks: TaskHunk[] = [];
  let additions = 0;
  let deletions = 0;
  changes.forEach((c: RawChange, i) => {
    const p = perChange[i];
    const isLink = c.oldMode === '160000' || c.newMode === '160000';
    const binary = p?.binary ?? false;
    changed.push({
      path: c.path,
      status: c.status,
      ...(c.oldPath !== undefined ? { oldPath: c.oldPath } : {}),
      binary: binary || isLink,
      additions: p?.additions ?? 0,
      deletions: p?.deletions ?? 0,
      oldMode: c.oldMode,
      newMode: c.newMode,
      oldSha: c.oldSha,
      newSha: c.newSha,
    });
    additions += p?.additions ?? 0;
    deletions += p?.deletions ?? 0;
    for (const h of p?.hunks ?? []) hunks.push({ path: c.path, ...h });
  });
  return { id: t.id, baseCommit: t.baseCommit, resultCommit: t.resultCommit, owns: t.owns, changed, hunks, additions, deletions };
}

/**
 * The patch of each raw change, in order. A type change (file → symlink) is one raw record
 * but two patches (the old file deleted, the new one added): they are joined. When the
 * counts still disagree, no change gets a patch rather than the wrong one.
 */
function patchesPerChange(changes: readonly RawChange[], patches: readonly FilePatch[]): Array<FilePatch | undefined> {
  const expected = changes.reduce((n, c) => n + (c.typeChange ? 2 : 1), 0);
  if (expected !== patches.length) return changes.map(() => undefined);
  let next = 0;
  return changes.map((c) => {
    const first = patches[next++] as FilePatch;
    if (!c.typeChange) return first;
    const second = patches[next++] as FilePatch;
    return {
      binary: first.binary || second.binary,
      hunks: [...first.hunks, ...second.hunks],
      additions: first.additions + second.additions,
      deletions: first.deletions + second.deletions,
    };
  });
}

export async function analyseRun(
  repo: GitRepo,
  opts: { readonly runId: string; readonly tasks: readonly AnalysedTaskInput[]; readonly diffsAhead?: DiffsAhead },
): Promise<RunAnalysis> {
  const diffs = await diffsOf(repo, opts.tasks, opts.diffsAhead);
  const tasks = opts.tasks.map((t, i) => taskAnalysis(t, diffs[i] as Buffer));

  // violations
  const violations: Violation[] = [];
  opts.tasks.forEach((input, i) => {
    const owns = compileGlobs(input.owns);
    for (const c of (tasks[i] as TaskAnalysis).changed) {
      for (const p of c.oldPath !== undefined ? [c.oldPath, c.path] : [c.path]) {
        if (!owns.matches(p)) violations.push({ task: input.id, path: p });
      }
    }
    for (const p of input.outsideWrites ?? []) violations.push({ task: input.id, path: p, outsideWorkspace: true });
  });

  // overlaps: path → per task, what it did there
  interface Touch {
    task: TaskAnalysis;
    whole: boolean;
    lines: Array<{ start: number; end: number }>;
    resultSha: string | undefined;
  }
  const byPath = new Map<string, Touch[]>();
  const touch = (p: string, t: Touch) => {
    const list = byPath.get(p) ?? [];
    if (!list.some((x) => x.task === t.task)) list.push(t);
    byPath.set(p, list);
  };
  for (const t of tasks) {
    for (const c of t.changed) {
      const lines = t.hunks.filter((h) => h.path === c.path).map(baseRange);
      const whole = c.status !== 'M' || c.binary;
      touch(c.path, { task: t, whole, lines: whole ? [] : lines, resultSha: c.status === 'D' ? undefined : c.newSha });
      if (c.oldPath !== undefined) touch(c.oldPath, { task: t, whole: true, lines: [], resultSha: undefined });
    }
  }
  const ancestry = new Map<string, Promise<boolean>>();
  const isAncestor = (a: string, b: string): Promise<boolean> => {
    const k = `${a} ${b}`;
    let p = ancestry.get(k);
    if (!p) {
      p = repo.exec(['merge-base', '--is-ancestor', a, b], { anyExitCode: true }).then((r) => r.exitCode === 0);
      ancestry.set(k, p);
    }
    return p;
  };
  const overlaps: Overlap[] = [];
  for (const [p, list] of byPath) {
    if (list.length < 2) continue;
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i] as Touch;
        const b = list[j] as Touch;
        if (a.resultSha !== undefined && a.resultSha === b.resultSha) continue; // same result: merges cleanly
        const meet = a.whole || b.whole || a.lines.some((x) => b.lines.some((y) => rangesMeet(x, y)));
        if (!meet) continue;
        // one built on the other's result (a dependency): sequential, not a conflict
        if (a.task.baseCommit !== b.task.baseCommit) {
          if (await isAncestor(a.task.resultCommit, b.task.baseCommit)) continue;
          if (await isAncestor(b.task.resultCommit, a.task.baseCommit)) continue;
        }
        pairs.push([a.task.id, b.task.id]);
      }
    }
    overlaps.push({
      path: p,
      tasks: list.map((x) => x.task.id),
      conflicting: pairs.length > 0,
      conflictingPairs: pairs,
      ranges: list.map((x) => ({ task: x.task.id, whole: x.whole, lines: x.lines })),
    });
  }
  overlaps.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { runId: opts.runId, tasks, overlaps, violations };
}
