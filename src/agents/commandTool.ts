// The run_command tool: `bash -c <command>` in the task's CommandView (core/commandView.ts),
// so an agent can run the project's tests, builds and linters on its own work.
//
// One consistent view: before each command the view gets the task's file-tool writes made
// since the last sync (the command sees what write_file wrote); after it, every change the
// command made to a path the task owns (the write policy of write_file, pathGuard.ts) goes
// into the task's workspace (read_file sees it, the result commit holds it), and every
// other change is undone in the view and reported separately, so the model can act on it.
// Git-ignored outputs (build output, caches) never appear in the view's changes: they stay
// in the view for later commands and never reach the result.
//
// Limits: a per-command timeout (default 120 s, at most 30 min) after which the command's
// whole process tree ends, as it does on cancel; the output is tail-truncated to a budget
// that shrinks with the task's remaining token budget (the result counts toward it).
import { createHash } from 'node:crypto';
import { betaZodTool } from '@anthropic-ai/sdk/helpers/beta/zod';
import { ToolError } from '@anthropic-ai/sdk/lib/tools/ToolError';
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import { z } from 'zod';
import type { AgentCommandView, CommandRunResult, ViewChange, TaskWorkspace } from '../core';
import { checkWrite, type WritePolicy } from './pathGuard';
import type { HookedToolName, ToolHooks } from './toolHooks';

export const RUN_COMMAND_TOOL = 'run_command' satisfies HookedToolName;

export const DEFAULT_COMMAND_TIMEOUT_SECONDS = 120;
export const MAX_COMMAND_TIMEOUT_SECONDS = 1800;
export const DEFAULT_COMMAND_OUTPUT_BYTES = 16_000;
/** The least output a command result keeps, however little of the token budget is left. */
const MIN_OUTPUT_BYTES = 2_000;

export interface RunCommandToolOptions {
  readonly view: AgentCommandView;
  readonly workspace: TaskWorkspace;
  readonly policy: WritePolicy;
  /** The file tools' fence (tools.ts MutationFence): kept changes are workspace writes like theirs (none after cancel). */
  readonly fence: { run<T>(fn: () => Promise<T>): Promise<T> };
  /** Aborted on cancel: the running command's process tree ends. */
  readonly signal: AbortSignal;
  /** A task's `network: true`. */
  readonly network?: boolean;
  readonly hooks?: ToolHooks;
  /** Tokens left of the task's token budget (undefined: no budget). */
  readonly remainingTokens?: () => number | undefined;
  readonly defaultTimeoutSeconds?: number;
  readonly maxOutputBytes?: number;
}

/** The current tool as the Agents view shows it: run_command with its command line (cut). */
export function toolLabel(name: string, input: unknown): string {
  const command = name === RUN_COMMAND_TOOL && typeof (input as { command?: unknown })?.command === 'string' ? (input as { command: string }).command : undefined;
  if (command === undefined) return name;
  const line = command.replace(/\s+/g, ' ').trim();
  return `${name}: ${line.length > 60 ? `${line.slice(0, 59)}…` : line}`;
}

/** What the view holds at a path, as a comparable signature ('' for nothing). */
type Signature = string;

function signatureOf(c: ViewChange): Signature {
  if (c.kind === 'delete') return '';
  if (c.kind === 'symlink') return `l:${c.target}`;
  return `f:${c.executable ? 'x' : '-'}:${createHash('sha1').update(c.content).digest('hex')}`;
}

/** A path's current state in the task's workspace, as a change to bring the view there. */
async function stateOf(ws: TaskWorkspace, path: string): Promise<ViewChange | undefined> {
  const e = await ws.entry(path);
  if (!e) return { path, kind: 'delete' };
  if (e.kind === 'symlink') return { path, kind: 'symlink', target: e.target };
  if (e.kind !== 'file') return undefined; // a folder or a submodule: nothing to write at this path
  const content = await ws.readFile(path);
  return content ? { path, kind: 'write', content, executable: e.executable } : undefined;
}

interface NotKept {
  readonly change: ViewChange;
  readonly reason: string;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function describeChange(c: ViewChange): string {
  if (c.kind === 'delete') return `deleted ${c.path}`;
  if (c.kind === 'symlink') return `symbolic link ${c.path} -> ${c.target}`;
  return `wrote ${c.path}${c.executable ? ' (executable)' : ''}`;
}

/** The tool result the model reads. */
export function formatCommandResult(r: CommandRunResult, kept: readonly ViewChange[], notKept: readonly NotKept[], timeoutMs: number): string {
  const lines: string[] = [];
  if (r.cancelled) lines.push(`Cancelled after ${seconds(r.wallMs)}; the command and everything it started were ended.`);
  else if (r.timedOut) lines.push(`Timed out after ${seconds(timeoutMs)}; the command and everything it started were ended. Pass a larger timeout_seconds if it needs longer.`);
  else if (r.exitCode === null) lines.push(`Ended by ${r.signal ?? 'a signal'} after ${seconds(r.wallMs)}.`);
  else lines.push(`Exit code ${r.exitCode} (${seconds(r.wallMs)}).`);
  const shown = Buffer.byteLength(r.output);
  if (!r.outputBytes) lines.push('No output.');
  else if (r.outputBytes > shown) lines.push(`Output (the last ${shown} of ${r.outputBytes} bytes; ${r.outputBytes - shown} bytes cut from the start):\n${r.output}`);
  else lines.push(`Output:\n${r.output}`);
  if (kept.length) lines.push(`Files changed (kept in your work, ${kept.length}):\n${kept.map((c) => `- ${describeChange(c)}`).join('\n')}`);
  else lines.push('No tracked files changed.');
  if (notKept.length) {
    lines.push(
      `NOT kept (${notKept.length}): the command changed these, but your task may not; they were undone and are not part of your work:\n` +
        notKept.map((n) => `- ${describeChange(n.change)}: ${n.reason}`).join('\n'),
    );
  }
  return lines.join('\n\n');
}

export function createRunCommandTool(opts: RunCommandToolOptions): BetaRunnableTool<{ command: string; timeout_seconds?: number }> {
  const { view, workspace: ws, policy } = opts;
  /** What the view holds at each path it was told about (paths not here are as in the task's base). */
  const known = new Map<string, Signature>();

  const sync = async () => {
    const paths = new Set([...ws.changes().map((c) => c.path), ...known.keys()]);
    const pending: ViewChange[] = [];
    for (const p of paths) {
      const s = await stateOf(ws, p);
      if (!s) continue;
      const sig = signatureOf(s);
      if (known.get(p) === sig) continue;
      pending.push(s);
      known.set(p, sig);
    }
    await view.sync(pending);
  };

  const keep = async (c: ViewChange): Promise<string | undefined> => {
    const owned = checkWrite(c.path, policy);
    if (!owned.ok) return owned.reason.replace(/ Nothing was changed\.?/, '');
    if (c.kind === 'symlink' && !ws.writeSymlink) return 'this workspace keeps no symbolic links';
    try {
      const e = await ws.entry(c.path);
      if (c.kind === 'delete') {
        if (e && (e.kind === 'file' || e.kind === 'symlink')) await ws.deleteFile(c.path);
      } else if (c.kind === 'symlink') {
        await ws.writeSymlink?.(c.path, c.target);
      } else {
        if (e?.kind === 'symlink') await ws.deleteFile(c.path);
        await ws.writeFile(c.path, c.content, { executable: c.executable });
      }
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    known.set(c.path, signatureOf(c));
    return undefined;
  };

  const fallbackNote =
    view.mode === 'worktree' ?
      ` Note: the sandbox is not available here (${view.fallbackReason ?? 'unknown reason'}), so commands run in a separate git checkout of your task's base, as the user, ` +
      'with the machine\'s network (even where your task has no network access: that cannot be enforced here) and without isolation from the rest of the machine: run only the project\'s own checks and touch nothing outside the workspace.'
    : opts.network ? ' Commands may use the network.'
    : ' Commands run in a sandbox without network access (their own loopback works: a test server can listen on any port).';

  return betaZodTool({
    name: RUN_COMMAND_TOOL,
    description:
      'Run a shell command (bash -c) in your own view of the workspace, e.g. the project\'s tests, build or linter. ' +
      'It sees the files as you have written them so far; files it changes that your task owns become part of your work ' +
      '(read_file sees them), other changes are undone and listed as not kept. Git-ignored outputs (build output, caches) stay ' +
      'visible to your later commands but are never part of your result. Returns the exit code, the wall time and the tail of the ' +
      `combined output. Default timeout ${opts.defaultTimeoutSeconds ?? DEFAULT_COMMAND_TIMEOUT_SECONDS} s; a command that runs longer ` +
      'is ended with everything it started. Do not start servers or watchers that outlive the command.' +
      fallbackNote,
    inputSchema: z.object({
      command: z.string().min(1).describe('The command line, run with bash -c in the workspace folder.'),
      timeout_seconds: z
        .number()
        .positive()
        .max(MAX_COMMAND_TIMEOUT_SECONDS)
        .optional()
        .describe(`Seconds before the command is ended (default ${opts.defaultTimeoutSeconds ?? DEFAULT_COMMAND_TIMEOUT_SECONDS}).`),
    }),
    run: async (input, context) => {
      const id = context?.toolUse.id ?? '';
      const { hooks } = opts;
      hooks?.onStart?.(RUN_COMMAND_TOOL, id, input);
      try {
        if (opts.signal.aborted) throw new ToolError('The task was cancelled; the command was not run.');
        const timeoutMs = (input.timeout_seconds ?? opts.defaultTimeoutSeconds ?? DEFAULT_COMMAND_TIMEOUT_SECONDS) * 1000;
        const remaining = opts.remainingTokens?.();
        const budgetBytes = opts.maxOutputBytes ?? DEFAULT_COMMAND_OUTPUT_BYTES;
        // About 3 bytes of output per token: the result must leave room in the token budget.
        const maxOutputBytes = remaining === undefined ? budgetBytes : Math.max(MIN_OUTPUT_BYTES, Math.min(budgetBytes, remaining * 3));
        await sync();
        const r = await view.run(input.command, { timeoutMs, network: opts.network === true, maxOutputBytes, signal: opts.signal });
        const kept: ViewChange[] = [];
        const notKept: NotKept[] = [];
        await opts.fence.run(async () => {
          for (const c of r.changes) {
            const why = await keep(c);
            if (why === undefined) kept.push(c);
            else notKept.push({ change: c, reason: why });
          }
        });
        await view.revert(notKept.map((n) => n.change.path));
        const out = formatCommandResult(r, kept, notKept, timeoutMs);
        hooks?.onEnd?.(RUN_COMMAND_TOOL, id, out, false);
        return out;
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        hooks?.onEnd?.(RUN_COMMAND_TOOL, id, msg, true);
        throw e instanceof ToolError ? e : new ToolError(`run_command failed: ${msg}`);
      }
    },
  });
}
