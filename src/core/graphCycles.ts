// Circles in a directed graph given as adjacency lists: the strongly connected
// components (Tarjan) and one simple circle through each. Used for task dependencies
// (plan.ts) and for source imports (the import-circle test).

/** The graph's strongly connected components; a single node is one too (a circle only if it points to itself). */
export function stronglyConnected(ids: readonly string[], deps: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of deps.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      out.push(scc);
    }
  };
  for (const id of ids) if (!idx.has(id)) visit(id);
  return out;
}

/** One simple cycle through the component, starting at its smallest id, in dependency order. */
export function orderCycle(scc: readonly string[], deps: ReadonlyMap<string, readonly string[]>): string[] {
  const members = new Set(scc);
  const startId = [...scc].sort()[0] as string;
  const path: string[] = [startId];
  const seen = new Set(path);
  const dfs = (v: string): boolean => {
    for (const w of deps.get(v) ?? []) {
      if (w === startId) return true;
      if (!members.has(w) || seen.has(w)) continue;
      seen.add(w);
      path.push(w);
      if (dfs(w)) return true;
      path.pop();
    }
    return false;
  };
  dfs(startId);
  // deps point from a task to what it needs; "a → b" reads "a depends on b".
  return path;
}
