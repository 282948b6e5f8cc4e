// The fallback CommandView (core/commandView.ts) where the namespaces sandbox cannot run:
// a per-task git worktree of the task's base, created on the first command (an agent that
// never runs one costs nothing). It keeps the contract's view: sync() writes the task's
// file-tool changes into the worktree, run() reports what a command changed as the
// difference of two trees (`git add -A` + `write-tree` before and after the command), so
// git-ignored outputs stay in the worktree for later commands and never appear in
// `changes`; revert() puts paths back as they were before the command.
//
// What it does not do (the sandbox does): isolate the rest of the machine. Commands run as
// the user, with the user's HOME and network; ownership is checked after each command
// (by the caller, on `changes`) instead of by a mount. Writes outside the workspace folder
// but inside the repository come back as `../`-relative paths, which no task owns, so they
// are reverted and reported like any other write the task does not own; so do files written
// beside the repository (they land in the worktree's own task folder; reported with empty
// content, since they are never kept). Writes further out are not seen: no isolation.
//
// Mounts (node_modules and the like, not in git) are symbolic links to their source folder,
// excluded from the trees, so a command sees them and they never count as a change.
//
// Network: a task's `network: false` cannot be enforced here; commands have the user's network.
//
// Git-ignored files a command wrote (run()'s `ignored`): the ignored files in the workspace
// folder whose size or modification time differ from before the command.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { CommandRunOptions, CommandRunResult, CommandView, IgnoredWrites, ViewChange } from '../core';
import { runInGroup } from '../core';
import { QUIET_WRITE_CONFIG } from './objects';
import type { GitRepo } from './repo';
import { worktreesRoot, WorktreeWorkspace } from './worktreeWorkspace';

export interface WorktreeCommandViewOptions {
  readonly repo: GitRepo;
  /** The task's base commit (the run's base, or the merge of its dependencies' results). */
  readonly baseCommit: string;
  readonly runId: string;
  /** A safe id (letters, digits, '-', '_'), unique in the run: the worktree's folder. */
  readonly viewId: string;
  /** Repository-relative workspace folder with a trailing slash, or ''. */
  readonly prefix: string;
  /** Workspace-relative folders linked into the view, and where they link to (absolute). */
  readonly mounts?: readonly { readonly path: string; readonly source: string }[];
  /** Why the sandbox is not used (shown once in the run log, the tool description and the Agents view). */
  readonly fallbackReason: string;
}

interface TreeChange {
  readonly newMode: string;
  readonly repoPath: string;
}

export function createWorktreeCommandView(opts: WorktreeCommandViewOptions): CommandView {
  return new WorktreeCommandView(opts);
}

class WorktreeCommandView implements CommandView {
  readonly mode = 'worktree' as const;
  readonly fallbackReason: string;
  readonly workspacePath: string;
  private worktree: Promise<WorktreeWorkspace> | undefined;
  private disposed = false;
  /** The tree of the view as it was after the last sync, command or revert. */
  private tree = '';
  /** The tree before the last command: what revert() puts paths back to. */
  private beforeLastRun: string | undefined;
  private readonly tmpDir: string;
  /** Ignored files in the workspace folder → size and mtime, as after the last command. */
  private ignoredState = new Map<string, string>();

  constructor(private readonly opts: WorktreeCommandViewOptions) {
    this.fallbackReason = opts.fallbackReason;
    const repoDir = path.join(worktreesRoot(opts.repo), opts.runId, opts.viewId, path.basename(opts.repo.root) || 'repository');
    this.workspacePath = path.join(repoDir, opts.prefix);
    this.tmpDir = path.join(worktreesRoot(opts.repo), opts.runId, `${opts.viewId}.tmp`);
  }

  private ready(): Promise<WorktreeWorkspace> {
    if (this.disposed) return Promise.reject(new Error('The command view was disposed.'));
    this.worktree ??= (async () => {
      const wt = await WorktreeWorkspace.create(this.opts.repo, this.opts.baseCommit, this.opts.runId, this.opts.viewId);
      for (const m of this.opts.mounts ?? []) {
        const at = path.join(this.workspacePath, m.path);
        // A mount never replaces what git checked out.
        if (await exists(at)) continue;
        await fsp.mkdir(path.dirname(at), { recursive: true });
        await fsp.symlink(m.source, at);
      }
      await fsp.mkdir(this.tmpDir, { recursive: true });
      this.tree = await this.stage(wt);
      this.ignoredState = await this.listIgnored();
      return wt;
    })();
    return this.worktree;
  }

  /** Stages everything but the mounts and returns the tree. */
  private async stage(wt: WorktreeWorkspace): Promise<string> {
    const excludes = (this.opts.mounts ?? []).map((m) => `:(top,exclude,literal)${this.opts.prefix}${m.path}`);
    await this.opts.repo.exec([...QUIET_WRITE_CONFIG, 'add', '-A', '--', ':(top)', ...excludes], { cwd: wt.path });
    return (await this.opts.repo.git(['write-tree'], { cwd: wt.path })).trim();
  }

  /** The ignored files below the workspace folder (`ls-files` lists them relative to it) with their size and mtime. */
  private async listIgnored(): Promise<Map<string, string>> {
    const out = (await this.opts.repo.exec(['ls-files', '-z', '--others', '--ignored', '--exclude-standard'], { cwd: this.workspacePath })).stdout.toString('utf8');
    const state = new Map<string, string>();
    for (const p of out.split('\0')) {
      if (!p) continue;
      const st = await fsp.lstat(path.join(this.workspacePath, p)).catch(() => undefined);
      if (st) state.set(p, `${st.size}:${st.mtimeMs}`);
    }
    return state;
  }

  private async ignoredWrites(): Promise<IgnoredWrites | undefined> {
    const before = this.ignoredState;
    this.ignoredState = await this.listIgnored();
    const written = [...this.ignoredState].filter(([p, sig]) => before.get(p) !== sig).map(([p]) => p);
    if (!written.length) return undefined;
    written.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return { count: written.length, sample: written.slice(0, 5) };
  }

  async sync(changes: readonly ViewChange[]): Promise<void> {
    const wt = await this.ready();
    if (!changes.length) return;
    for (const c of changes) {
      const abs = path.join(this.workspacePath, c.path);
      await fsp.rm(abs, { recursive: true, force: true });
      if (c.kind === 'delete') continue;
      await fsp.mkdir(path.dirname(abs), { recursive: true });
      if (c.kind === 'symlink') await fsp.symlink(c.target, abs);
      else await fsp.writeFile(abs, c.content, { mode: c.executable ? 0o755 : 0o644 });
    }
    this.tree = await this.stage(wt);
  }

  async run(command: string, options: CommandRunOptions): Promise<CommandRunResult> {
    const wt = await this.ready();
    const r = await runInGroup({
      argv: ['bash', '-c', command],
      cwd: this.workspacePath,
      env: { ...process.env, TMPDIR: this.tmpDir, ...options.env },
      timeoutMs: options.timeoutMs,
      maxOutputBytes: options.maxOutputBytes,
      ...(options.signal !== undefined && { signal: options.signal }),
      ...(options.onOutput !== undefined && { onOutput: options.onOutput }),
    });
    const before = this.tree;
    const after = await this.stage(wt);
    this.beforeLastRun = before;
    this.tree = after;
    const changes = [...(await this.readChanges(wt, await this.treeChanges(before, after))), ...(await this.besideRepository(wt))];
    const ignored = await this.ignoredWrites();
    const output = r.spawnError ? `Could not start bash: ${r.spawnError}` : r.output;
    return {
      exitCode: r.exitCode,
      ...(r.signal !== undefined && { signal: r.signal }),
      timedOut: r.timedOut,
      cancelled: r.cancelled,
      wallMs: r.wallMs,
      output,
      outputBytes: r.spawnError ? output.length : r.outputBytes,
      changes,
      ...(ignored && { ignored }),
    };
  }

  private async treeChanges(before: string, after: string): Promise<TreeChange[]> {
    if (before === after) return [];
    const raw = (await this.opts.repo.exec(['diff-tree', '-r', '-z', '--no-renames', before, after])).stdout.toString('utf8');
    const fields = raw.split('\0');
    const out: TreeChange[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const meta = (fields[i] as string).replace(/^:/, '').split(' ');
      out.push({ newMode: meta[1] as string, repoPath: fields[i + 1] as string });
    }
    return out;
  }

  private viewPath(repoPath: string): string {
    const { prefix } = this.opts;
    if (repoPath.startsWith(prefix)) return repoPath.slice(prefix.length);
    return path.posix.relative(prefix.replace(/\/$/, '') || '.', repoPath);
  }

  private repoPath(viewPath: string): string {
    return path.posix.normalize(this.opts.prefix + viewPath);
  }

  private async readChanges(wt: WorktreeWorkspace, changes: readonly TreeChange[]): Promise<ViewChange[]> {
    const out: ViewChange[] = [];
    for (const c of changes) {
      const p = this.viewPath(c.repoPath);
      const abs = path.join(wt.path, c.repoPath);
      if (c.newMode === '000000') out.push({ path: p, kind: 'delete' });
      else if (c.newMode === '120000') out.push({ path: p, kind: 'symlink', target: await fsp.readlink(abs) });
      else if (c.newMode === '160000') continue; // a submodule's commit: not part of any view
      else out.push({ path: p, kind: 'write', content: await fsp.readFile(abs), executable: c.newMode === '100755' });
    }
    return out.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  }

  /**
   * Files written beside the repository (`> ../x` from its top), which land in the
   * worktree's own task folder: reported as `../`-relative writes, which no task owns.
   */
  private async besideRepository(wt: WorktreeWorkspace): Promise<ViewChange[]> {
    const out: ViewChange[] = [];
    const repoName = path.basename(wt.path);
    const walk = async (abs: string, rel: string): Promise<void> => {
      const entries = await fsp.readdir(abs, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (!rel && e.name === repoName) continue;
        if (out.length >= 100) return;
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(path.join(abs, e.name), r);
        else out.push({ path: path.posix.relative(path.posix.join(repoName, this.opts.prefix), r), kind: 'write', content: Buffer.alloc(0), executable: false });
      }
    };
    await walk(wt.taskDir, '');
    return out;
  }

  async revert(paths: readonly string[]): Promise<void> {
    if (!paths.length) return;
    const wt = await this.ready();
    const beside = paths.filter((p) => this.repoPath(p).startsWith('../'));
    for (const p of beside) await fsp.rm(path.join(this.workspacePath, p), { force: true });
    const repoPaths = paths.filter((p) => !beside.includes(p)).map((p) => this.repoPath(p));
    // Put back as the paths were before the last command (the index now holds its changes).
    const before = this.beforeLastRun ?? this.tree;
    const listed = (await this.opts.repo.exec(['--literal-pathspecs', 'ls-tree', '-r', '-z', '--name-only', before, '--', ...repoPaths])).stdout
      .toString('utf8')
      .split('\0')
      .filter(Boolean);
    const inBefore = new Set(listed);
    for (const p of repoPaths) {
      if (!inBefore.has(p)) await fsp.rm(path.join(wt.path, p), { recursive: true, force: true });
    }
    const restore = repoPaths.filter((p) => inBefore.has(p));
    for (const p of restore) await fsp.rm(path.join(wt.path, p), { recursive: true, force: true });
    if (restore.length) {
      await this.opts.repo.exec([...QUIET_WRITE_CONFIG, '--literal-pathspecs', 'checkout', before, '--', ...restore], { cwd: wt.path });
    }
    this.tree = await this.stage(wt);
  }


  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const wt = await this.worktree?.catch(() => undefined);
    await wt?.dispose();
    await fsp.rm(this.tmpDir, { recursive: true, force: true });
  }
}

async function exists(p: string): Promise<boolean> {
  return fsp.lstat(p).then(
    () => true,
    () => false,
  );
}
