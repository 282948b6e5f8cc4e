// What a result commit changed, read back from git: paths, a line count, the patch.
import type { TaskRunContext } from './taskContext';

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
