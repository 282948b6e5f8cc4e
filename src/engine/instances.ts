// Running several instances of one task (attempts, voters) within the slots the
// scheduler reserved for it.
import type { TaskRunContext } from './taskContext';

/**
 * Runs instances 1..n of one task (attempts, voters), as many at once as the slots the
 * scheduler reserved for the task: min(n, concurrency).
 */
export function runInstances<R>(n: number, ctx: Pick<TaskRunContext, 'plan'>, fn: (instance: number) => Promise<R>): Promise<R[]> {
  const limit = Math.min(n, ctx.plan?.concurrency ?? n);
  return mapLimited(Array.from({ length: n }, (_, i) => i + 1), limit, (i) => fn(i));
}

/** Runs `fn` over the items with at most `limit` at a time; results in input order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
