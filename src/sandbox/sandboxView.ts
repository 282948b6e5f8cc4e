// createSandboxView: a task's CommandView in mode 'namespaces' (the contract is in
// core/commandView.ts). The view is an overlayfs over the run's SharedBase whose upper folder
// is private to the task (<taskDir>/sandbox/upper); it exists only while a command runs, inside
// that command's own user, mount, pid and (without network) net namespaces, mounted at the
// workspace's own absolute path; mountPlan.ts says what else the command sees.
//
// Between commands the upper folder is plain files on the host: sync() and revert() write
// there directly, and run() reads a command's changes from it (viewChanges.ts). The task's
// dependencies' changes go into the upper folder first, as if synced.
//
// State kept per view: `known`, the view's content that differs from the base as far as the
// task is concerned (synced writes, kept command changes); revert(paths) puts a path back to
// what `known` said before the last command.
//
// Writes outside the workspace fail (the rest of the file system is read-only), except where the
// repository lies under /tmp or the home folder, which the command sees as private folders:
// files that land there beside the workspace are reported in `outside` (besideWrites.ts), never kept.
import { lstatSync, mkdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandRunOptions, CommandRunResult, CommandView, ViewChange } from '../core';
import type { GitRepo } from '../git';
import { besideWrites } from './besideWrites';
import { planMounts } from './mountPlan';
import { removeTree, removeTreeSoon } from './removeTree';
import { namespaceInitArgs, SETUP_FAILED, SETUP_MARKER } from './namespaceInit';
import { runInNamespaces } from './namespaceProcess';
import type { SharedBase } from './sharedBase';
import { snapshotUpper, type UpperSnapshot } from './upperSnapshot';
import { applyToUpper } from './upperWrites';
import { changesBetween } from './viewChanges';

export interface SandboxViewOptions {
  readonly repo: GitRepo;
  readonly base: SharedBase;
  /** Repo-relative workspace folder ('' for the repository's root). */
  readonly workspaceRel: string;
  /** The real workspace's absolute path (where commands see the view). */
  readonly workspacePath: string;
  readonly dependencyChanges?: readonly ViewChange[];
  /** Workspace-relative folders bound read-only from the real workspace (node_modules, .venv), or from `source` (setup's output). */
  readonly mounts: readonly (string | ViewMount)[];
  /** The task's own folder; the view keeps its state in <taskDir>/sandbox. */
  readonly taskDir: string;
}

/** A workspace-relative mount point and the host folder bound there read-only. */
export interface ViewMount {
  readonly path: string;
  readonly source: string;
}

/** Where a view keeps what its commands wrote (setup's output is read from here). */
export function viewUpperDir(taskDir: string): string {
  return path.join(taskDir, 'sandbox', 'upper');
}

/** The sandbox could not be set up for a command (not the command's own failure). */
export class SandboxSetupError extends Error {}

// What of the user's environment a command gets: enough for toolchains, nothing secret
// (API keys and tokens stay out; a task passes what it needs through `env`).
const KEPT_ENV = /^(PATH|LANG|LANGUAGE|LC_[A-Z]+|TZ|USER|LOGNAME|SHELL|TERM|COLORTERM|NODE_OPTIONS|NODE_PATH|JAVA_HOME|GOPATH|GOROOT|CARGO_HOME|RUSTUP_HOME|PYENV_ROOT|NVM_DIR|VOLTA_HOME)$/;

/** Ignored files named in a command's result (all are counted). */
const IGNORED_SAMPLE = 5;

/** A folder, or a link to one (node_modules often is). */
function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

class SandboxView implements CommandView {
  readonly mode = 'namespaces' as const;
  readonly workspacePath: string;
  private readonly dir: string;
  private readonly upper: string;
  private known = new Map<string, ViewChange>();
  private knownBeforeRun = new Map<string, ViewChange>();
  private snapshot: UpperSnapshot | undefined;
  private disposed = false;
  /** Writes beside the workspace reported already (they stay in the private folders until the view goes). */
  private readonly reportedBeside = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: SandboxViewOptions) {
    this.workspacePath = path.resolve(opts.workspacePath);
    this.dir = path.join(opts.taskDir, 'sandbox');
    this.upper = viewUpperDir(opts.taskDir);
  }

  private mountSources(): { rel: string; src: string }[] {
    return this.opts.mounts.map((m) => (typeof m === 'string' ? { rel: m, src: path.join(this.workspacePath, m) } : { rel: m.path, src: m.source }));
  }

  async init(): Promise<void> {
    removeTree(this.dir);
    for (const d of ['upper', 'work', 'root', 'home', 'tmp']) mkdirSync(path.join(this.dir, d), { recursive: true });
    for (const { rel, src } of this.mountSources()) {
      // The mount point must be a folder in the view; where the base has one already, it is used as it is.
      if (isFolder(src) && this.baseKind(rel) !== 'folder') {
        mkdirSync(path.join(this.upper, rel), { recursive: true });
      }
    }
    await this.write(this.opts.dependencyChanges ?? []);
  }

  private repoRel(rel: string): string {
    return this.opts.workspaceRel ? `${this.opts.workspaceRel}/${rel}` : rel;
  }

  private baseKind(rel: string) {
    return this.opts.base.entry(this.repoRel(rel));
  }

  /** Whether the base has a folder at `rel`: only there can an opaque upper folder hide anything. */
  private readonly baseFolder = (rel: string): boolean => this.baseKind(rel) === 'folder';

  private async write(changes: readonly ViewChange[]): Promise<void> {
    if (!changes.length) return;
    await applyToUpper({ upper: this.upper, baseHas: (rel) => this.baseKind(rel) !== undefined }, changes, () => snapshotUpper(this.upper, undefined, this.baseFolder));
    for (const c of changes) this.known.set(c.path, c);
    this.snapshot = undefined;
  }

  /** One operation at a time: a sync during a command would change the upper folder under a mounted overlay. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  sync(changes: readonly ViewChange[]): Promise<void> {
    return this.serial(async () => {
      this.assertOpen();
      // Only what differs from what the view already has.
      await this.write(changes.filter((c) => !sameChange(this.known.get(c.path), c)));
    });
  }

  revert(paths: readonly string[]): Promise<void> {
    return this.serial(async () => {
      this.assertOpen();
      const back: ViewChange[] = [];
      for (const p of paths) {
        const before = this.knownBeforeRun.get(p);
        if (before) back.push(before);
        else {
          const source = this.opts.base.source(this.repoRel(p));
          back.push(source ? baseAsChange(p, source) : { path: p, kind: 'delete' });
        }
      }
      await this.write(back);
      for (const p of paths) if (!this.knownBeforeRun.has(p)) this.known.delete(p);
    });
  }

  run(command: string, options: CommandRunOptions): Promise<CommandRunResult> {
    return this.serial(async () => {
      this.assertOpen();
      const before = this.snapshot ?? (await snapshotUpper(this.upper, undefined, this.baseFolder));
      const home = os.homedir();
      const hidden = [home, path.dirname(this.opts.repo.root), path.dirname(path.resolve(this.opts.taskDir)), this.opts.repo.commonDir];
      const plan = planMounts({
        root: path.join(this.dir, 'root'),
        overlay: {
          lower: this.opts.base.lowerDirs(this.opts.workspaceRel),
          upper: this.upper,
          work: path.join(this.dir, 'work'),
          target: this.workspacePath,
        },
        hidden,
        home: { src: path.join(this.dir, 'home'), dst: home && home !== '/' ? home : '/home/sandbox' },
        tmp: path.join(this.dir, 'tmp'),
        pathEntries: (process.env.PATH ?? '').split(':'),
        viewMounts: this.mountSources()
          .filter((m) => isFolder(m.src))
          .map((m) => ({ src: m.src, dst: path.join(this.workspacePath, m.rel) })),
      });
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined && KEPT_ENV.test(k)) env[k] = v;
      Object.assign(env, { HOME: plan.writable[1]?.dst, TMPDIR: '/tmp', PA_SANDBOX: '1' }, options.env ?? {});
      const r = await runInNamespaces({
        initArgs: namespaceInitArgs(plan, { loopbackOnly: !options.network, cwd: this.workspacePath, command }),
        env,
        timeoutMs: options.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
        maxOutputBytes: options.maxOutputBytes,
        ...(options.onOutput ? { onOutput: options.onOutput } : {}),
      });
      const setupLine = r.stderrTail.split('\n').find((l) => l.startsWith(SETUP_MARKER));
      if (r.exitCode === SETUP_FAILED && setupLine) {
        throw new SandboxSetupError(`The command sandbox for ${this.workspacePath} could not be set up (${setupLine.slice(SETUP_MARKER.length).trim()}).`);
      }
      const after = await snapshotUpper(this.upper, before, this.baseFolder);
      const { changes, ignored } = await changesBetween(
        { repo: this.opts.repo, base: this.opts.base, workspaceRel: this.opts.workspaceRel, upper: this.upper },
        before,
        after,
      );
      const outside = besideWrites({ writable: plan.writable, repoRoot: path.resolve(this.opts.repo.root), workspacePath: this.workspacePath, home: plan.writable[1]?.dst ?? '' }).filter(
        (p) => !this.reportedBeside.has(p),
      );
      for (const p of outside) this.reportedBeside.add(p);
      this.snapshot = after;
      this.knownBeforeRun = new Map(this.known);
      for (const c of changes) this.known.set(c.path, c);
      return {
        exitCode: r.exitCode,
        ...(r.signal ? { signal: r.signal } : {}),
        timedOut: r.timedOut,
        cancelled: r.cancelled,
        wallMs: r.wallMs,
        output: r.output.toString('utf8'),
        outputBytes: r.outputBytes,
        changes,
        ...(outside.length > 0 && { outside }),
        ...(ignored.length > 0 && { ignored: { count: ignored.length, sample: ignored.slice(0, IGNORED_SAMPLE) } }),
      };
    });
  }

  dispose(): Promise<void> {
    return this.serial(async () => {
      if (this.disposed) return;
      this.disposed = true;
      removeTreeSoon(this.dir);
    });
  }

  private assertOpen(): void {
    if (this.disposed) throw new Error(`The command view of ${this.workspacePath} was disposed.`);
  }
}

function sameChange(a: ViewChange | undefined, b: ViewChange): boolean {
  if (!a || a.kind !== b.kind) return false;
  if (a.kind === 'delete') return true;
  if (a.kind === 'symlink') return b.kind === 'symlink' && a.target === b.target;
  return b.kind === 'write' && a.executable === b.executable && a.content.equals(b.content);
}

function baseAsChange(rel: string, source: string): ViewChange {
  const st = lstatSync(source);
  if (st.isSymbolicLink()) return { path: rel, kind: 'symlink', target: readlinkSync(source) };
  return { path: rel, kind: 'write', content: readFileSync(source), executable: (st.mode & 0o100) !== 0 };
}

export async function createSandboxView(opts: SandboxViewOptions): Promise<CommandView> {
  const view = new SandboxView(opts);
  await view.init();
  return view;
}
