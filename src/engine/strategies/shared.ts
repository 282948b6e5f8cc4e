// Pieces every task executor uses: the task's overlay, result commits and their diffs,
// and the fan-in of live progress and transcripts when one task runs several agents
// (competitive attempts, voters, a judge).
import type { TaskProgress, TokenUsage, TranscriptEntry } from '../../core/runModel';
import { addUsage, emptyUsage } from '../../core/runModel';
import type { Task } from '../../core/taskSchema';
import { commitOverlay, commitWorktree, OverlayWorkspace, type CommitTaskOptions, type WorktreeWorkspace } from '../../git';
import { PrefixedWorkspace } from '../prefixedWorkspace';
import type { LeftOutWrites, TaskRunContext } from '../taskContext';

/** The file tools of agents that change nothing (voters, judges). */
export const READ_ONLY_TOOLS = ['read_file', 'list_files', 'search'] as const;

export function overlayFor(baseCommit: string, ctx: TaskRunContext): { overlay: OverlayWorkspace; view: PrefixedWorkspace | OverlayWorkspace } {
  const overlay = new OverlayWorkspace(ctx.repo, ctx.reader, baseCommit);
  const view = ctx.prefix ? new PrefixedWorkspace(overlay, ctx.prefix, ctx.workspaceRoot) : overlay;
  return { overlay, view };
}

export function commitMessage(task: Task, status: string, output: string): string {
  const title = task.title ?? task.id;
  const summary = output.trim().split('\n').slice(0, 20).join('\n');
  return `${title} (parallel-agents task ${task.id}, ${status})\n\n${summary}`.trim();
}

/** A result commit that changes nothing (voters; a competitive task without a winner). */
export function commitNothing(task: Task, baseCommit: string, ctx: TaskRunContext, status: string, output: string): Promise<string> {
  const { overlay } = overlayFor(baseCommit, ctx);
  return commitOverlay(ctx.repo, { runId: ctx.runId, taskId: task.id, baseCommit, workspace: overlay, message: commitMessage(task, status, output) });
}

/** Commits a command's worktree; also says what it wrote that the commit leaves out (contract C3). */
export async function commitCommand(
  ctx: Pick<TaskRunContext, 'repo' | 'prefix'>,
  opts: CommitTaskOptions & { readonly worktree: WorktreeWorkspace },
): Promise<{ resultCommit: string } & LeftOutWrites> {
  const r = await commitWorktree(ctx.repo, { ...opts, workspacePrefix: ctx.prefix });
  return {
    resultCommit: r.commit,
    ...(r.ignored.count > 0 && { ignoredOutputs: { count: r.ignored.count, sample: [...r.ignored.sample] } }),
    ...(r.outside.length > 0 && { outsideWrites: [...r.outside] }),
  };
}

/** Workspace-relative paths changed between two commits. */
export async function changedPaths(ctx: Pick<TaskRunContext, 'repo' | 'prefix'>, base: string, result: string): Promise<string[]> {
  const out = await ctx.repo.git(['diff-tree', '-r', '--no-commit-id', '--name-only', '-z', base, result]);
  return out
    .split('\0')
    .filter(Boolean)
    .filter((p) => !ctx.prefix || p.startsWith(ctx.prefix))
    .map((p) => (ctx.prefix ? p.slice(ctx.prefix.length) : p));
}

/** Lines added + deleted between two commits (a binary file counts as one line). */
export async function diffLines(ctx: Pick<TaskRunContext, 'repo'>, base: string, result: string): Promise<number> {
  const out = await ctx.repo.git(['diff', '--numstat', '--no-renames', base, result]);
  let n = 0;
  for (const line of out.split('\n')) {
    const [a, d] = line.split('\t');
    if (a === undefined || d === undefined) continue;
    n += a === '-' ? 1 : Number(a) + Number(d);
  }
  return n;
}

/** The patch between two commits, workspace-relative, cut at `max` characters. */
export async function diffText(ctx: Pick<TaskRunContext, 'repo' | 'prefix'>, base: string, result: string, max = 30_000): Promise<string> {
  const rel = ctx.prefix ? [`--relative=${ctx.prefix}`] : [];
  const out = await ctx.repo.git(['diff', '--no-color', '--no-ext-diff', '-M', ...rel, base, result]);
  return out.length > max ? `${out.slice(0, max)}\n[… diff cut: ${out.length - max} more characters]` : out;
}

/**
 * Several agents of one task report progress as one: tokens and cost are summed over the
 * parts (finished parts keep their final numbers), the current tool names its part.
 */
export class ProgressFanIn {
  private readonly parts = new Map<string, { tokens: TokenUsage; costUsd: number; turns: number }>();
  private readonly started = Date.now();

  constructor(
    private readonly taskId: string,
    private readonly emit: (p: TaskProgress) => void,
  ) {}

  /** The progress callback for one part ("attempt 2", "voter 3", "judge"). */
  part(name: string): (p: TaskProgress) => void {
    return (p) => {
      this.parts.set(name, { tokens: p.tokens, costUsd: p.costUsd, turns: p.turns });
      const total = this.total();
      this.emit({
        taskId: this.taskId,
        ...(p.currentTool !== undefined && { currentTool: `${name}: ${p.currentTool}` }),
        ...(p.textDelta !== undefined && { textDelta: p.textDelta }),
        tokens: total.tokens,
        costUsd: total.costUsd,
        turns: total.turns,
        elapsedMs: Date.now() - this.started,
      });
    };
  }

  /** Records a part's final numbers (so a part that streamed nothing still counts). */
  settle(name: string, tokens: TokenUsage, costUsd: number): void {
    const prev = this.parts.get(name);
    this.parts.set(name, { tokens, costUsd, turns: prev?.turns ?? 0 });
  }

  total(): { tokens: TokenUsage; costUsd: number; turns: number } {
    let tokens = emptyUsage();
    let costUsd = 0;
    let turns = 0;
    for (const p of this.parts.values()) {
      tokens = addUsage(tokens, p.tokens);
      costUsd += p.costUsd;
      turns += p.turns;
    }
    return { tokens, costUsd, turns };
  }
}

/** Transcript entries of one part of a task, tagged with the part (`{attempt: 2}`, `{voter: 3}`). */
export function taggedTranscript(
  onTranscript: (e: TranscriptEntry) => void,
  tag: Record<string, string | number | boolean>,
): (e: TranscriptEntry) => void {
  return (e) => {
    const data = typeof e.data === 'object' && e.data !== null && !Array.isArray(e.data) ? { ...tag, ...(e.data as object) } : { ...tag, value: e.data };
    onTranscript({ ...e, data });
  };
}

/** Runs `fn` over the items with at most `limit` at a time; results in input order. */
/**
 * Runs instances 1..n of one task (attempts, voters), as many at once as the slots the
 * scheduler reserved for the task: min(n, concurrency).
 */
export function runInstances<R>(n: number, ctx: TaskRunContext, fn: (instance: number) => Promise<R>): Promise<R[]> {
  const limit = Math.min(n, ctx.plan?.concurrency ?? n);
  return mapLimited(Array.from({ length: n }, (_, i) => i + 1), limit, (i) => fn(i));
}

export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
