// A command task's isolated directory: a detached `git worktree` of the task's base,
// at `<common git dir>/parallel-agents/worktrees/<runId>/<taskId>/<repository folder name>`,
// removed and pruned afterwards. The task folder around it starts empty and is the
// worktree's own: whatever a command writes beside its repository (`> ../x`, a relative
// symlink leading out) lands there, where commitWorktree finds it and reports it instead
// of keeping it. Leftovers of a crashed run are cleaned at the next start; worktrees
// outside that folder (the user's own) are never touched.
import { promises as fsp, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { GitError } from './errors';
import { assertSafeId } from './ids';
import { ownerAlive, tryReadJournal } from './journal';
import { QUIET_WRITE_CONFIG } from './objects';
import type { GitRepo } from './repo';

export function worktreesRoot(repo: GitRepo): string {
  return path.join(repo.stateDir, 'worktrees');
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Registered worktrees (`git worktree list --porcelain -z`): their paths. */
async function listWorktreePaths(repo: GitRepo): Promise<string[]> {
  const out = await repo.git(['worktree', 'list', '--porcelain', '-z']);
  const paths: string[] = [];
  for (const field of out.split('\0')) if (field.startsWith('worktree ')) paths.push(field.slice('worktree '.length));
  return paths;
}

/** Whether git keeps records of linked worktrees (`<common dir>/worktrees/<name>`). */
async function hasWorktreeAdministration(repo: GitRepo): Promise<boolean> {
  const names = await fsp.readdir(path.join(repo.commonDir, 'worktrees')).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' || e.code === 'ENOTDIR' ? [] : undefined));
  // unreadable: let git decide, as before
  return names === undefined || names.length > 0;
}

export class WorktreeWorkspace {
  private disposed = false;

  private constructor(
    readonly repo: GitRepo,
    /** Absolute path of the worktree (the command's working directory). */
    readonly path: string,
    readonly baseCommit: string,
    readonly runId: string,
    readonly taskId: string,
  ) {}

  /** Checks out `baseCommit` (detached) into a fresh worktree owned by the engine. */
  static async create(repo: GitRepo, baseCommit: string, runId: string, taskId: string): Promise<WorktreeWorkspace> {
    assertSafeId('run', runId);
    assertSafeId('task', taskId);
    const taskDir = path.join(worktreesRoot(repo), runId, taskId);
    // The repository's own folder name, so that `../<name>/x` and `$(basename "$PWD")` mean
    // in the worktree what they mean in the user's checkout.
    const dir = path.join(taskDir, path.basename(repo.root) || 'repository');
    await oneAtATime(repo, async () => {
      if (await fsp.stat(taskDir).then(() => true, () => false)) {
        // a previous attempt of the same task
        if (await fsp.stat(dir).then(() => true, () => false)) await removeWorktree(repo, dir);
        await fsp.rm(taskDir, { recursive: true, force: true });
      }
      await fsp.mkdir(taskDir, { recursive: true });
      try {
        await repo.exec([...QUIET_WRITE_CONFIG, 'worktree', 'add', '--detach', '--quiet', dir, baseCommit]);
      } catch (e) {
        throw new GitError(
          `Could not create a worktree for task ${taskId} at ${dir}: ${e instanceof GitError ? (e.stderr ?? e.message).trim() : String(e)}`,
        );
      }
    });
    return new WorktreeWorkspace(repo, dir, baseCommit, runId, taskId);
  }

  /** The worktree's own folder around it (what a command writes there is outside the repository). */
  get taskDir(): string {
    return path.dirname(this.path);
  }

  /** Removes the worktree (and its task folder) and prunes git's record of it. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await oneAtATime(this.repo, async () => {
      await removeWorktree(this.repo, this.path);
      await fsp.rm(this.taskDir, { recursive: true, force: true });
      await fsp.rmdir(path.dirname(this.taskDir)).catch(() => undefined); // the run's folder, once empty
      // repo.exec, not simple-git: simple-git adds ~50 ms to commands that print nothing.
      await this.repo.exec(['worktree', 'prune']);
    });
  }

  /**
   * Removes the engine's worktrees left by runs that are no longer running (crashed),
   * and prunes. Returns the removed paths. Worktrees outside our folder are never touched.
   */
  static cleanupLeftovers(repo: GitRepo): Promise<string[]> {
    return oneAtATime(repo, () => cleanupLeftoversNow(repo));
  }
}

async function cleanupLeftoversNow(repo: GitRepo): Promise<string[]> {
  const root = real(worktreesRoot(repo));
  const removed: string[] = [];
  const liveRuns = new Set<string>();
  const isLive = async (runId: string): Promise<boolean> => {
    if (liveRuns.has(runId)) return true;
    let j;
    try {
      j = await tryReadJournal(repo, runId);
    } catch {
      j = undefined;
    }
    const live = !!j && j.status === 'running' && ownerAlive(j.owner);
    if (live) liveRuns.add(runId);
    return live;
  };
  // Without linked worktrees (no `<common dir>/worktrees` entries) `git worktree list` names
  // only the main working tree and `prune` has nothing to prune: two processes a run start saves.
  if (await hasWorktreeAdministration(repo)) {
    for (const wt of await listWorktreePaths(repo)) {
      const r = real(wt);
      if (!r.startsWith(root + path.sep)) continue;
      const runId = path.relative(root, r).split(path.sep)[0] ?? '';
      if (await isLive(runId)) continue;
      await removeWorktree(repo, wt);
      removed.push(wt);
    }
    await repo.exec(['worktree', 'prune']);
  }
  // folders of ours that git no longer knows about
  let runs: string[] = [];
  try {
    runs = await fsp.readdir(root);
  } catch {
    runs = [];
  }
  for (const runId of runs) {
    if (await isLive(runId)) continue;
    const dir = path.join(root, runId);
    const tasks = await fsp.readdir(dir).catch(() => [] as string[]);
    for (const t of tasks) {
      const p = real(path.join(dir, t));
      if (!removed.some((x) => real(x) === p || real(x).startsWith(p + path.sep))) removed.push(path.join(dir, t));
    }
    await fsp.rm(dir, { recursive: true, force: true });
  }
  return removed;
}

// git's worktree administration (add, remove, prune) is not safe to run concurrently in
// one repository: one command can read another's half-written .git/worktrees entry
// ("failed to read .git/worktrees/x/commondir"). Parallel command tasks and competitive
// attempts therefore take turns for these short commands; the commands they run do not.
const worktreeTurns = new Map<string, Promise<unknown>>();

function oneAtATime<T>(repo: GitRepo, fn: () => Promise<T>): Promise<T> {
  const key = repo.commonDir;
  const next = (worktreeTurns.get(key) ?? Promise.resolve()).catch(() => undefined).then(fn);
  worktreeTurns.set(key, next);
  void next
    .finally(() => {
      if (worktreeTurns.get(key) === next) worktreeTurns.delete(key);
    })
    .catch(() => undefined);
  return next;
}

async function removeWorktree(repo: GitRepo, dir: string): Promise<void> {
  const r = await repo.exec(['worktree', 'remove', '--force', '--force', dir], { anyExitCode: true });
  if (r.exitCode !== 0) {
    // not registered (or git refused): the folder is ours, remove it and let prune forget it
    await fsp.rm(dir, { recursive: true, force: true });
    await repo.exec(['worktree', 'prune'], { anyExitCode: true });
  }
}
