// Where a run's commands run: agents' run_command (one CommandView per agent task with
// `commands: true`), command tasks (`run:`) and competitive `score` commands (a view each,
// executors/command.ts). All views of a run are of one kind, chosen once at the first one:
// - 'namespaces' (the sandbox layer's copy-on-write view) when RunOptions.sandbox is 'auto'
//   (the default), a SandboxFactory is given and it detects that namespaces work;
// - 'worktree' (git/worktreeCommandView.ts) otherwise, and always when forced by
//   `sandbox: 'worktree'`. The run log says so once, with the reason; so do the tool's
//   description (commandTool.ts) and the run view's `commandSandbox`. The fallback does not
//   isolate: commands have the machine's network, so a task's `network: false` is not enforced.
//
// The task file's top-level `setup` runs once per run, before the first view is handed
// out, in a view of the run's base. In the fallback that is a worktree of its own
// (`_setup`), kept until the run ends: what it produced under the `mounts` folders
// (e.g. node_modules from `npm ci`) is what every task's view links to; folders it did not
// produce link to the user's workspace. (Links, not read-only mounts: the fallback does
// not isolate; the sandbox mounts them read-only.) Setup's own changes to tracked files
// reach no task. A setup that fails fails every agent task that asks for commands, and
// every command task and score command, with setup's exit code and output tail.
// In the sandbox, setup runs in a namespaces view of the run's base (network on); what it
// produced under a `mounts` folder is read from that view's upper folder and bound read-only
// into every task's view; folders it did not produce are bound from the user's workspace.
//
// Without a `sandboxFactory` the engine uses src/sandbox: one SharedBase per run (opened at
// the first view, released when the run ends). A view whose sandbox cannot be set up for a
// command (SandboxSetupError: the namespaces worked at detection, then a mount failed) fails
// that command with a tool result saying so, and the run log says it once: switching a task
// to a worktree halfway would lose what its earlier commands left under ignored paths, and
// the model can go on with the file tools.
//
// An agent's view (forAgent) is made at its first command, not before the agent starts; a
// view that cannot be made fails its commands (not the task) with the reason.
// Command tasks and score commands get theirs before they start (forTask).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { AgentCommandView, CommandRunOptions, CommandRunResult, CommandView, Task, ViewChange } from '../core';
import { createWorktreeCommandView, viewChangesBetween, worktreesRoot, type GitRepo } from '../git';
import { createSandboxView, detectSandbox, SandboxSetupError, SharedBase, treeRemovalsSettled, viewUpperDir } from '../sandbox';

export type SandboxChoice = 'auto' | 'worktree';

/** What the sandbox layer is asked for one view (see core/commandView.ts for the view itself). */
export interface SandboxViewRequest {
  readonly repo: GitRepo;
  readonly runId: string;
  /** The run's base: the shared read-only tree. */
  readonly runBaseCommit: string;
  /** This view's base: the run's base, or the merge of its task's dependencies' results. */
  readonly baseCommit: string;
  /** A safe id, unique in the run (the task id, or `_setup`). */
  readonly viewId: string;
  /** Repository-relative workspace folder with a trailing slash, or ''. */
  readonly prefix: string;
  /** The user's workspace folder (absolute). */
  readonly workspacePath: string;
  /** Workspace-relative folders mounted read-only (only those that exist) and the host folder each comes from. */
  readonly mounts: readonly { readonly path: string; readonly source: string }[];
  /** The view setup ran in, once it ran (its outputs are shared read-only). */
  readonly setupView?: CommandView;
}

/** The sandbox layer, as the engine uses it (the integrator adapts src/sandbox to it). */
export interface SandboxFactory {
  detect(): Promise<{ available: boolean; reason?: string }>;
  createView(request: SandboxViewRequest): Promise<CommandView>;
  /** The run ended: let go of what the views shared. */
  release?(): Promise<void>;
}

/** Where a view of the run keeps its state (the sandbox's task folder). */
function viewTaskDir(repo: GitRepo, runId: string, viewId: string): string {
  return path.join(worktreesRoot(repo), runId, viewId);
}

/** src/sandbox as a SandboxFactory for one run: the shared base is opened once, at the first view. */
export function namespacesSandbox(onSetupError: (message: string) => void): SandboxFactory {
  let base: Promise<SharedBase> | undefined;
  return {
    detect: detectSandbox,
    async createView(r) {
      base ??= SharedBase.open(r.repo, r.runBaseCommit);
      const shared = await base;
      const view = await createSandboxView({
        repo: r.repo,
        base: shared,
        workspaceRel: r.prefix.replace(/\/$/, ''),
        workspacePath: r.workspacePath,
        dependencyChanges: r.baseCommit === r.runBaseCommit ? [] : await viewChangesBetween(r.repo, r.runBaseCommit, r.baseCommit, r.prefix),
        mounts: r.mounts,
        taskDir: viewTaskDir(r.repo, r.runId, r.viewId),
      });
      return reportingSetupErrors(view, onSetupError);
    },
    async release() {
      const b = base;
      base = undefined;
      (await b?.catch(() => undefined))?.release();
    },
  };
}

/** Tells the run when the sandbox fails to set up a command; the command fails with the reason and what to do. */
export function reportingSetupErrors(view: CommandView, onSetupError: (message: string) => void): CommandView {
  return new SetupErrorReporting(view, onSetupError);
}

/** A view's sandbox could not be set up for a command; `reason` says what and where, the message what an agent can do. */
export class ViewSetupFailed extends Error {
  constructor(readonly reason: string) {
    super(`${reason} The command did not run; go on with the file tools, or report that the project's checks could not be run.`);
  }
}

class SetupErrorReporting implements CommandView {
  readonly mode: CommandView['mode'];
  readonly workspacePath: string;
  constructor(
    private readonly view: CommandView,
    private readonly onSetupError: (message: string) => void,
  ) {
    this.mode = view.mode;
    this.workspacePath = view.workspacePath;
  }
  sync(changes: readonly ViewChange[]): Promise<void> {
    return this.view.sync(changes);
  }
  revert(paths: readonly string[]): Promise<void> {
    return this.view.revert(paths);
  }
  async run(command: string, options: CommandRunOptions): Promise<CommandRunResult> {
    try {
      return await this.view.run(command, options);
    } catch (e) {
      if (!(e instanceof SandboxSetupError)) throw e;
      this.onSetupError(e.message);
      throw new ViewSetupFailed(e.message);
    }
  }
  dispose(): Promise<void> {
    return this.view.dispose();
  }
}

/**
 * An agent's view, made at its first command: mode and fallback reason are known before (they
 * are the run's). A view that could not be made fails each command with the reason (the run
 * log says it once), as a sandbox that fails to set up for a command does; the agent goes on
 * with its file tools and its work is kept.
 */
class ViewOnFirstCommand implements AgentCommandView {
  readonly mode: CommandView['mode'];
  readonly fallbackReason?: string;
  private made: Promise<{ view?: CommandView; error?: string }> | undefined;

  constructor(
    mode: Mode,
    private readonly make: () => Promise<CommandView>,
    private readonly onSetupError: (message: string) => void,
  ) {
    this.mode = mode.mode;
    if (mode.mode === 'worktree') this.fallbackReason = mode.reason;
  }

  private async view(): Promise<CommandView> {
    this.made ??= this.make().then(
      (v) => ({ view: v }),
      (e: unknown) => ({ error: `The view this task's commands run in could not be made (${e instanceof Error ? e.message : String(e)}).` }),
    );
    const { view, error } = await this.made;
    if (view) return view;
    this.onSetupError(error as string);
    throw new ViewSetupFailed(error as string);
  }

  async sync(changes: readonly ViewChange[]): Promise<void> {
    return (await this.view()).sync(changes);
  }
  async run(command: string, options: CommandRunOptions): Promise<CommandRunResult> {
    return (await this.view()).run(command, options);
  }
  async revert(paths: readonly string[]): Promise<void> {
    return (await this.view()).revert(paths);
  }
  async dispose(): Promise<void> {
    await (await this.made)?.view?.dispose();
  }
}

/** The task file's top-level keys for agents' commands. */
export interface RunCommandsConfig {
  readonly mounts?: readonly string[];
  readonly setup?: string;
}

export interface CommandViewsOptions extends RunCommandsConfig {
  readonly repo: GitRepo;
  readonly runId: string;
  readonly baseCommit: string;
  readonly prefix: string;
  readonly workspace: string;
  readonly choice?: SandboxChoice;
  readonly sandbox?: SandboxFactory;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Told once which kind of view the run uses. */
  readonly onMode?: (mode: { mode: CommandView['mode']; reason?: string }) => void;
}

/** The one thing an executor needs: a view for a task with commands (the caller disposes it). */
export interface TaskCommandViews {
  forTask(task: Task, baseCommit: string, viewId?: string): Promise<CommandView>;
  /**
   * A view for an agent: resolves once setup has run (a failed setup rejects, as forTask does);
   * the view itself is made at the agent's first command.
   */
  forAgent(task: Task, baseCommit: string, viewId?: string): Promise<AgentCommandView>;
}

type Mode = { readonly mode: 'namespaces' } | { readonly mode: 'worktree'; readonly reason: string };

interface SetupOutcome {
  readonly view?: CommandView;
  /** Why no task may run commands (setup failed). */
  readonly failure?: string;
}

export const SETUP_VIEW_ID = '_setup';
const SETUP_TIMEOUT_MS = 30 * 60 * 1000;

export class RunCommandViews implements TaskCommandViews {
  private mode: Promise<Mode> | undefined;
  private setupRun: Promise<SetupOutcome> | undefined;
  private cancelSetup = new AbortController();
  private readonly sandbox: SandboxFactory | undefined;
  private setupErrorLogged = false;

  constructor(private readonly opts: CommandViewsOptions) {
    this.sandbox =
      opts.sandbox ??
      (opts.choice === 'worktree'
        ? undefined
        : namespacesSandbox((message) => {
            if (this.setupErrorLogged) return;
            this.setupErrorLogged = true;
            opts.log('error', `${message} Agents' commands in this run fail; their file tools still work.`);
          }));
  }

  private chooseMode(): Promise<Mode> {
    this.mode ??= (async (): Promise<Mode> => {
      const { opts } = this;
      let mode: Mode;
      if (opts.choice === 'worktree') mode = { mode: 'worktree', reason: 'the run was started with the worktree fallback forced (sandbox: worktree)' };
      else if (!this.sandbox) mode = { mode: 'worktree', reason: 'this build has no namespaces sandbox' };
      else {
        const d = await this.sandbox.detect().catch((e: unknown) => ({ available: false, reason: e instanceof Error ? e.message : String(e) }));
        mode = d.available ? { mode: 'namespaces' } : { mode: 'worktree', reason: d.reason ?? 'user namespaces are not available' };
      }
      if (mode.mode === 'worktree') {
        opts.log(
          'warn',
          `the sandbox is not available (${mode.reason}): commands (agents' run_command, command tasks, score commands) run in per-task git worktrees, ` +
            "without isolation from the rest of the machine and with its network (a task's network: false is not enforced)",
        );
        opts.onMode?.({ mode: 'worktree', reason: mode.reason });
      } else {
        opts.log('info', 'commands (agents\' run_command, command tasks, score commands) run in the namespaces sandbox');
        opts.onMode?.({ mode: 'namespaces' });
      }
      return mode;
    })();
    return this.mode;
  }

  private async createView(mode: Mode, baseCommit: string, viewId: string, mounts: readonly { path: string; source: string }[], setupView?: CommandView): Promise<CommandView> {
    const { opts } = this;
    if (mode.mode === 'namespaces' && this.sandbox) {
      return this.sandbox.createView({
        repo: opts.repo,
        runId: opts.runId,
        runBaseCommit: opts.baseCommit,
        baseCommit,
        viewId,
        prefix: opts.prefix,
        workspacePath: opts.workspace,
        mounts,
        ...(setupView !== undefined && { setupView }),
      });
    }
    return createWorktreeCommandView({
      repo: opts.repo,
      baseCommit,
      runId: opts.runId,
      viewId,
      prefix: opts.prefix,
      mounts,
      fallbackReason: mode.mode === 'worktree' ? mode.reason : 'the sandbox could not be used',
    });
  }

  private runSetup(mode: Mode): Promise<SetupOutcome> {
    this.setupRun ??= (async (): Promise<SetupOutcome> => {
      const { setup } = this.opts;
      if (!setup) return {};
      // Setup sees no mounts: `npm ci` must fill its own node_modules, never the user's.
      const view = await this.createView(mode, this.opts.baseCommit, SETUP_VIEW_ID, []);
      this.opts.log('info', `setup: ${setup}`);
      const r = await view.run(setup, { timeoutMs: SETUP_TIMEOUT_MS, network: true, maxOutputBytes: 8000, signal: this.cancelSetup.signal });
      const status = r.timedOut ? 'timed out' : r.cancelled ? 'was cancelled' : `exit code ${r.exitCode}`;
      if (r.exitCode !== 0) {
        const failure = `the task file's setup command \`${setup}\` failed (${status}) before the agents started; fix it or remove \`setup\`. Its last output:\n${r.output.trimEnd().split('\n').slice(-10).join('\n')}`;
        this.opts.log('error', failure);
        return { view, failure };
      }
      this.opts.log('info', `setup finished in ${(r.wallMs / 1000).toFixed(1)} s`);
      if (r.changes.length) {
        this.opts.log('warn', `setup changed tracked files (${r.changes.slice(0, 5).map((c) => c.path).join(', ')}${r.changes.length > 5 ? ', …' : ''}); no task sees those changes`);
      }
      return { view };
    })();
    return this.setupRun;
  }

  /** Mount folders and where they come from: setup's output, else the user's workspace. */
  private async mountsFor(mode: Mode, setupView: CommandView | undefined): Promise<{ path: string; source: string }[]> {
    // A sandbox view shows itself at the workspace's own path; what setup wrote is in its upper folder.
    const setupOutput = setupView && (mode.mode === 'namespaces' ? viewUpperDir(viewTaskDir(this.opts.repo, this.opts.runId, SETUP_VIEW_ID)) : setupView.workspacePath);
    const wanted = this.opts.mounts ?? ['node_modules'];
    const out: { path: string; source: string }[] = [];
    for (const m of wanted) {
      const rel = m.replace(/\\/g, '/').replace(/^\.\/+|\/+$/g, '');
      if (!rel || rel.split('/').some((s) => s === '..' || s === '.git')) continue;
      for (const root of [setupOutput, this.opts.workspace]) {
        if (!root) continue;
        const source = path.join(root, rel);
        if (await fsp.stat(source).then((s) => s.isDirectory(), () => false)) {
          out.push({ path: rel, source });
          break;
        }
      }
    }
    return out;
  }

  async forTask(_task: Task, baseCommit: string, viewId = _task.id): Promise<CommandView> {
    const { mode, setupView } = await this.afterSetup();
    return this.createView(mode, baseCommit, viewId, await this.mountsFor(mode, setupView), setupView);
  }

  // An agent's first command comes a model turn or more after it starts, and many agents run
  // none: made before the agent starts, a view (the shared base's lock and lease, the view's
  // folders, or a worktree) cost every such task 10–25 ms of its start; made beside the
  // agent, it held up the first requests of the agents starting with it.
  async forAgent(task: Task, baseCommit: string, viewId = task.id): Promise<AgentCommandView> {
    const { mode, setupView } = await this.afterSetup();
    const make = async () => this.createView(mode, baseCommit, viewId, await this.mountsFor(mode, setupView), setupView);
    return new ViewOnFirstCommand(mode, make, (message) => {
      if (this.setupErrorLogged) return;
      this.setupErrorLogged = true;
      this.opts.log('error', `task "${task.id}": ${message} Its agent's commands fail; its file tools still work.`);
    });
  }

  private async afterSetup(): Promise<{ mode: Mode; setupView?: CommandView }> {
    const mode = await this.chooseMode();
    const setup = await this.runSetup(mode);
    if (setup.failure) throw new Error(setup.failure);
    return { mode, ...(setup.view && { setupView: setup.view }) };
  }

  /** Ends a running setup and removes its view; a later forTask runs setup again. */
  async dispose(): Promise<void> {
    this.cancelSetup.abort();
    const setup = await this.setupRun?.catch(() => undefined);
    this.setupRun = undefined;
    this.cancelSetup = new AbortController();
    await setup?.view?.dispose();
    await this.sandbox?.release?.();
    // The views' folders are removed in the background (removeTreeSoon); a run ends once they are gone.
    await treeRemovalsSettled();
  }
}
