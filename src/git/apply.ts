// Apply: brings the chosen tasks' results into the working tree, file by file, with a
// 3-way merge (base = run base, ours = the file as it is now, theirs = the tasks'
// merged results), so edits the user made during the run are kept.
//
// Everything is merged in git's normalised (blob) space — "ours" is the user's file as
// `git add` cleaned it, in the before-apply snapshot — and written as git would check it
// out (gitattributes `eol`/`text`/`working-tree-encoding`, filters, core.autocrlf),
// never as raw blob bytes. Submodules are never written into, a user's symbolic link is
// never replaced nor written through, and changes outside a task's `owns` are left out
// unless the user includes them.
//
// Order of events, so that a failure at any point is undoable:
//   1. take the apply lock (no run may start, no other apply/undo);
//   2. snapshot the paths the results touch (the rest is the user's index: see
//      captureWorkingTreePaths) → refs/parallel-agents/<runId>/before-apply;
//   3. plan every file in memory (merge-file only where both sides changed);
//   4. store the planned result as a tree → refs/parallel-agents/<runId>/after-apply, and
//      the apply record (paths to be written);
//   5. write the files (each atomically); on failure, record the error: undo restores
//      the before-apply state.
import { normalizeRelPath, compileGlobs } from '../core';
import { acquireApplyLock } from './applyLock';
import { DEFAULT_MARKER_SIZE, defaultMergeAttributes, mergeAttributes } from './attributes';
import { readApplyRecord, writeApplyRecord, type ApplyRecord } from './applyRecord';
import { ObjectReader } from './catFileBatch';
import type { ChangedFile, RunAnalysis } from './analysis';
import { parseRawZ, type RawChange } from './diffParse';
import { GitError } from './errors';
import { FolderListings } from './folderListings';
import { afterApplyRef, baseRef, beforeApplyRef } from './ids';
import { mergeFile } from './mergeFile';
import { commitTree, updateRef, writeBlobs, type IndexUpdate, type TreeEntry } from './objects';
import { comparePaths, isBinary } from './overlayWorkspace';
import { describeBlocker, findBlockers } from './pathGuards';
import type { GitRepo } from './repo';
import { recoverInterruptedApply } from './recovery';
import { captureWorkingTreePaths, entriesAt } from './workingTreeCapture';
import { absPath, deleteWorkingFile, forEachLimited, lexists, writeWorkingFile } from './worktreeFiles';
import { keepWorktreeBytes } from './worktreeBytes';
import * as path from 'node:path';

export interface ApplyTaskInput {
  readonly id: string;
  /** Ownership globs: a change outside them is an ownership violation (see `includeViolations`). */
  readonly owns?: readonly string[];
  readonly baseCommit: string;
  readonly resultCommit: string;
}

export interface ApplyOptions {
  readonly runId: string;
  /** The task results to apply, in order (later tasks merge onto earlier ones). */
  readonly tasks: readonly ApplyTaskInput[];
  /** Paths that must not be written (e.g. the editor's unsaved files): reported as skipped. */
  readonly skipPaths?: readonly string[];
  /**
   * Changes outside a task's `owns` to write anyway: all (`true`) or these paths (relative to
   * the repository, or absolute under it). Default: none; every violation is listed in
   * `ApplyResult.violations`, the left-out ones with `included: false`.
   */
  readonly includeViolations?: boolean | readonly string[];
  /** The run's base; defaults to refs/parallel-agents/<runId>/base. */
  readonly runBase?: string;
  /** Apply again even though an earlier apply of this run was not undone. */
  readonly force?: boolean;
  /** The run's object reader, to reuse its cat-file processes (apply starts its own otherwise). */
  readonly reader?: ObjectReader;
  /**
   * The run's analysis (analyseRun): a task whose id, base and result match is not diffed
   * again. Any other task is.
   */
  readonly analysis?: RunAnalysis;
  /** Called as each step of the apply ends, with its name (for the benchmark's breakdown). */
  readonly onPhase?: (phase: ApplyPhase) => void;
}

export type ApplyPhase = 'started' | 'captured' | 'planned' | 'stored' | 'written';

export interface ApplyConflict {
  readonly path: string;
  /** Task ids involved; `working tree` when the user's edits are one side. */
  readonly tasks: string[];
  /**
   * content: conflict markers were written; modify/delete: one side deleted, the file was
   * left as the user has it or as the tasks left it; symlink: the user has a symbolic link
   * there that the tasks would replace (by a file, or a folder), the link was left as it is.
   */
  readonly kind: 'content' | 'modify/delete' | 'symlink';
  /** Length of the conflict markers written (7, or the file's `conflict-marker-size`). */
  readonly markerSize: number;
}

export interface ApplyResult {
  readonly runId: string;
  readonly beforeApplyCommit: string;
  readonly afterApplyCommit: string;
  /** Paths written or deleted (conflicted files with markers included). */
  readonly applied: string[];
  /** Paths where several changes (tasks, or tasks and the user) merged cleanly. */
  readonly merged: string[];
  readonly conflicts: ApplyConflict[];
  /** Binary files changed on both sides: never text-merged, the user's file is left untouched. */
  readonly binaryConflicts: Array<{ path: string; tasks: string[] }>;
  readonly skipped: Array<{ path: string; reason: string }>;
  /** Every change outside its task's `owns`; `included: false` ones were not written (and are not in `skipped`). */
  readonly violations: Array<{ path: string; task: string; included: boolean }>;
}

interface Entry {
  readonly mode: string;
  readonly sha?: string;
  /** Set when the content is new (a merge result) and has no blob yet. */
  readonly content?: Buffer;
}

interface Contribution {
  readonly task: string;
  readonly base: Entry | undefined;
  readonly result: Entry | undefined;
}

const USER_LABEL = 'working tree';

function same(a: Entry | undefined, b: Entry | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.mode !== b.mode) return false;
  if (a.sha && b.sha) return a.sha === b.sha;
  if (a.content && b.content) return a.content.equals(b.content);
  return false;
}

function sameContent(a: Entry | undefined, b: Entry | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.sha && b.sha) return a.sha === b.sha;
  if (a.content && b.content) return a.content.equals(b.content);
  return false;
}

const TEXT_MODES = new Set(['100644', '100755']);
const SYMLINK = '120000';

/** Turns a skip path (absolute under the root, or relative) into a workspace-relative path. */
function relSkip(root: string, p: string): string {
  const rel = path.isAbsolute(p) ? path.relative(root, p) : p;
  return normalizeRelPath(rel.split(path.sep).join('/'));
}

export async function applyRun(repo: GitRepo, opts: ApplyOptions): Promise<ApplyResult> {
  const { runId } = opts;
  await recoverInterruptedApply(repo); // an apply killed mid-way is rolled back first (snapshot helper)
  const runBase = opts.runBase ?? (await repo.resolveCommit(baseRef(runId)));
  if (!runBase) throw new GitError(`Run ${runId} has no base snapshot in ${repo.root} (ref ${baseRef(runId)} is missing).`);
  const previous = await readApplyRecord(repo, runId);
  if (previous && previous.status !== 'undone' && !opts.force) {
    throw new GitError(
      `Run ${runId} was already applied (${previous.at}, tasks ${previous.tasks.join(', ') || 'none'}). Undo it first (\`parallel-agents undo ${runId}\`) to apply another selection.`,
    );
  }
  const release = await acquireApplyLock(repo, runId, 'apply');
  opts.onPhase?.('started');
  const reader = opts.reader ?? new ObjectReader(repo);
  let disposeCapture: (() => Promise<void>) | undefined;
  try {
    const skipped: Array<{ path: string; reason: string }> = [];
    const skipSet = new Set((opts.skipPaths ?? []).map((p) => relSkip(repo.root, p)));
    const violations: Array<{ path: string; task: string; included: boolean }> = [];
    const include = opts.includeViolations;
    const includeSet = typeof include === 'object' ? new Set(include.map((p) => relSkip(repo.root, p))) : undefined;

    // what each task changed against its own base (renames as delete + add)
    const byPath = new Map<string, Contribution[]>();
    const diffs = await Promise.all(opts.tasks.map((t) => taskChanges(repo, t, opts.analysis)));
    opts.tasks.forEach((t, i) => {
      const outside = outsideOwns(t, opts.analysis);
      for (const c of diffs[i] as RawChange[]) {
        if (outside(c.path)) {
          // a change the task had no right to make: written only when the user accepts it
          const included = include === true || (includeSet?.has(c.path) ?? false);
          violations.push({ path: c.path, task: t.id, included });
          if (!included) continue;
        }
        const list = byPath.get(c.path) ?? [];
        list.push({
          task: t.id,
          base: c.status === 'A' ? undefined : { mode: c.oldMode, sha: c.oldSha },
          result: c.status === 'D' ? undefined : { mode: c.newMode, sha: c.newSha },
        });
        byPath.set(c.path, list);
      }
    });
    const paths = [...byPath.keys()].sort(comparePaths);
    // the working tree at the paths the results touch (and the folders above them)
    // (the run base and the capture share most folders: each listing is read and parsed once)
    const listings = new FolderListings(reader);
    const [before, baseEntries] = await Promise.all([
      captureWorkingTreePaths(repo, listings, paths, `parallel-agents: working tree before applying run ${runId}`),
      entriesAt(listings, runBase, paths),
    ]);
    disposeCapture = before.dispose;
    await updateRef(repo, beforeApplyRef(runId), before.commit, `before applying run ${runId}`);
    opts.onPhase?.('captured');
    const fileEntries = (m: ReadonlyMap<string, TreeEntry>) =>
      new Map(paths.flatMap((p) => {
        const e = m.get(p);
        return e && e.mode !== '040000' ? [[p, { mode: e.mode, sha: e.sha } as Entry] as const] : [];
      }));
    const baseMap = fileEntries(baseEntries);
    const userMap = fileEntries(before.entries);
    // folders the results write into (a user's symlink there is being replaced by a folder)
    const resultFolders = new Set<string>();
    for (const p of paths) for (let d = p.lastIndexOf('/'); d > 0; d = p.lastIndexOf('/', d - 1)) resultFolders.add(p.slice(0, d));
    // paths a 3-way merge may be needed for (several sides changed them): their merge attributes, in one process
    const mergeCandidates = paths.filter((p) => {
      const cs = byPath.get(p) as Contribution[];
      return cs.length > 1 || !same(cs[0]?.base, baseMap.get(p)) || !same(userMap.get(p), baseMap.get(p));
    });
    const [blockers, attrs] = await Promise.all([
      findBlockers(reader, repo.root, before.commit, paths, (p) => userMap.has(p)),
      mergeAttributes(repo, mergeCandidates),
    ]);

    const content = async (e: Entry | undefined): Promise<Buffer> => {
      if (!e) return Buffer.alloc(0);
      if (e.content) return e.content;
      const b = await reader.readBlob(e.sha as string);
      if (!b) throw new GitError(`Object ${e.sha} is missing from ${repo.root}.`);
      return b;
    };

    const conflicts: ApplyConflict[] = [];
    const binaryConflicts: Array<{ path: string; tasks: string[] }> = [];
    const merged: string[] = [];
    const plan: Array<{ path: string; target: Entry | undefined }> = [];
    const deleting = new Set<string>();

    for (const p of paths) {
      const contribs = byPath.get(p) as Contribution[];
      const taskIds = contribs.map((c) => c.task);
      if (skipSet.has(p)) {
        skipped.push({ path: p, reason: 'unsaved changes in the editor' });
        continue;
      }
      // never into a submodule, never through a symlink; a file in the way only if it stays
      const blocker = contribs.some((c) => c.result) ? blockers.get(p) : undefined;
      if (blocker && !(blocker.kind === 'file' && deleting.has(blocker.path))) {
        skipped.push({ path: p, reason: describeBlocker(blocker) });
        continue;
      }
      const { markerSize, binary: binaryAttr } = attrs.get(p) ?? defaultMergeAttributes();
      // 1. theirs: the tasks' results folded in order
      let acc: Entry | undefined = baseMap.get(p);
      let labels: string[] = [];
      let binary = false;
      let conflictTasks: string[] | undefined;
      let conflictKind: ApplyConflict['kind'] = 'content';
      let mergedHere = false;
      for (const c of contribs) {
        if (same(c.base, acc)) {
          acc = c.result;
          labels = [c.task];
          continue;
        }
        if (same(c.result, acc)) continue;
        mergedHere = true;
        if (!c.result || !acc) {
          // one side deleted the file, the other changed it: keep the changed version
          conflictTasks = [...new Set([...(conflictTasks ?? []), ...labels, c.task])];
          conflictKind = 'modify/delete';
          if (!acc) acc = c.result;
          labels.push(c.task);
          continue;
        }
        if (binaryAttr || ![acc.mode, c.result.mode, c.base?.mode ?? '100644'].every((m) => TEXT_MODES.has(m))) {
          binary = true;
          break;
        }
        const [o, b, t] = await Promise.all([content(acc), content(c.base), content(c.result)]);
        if (isBinary(o) || isBinary(b) || isBinary(t)) {
          binary = true;
          break;
        }
        const m = await mergeFile(repo, o, b, t, { ours: labels.join(', ') || 'base', base: 'base', theirs: c.task }, markerSize);
        if (m.conflicts > 0) conflictTasks = [...new Set([...(conflictTasks ?? []), ...labels, c.task])];
        acc = { mode: c.result.mode !== c.base?.mode ? c.result.mode : acc.mode, content: m.content };
        labels.push(c.task);
      }
      if (binary) {
        binaryConflicts.push({ path: p, tasks: taskIds });
        continue;
      }
      const baseEntry = baseMap.get(p);
      if (same(acc, baseEntry)) continue; // the tasks' changes cancel out
      if ([acc?.mode, baseEntry?.mode, userMap.get(p)?.mode].includes('160000')) {
        skipped.push({ path: p, reason: 'a submodule: update it with git inside the submodule' });
        continue;
      }
      // 2. against the working tree as it is now
      const user = userMap.get(p);
      let target: Entry | undefined = acc;
      if (user?.mode === SYMLINK && acc?.mode !== SYMLINK && (acc || resultFolders.has(p)) && !same(user, acc)) {
        // the results have a file, or a folder, where the user has a symbolic link
        conflicts.push({ path: p, tasks: taskIds, kind: 'symlink', markerSize: DEFAULT_MARKER_SIZE });
        continue;
      }
      if (same(user, baseEntry)) {
        if (!user && acc && (await lexists(absPath(repo.root, p)))) {
          skipped.push({ path: p, reason: 'a file ignored by git (or a folder) is in the way in the working tree' });
          continue;
        }
      } else if (same(user, acc)) {
        continue; // the user already has it
      } else if (!user || !acc) {
        // the user deleted what the tasks changed, or changed what the tasks deleted: keep the user's
        conflicts.push({ path: p, tasks: [USER_LABEL, ...taskIds], kind: 'modify/delete', markerSize: DEFAULT_MARKER_SIZE });
        continue;
      } else {
        if (binaryAttr || ![user.mode, acc.mode].every((m) => TEXT_MODES.has(m))) {
          binaryConflicts.push({ path: p, tasks: [USER_LABEL, ...taskIds] });
          continue;
        }
        // ours: the user's file as git cleaned it into the snapshot (same space as base and theirs)
        const [ours, b, t] = await Promise.all([content(user), content(baseEntry), content(acc)]);
        if (isBinary(ours) || isBinary(b) || isBinary(t)) {
          binaryConflicts.push({ path: p, tasks: [USER_LABEL, ...taskIds] });
          continue;
        }
        const m = await mergeFile(repo, ours, b, t, { ours: USER_LABEL, base: 'base', theirs: labels.join(', ') }, markerSize);
        mergedHere = true;
        const mode = acc.mode !== (baseEntry?.mode ?? acc.mode) ? acc.mode : user.mode;
        target = { mode, content: m.content };
        if (m.conflicts > 0) conflictTasks = [...new Set([USER_LABEL, ...(conflictTasks ?? labels)])];
      }
      if (conflictTasks) conflicts.push({ path: p, tasks: conflictTasks, kind: conflictKind, markerSize });
      else if (mergedHere) merged.push(p);
      if (!sameContent(target, user) || target?.mode !== user?.mode) {
        plan.push({ path: p, target });
        if (!target) deleting.add(p);
      }
    }

    opts.onPhase?.('planned');
    // 4. the intended result, and the user's exact bytes, stored before the working tree is touched
    const fresh = plan.filter((x) => x.target && !x.target.sha);
    const overwritten = plan.flatMap((x) => {
      const u = userMap.get(x.path);
      return u ? [{ path: x.path, mode: u.mode, sha: u.sha as string }] : [];
    });
    // (reading the user's files overlaps the git processes that store the after-apply tree)
    const kept = keepWorktreeBytes(repo, runId, before, overwritten);
    kept.catch(() => undefined); // awaited below; not unhandled if the tree fails first
    const shas = await writeBlobs(repo, fresh.map((x) => x.target?.content as Buffer));
    fresh.forEach((x, i) => {
      x.target = { mode: (x.target as Entry).mode, sha: shas[i] as string };
    });
    const updates: IndexUpdate[] = plan.map((x) =>
      x.target ? { path: x.path, mode: x.target.mode, sha: x.target.sha as string } : { path: x.path },
    );
    const afterTree = await before.treeWith(updates);
    const afterCommit = await commitTree(repo, afterTree, [before.commit], `parallel-agents: working tree after applying run ${runId}`);
    await updateRef(repo, afterApplyRef(runId), afterCommit, `after applying run ${runId}`);
    await kept;
    const record: ApplyRecord = {
      version: 1,
      runId,
      at: new Date().toISOString(),
      tasks: opts.tasks.map((t) => t.id),
      beforeApplyCommit: before.commit,
      afterApplyCommit: afterCommit,
      paths: plan.map((x) => x.path),
      status: 'writing',
    };
    await writeApplyRecord(repo, record);

    opts.onPhase?.('stored');
    // 5. write: deletions first (a file may become a folder and back), then .gitattributes
    // (a checkout reads the new ones for the other files), then the rest; each write atomic
    const applied: string[] = [];
    try {
      await writeInPhases(repo, reader, plan, (p) => applied.push(p));
    } catch (e) {
      const at = (e as { atPath?: string }).atPath ?? '?';
      const msg = (e as Error).message;
      record.status = 'failed';
      record.error = `${at}: ${msg}`;
      await writeApplyRecord(repo, record).catch(() => undefined);
      throw new GitError(
        `Applying run ${runId} failed at ${at}: ${msg}. ${applied.length} of ${plan.length} files were written. ` +
          `Run \`parallel-agents undo ${runId}\` to restore the working tree as it was before the apply.`,
      );
    }
    applied.sort(comparePaths);
    opts.onPhase?.('written');
    record.status = 'applied';
    await writeApplyRecord(repo, record);
    return {
      runId,
      beforeApplyCommit: before.commit,
      afterApplyCommit: afterCommit,
      applied,
      merged,
      conflicts,
      binaryConflicts,
      skipped,
      violations,
    };
  } finally {
    await disposeCapture?.().catch(() => undefined);
    if (!opts.reader) reader.dispose();
    await release();
  }
}

/**
 * What a task changed against its base, renames as a deletion and an addition (as
 * `diff-tree --no-renames` reports them): from the run's analysis when it has this task.
 */
async function taskChanges(repo: GitRepo, t: ApplyTaskInput, analysis: RunAnalysis | undefined): Promise<RawChange[]> {
  const a = analysis?.tasks.find((x) => x.id === t.id && x.baseCommit === t.baseCommit && x.resultCommit === t.resultCommit);
  if (a) return noRenames(a.changed);
  return parseRawZ((await repo.exec(['diff-tree', '-r', '-z', '--raw', '--no-renames', t.baseCommit, t.resultCommit])).stdout);
}

/**
 * Whether a path is outside the task's `owns`: the analysis's verdicts when it judged this
 * task by the same globs (matching 50 paths against 50 globs per task again was ~20 ms).
 */
function outsideOwns(t: ApplyTaskInput, analysis: RunAnalysis | undefined): (path: string) => boolean {
  const { owns } = t;
  if (!owns) return () => false;
  const a = analysis?.tasks.find((x) => x.id === t.id && x.baseCommit === t.baseCommit && x.resultCommit === t.resultCommit);
  if (a?.owns && a.owns.length === owns.length && a.owns.every((g, i) => g === owns[i])) {
    const outside = new Set(analysis?.violations.filter((v) => v.task === t.id && !v.outsideWorkspace).map((v) => v.path));
    return (p) => outside.has(p);
  }
  const globs = compileGlobs(owns);
  return (p) => !globs.matches(p);
}

function noRenames(changed: readonly ChangedFile[]): RawChange[] {
  const zero = (sha: string) => '0'.repeat(sha.length);
  const out: RawChange[] = [];
  for (const c of changed) {
    if (c.status === 'R' && c.oldPath !== undefined) {
      out.push({ status: 'D', path: c.oldPath, oldMode: c.oldMode, newMode: '000000', oldSha: c.oldSha, newSha: zero(c.oldSha) });
      out.push({ status: 'A', path: c.path, oldMode: '000000', newMode: c.newMode, oldSha: zero(c.newSha), newSha: c.newSha });
    } else out.push({ status: c.status, path: c.path, oldMode: c.oldMode, newMode: c.newMode, oldSha: c.oldSha, newSha: c.newSha });
  }
  return out.sort((x, y) => comparePaths(x.path, y.path));
}

const isAttributesFile = (p: string) => p === '.gitattributes' || p.endsWith('/.gitattributes');

/** How many files' bytes are read ahead of the one being written (bounds the memory held). */
const READ_AHEAD = 64;

/** Writes the plan in its three phases (see step 5); `done` is called for each path written. */
async function writeInPhases(
  repo: GitRepo,
  reader: ObjectReader,
  plan: ReadonlyArray<{ path: string; target: Entry | undefined }>,
  done: (path: string) => void,
): Promise<void> {
  const deletions = plan.filter((x) => !x.target);
  const attributes = plan.filter((x) => x.target && isAttributesFile(x.path));
  const rest = plan.filter((x) => x.target && !isAttributesFile(x.path));
  const run = async (items: typeof plan, r: ObjectReader) => {
    // the bytes of the next files are asked for ahead, many at once: a round trip per file to
    // check-attr and cat-file, 16 at a time, waited on the scheduler under load
    const ahead = new Map<number, Promise<Buffer>>();
    let asked = 0;
    const bytesOf = (i: number): Promise<Buffer> => {
      for (; asked < Math.min(items.length, i + READ_AHEAD); asked++) {
        const x = items[asked] as (typeof items)[number];
        if (!x.target) continue;
        const bytes = checkoutBytes(repo, r, x.path, x.target);
        bytes.catch(() => undefined); // awaited when its file is written; not unhandled if a write fails first
        ahead.set(asked, bytes);
      }
      const bytes = ahead.get(i) as Promise<Buffer>;
      ahead.delete(i);
      return bytes;
    };
    await forEachLimited(items.map((x, i) => ({ x, i })), 16, async ({ x, i }) => {
      try {
        if (x.target) await writeWorkingFile(repo.root, x.path, await bytesOf(i), x.target.mode);
        else await deleteWorkingFile(repo.root, x.path);
      } catch (e) {
        throw Object.assign(new Error((e as Error).message), { atPath: x.path });
      }
      done(x.path);
    });
  };
  await run(deletions, reader);
  await run(attributes, reader);
  if (attributes.length === 0) return run(rest, reader);
  // git's filter process read the old .gitattributes once: a new one sees the new ones
  const fresh = new ObjectReader(repo);
  try {
    await run(rest, fresh);
  } finally {
    fresh.dispose();
  }
}

/** The bytes a checkout would write for a target (symlinks: their target path, unfiltered). */
async function checkoutBytes(repo: GitRepo, reader: ObjectReader, p: string, target: Entry): Promise<Buffer> {
  const sha = target.sha as string;
  const b = target.mode === SYMLINK ? await reader.readBlob(sha) : await reader.readFiltered(sha, p);
  if (!b) throw new GitError(`Object ${sha} is missing from ${repo.root}.`);
  return b;
}
