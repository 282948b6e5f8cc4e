// Which pairs of tasks the plan has to look at for ownership clashes, undeclared reads and
// import edges. A 1,000-task file has half a million pairs; most tasks name plain files
// (`owns: [src/a.ts]`), which only clash with a task naming the same file, and an import
// edge only joins the owners of its two files. So: an index of plain paths, every pair with
// a task whose globs are real globs (those need the glob algebra), and the owners of each
// import edge. The result is a superset of the pairs that can produce a diagnostic, in the
// order of the full double loop (i < j), so the plan's messages come out as before.
import { normalizeRelPath, plainPaths } from './glob';
import type { ImportGraph } from './importGraph';
import type { Task } from './taskSchema';

type Owns = (task: string, file: string) => boolean;

export function candidatePairs(tasks: readonly Task[], imports: ImportGraph | undefined, owns: Owns): Array<readonly [number, number]> {
  const n = tasks.length;
  const pairs = new Set<number>();
  const add = (i: number, j: number) => {
    if (i !== j) pairs.add(i < j ? i * n + j : j * n + i);
  };
  const ownsPlain = tasks.map((t) => plainPaths(t.owns));
  const byPath = new Map<string, number[]>();
  const globbed: number[] = [];
  ownsPlain.forEach((paths, i) => {
    if (!paths) return void globbed.push(i);
    for (const p of new Set(paths)) byPath.set(p, [...(byPath.get(p) ?? []), i]);
  });
  // Owns against owns and reads against owns: through the index; a real glob against everyone.
  tasks.forEach((t, i) => {
    const lists = [ownsPlain[i] ?? null, t.reads.length ? plainPaths(t.reads) : []];
    for (const list of lists) {
      if (list === null) {
        for (let j = 0; j < n; j++) add(i, j);
        continue;
      }
      // (a task with real globs pairs with everyone in its own turn)
      for (const p of list) for (const j of byPath.get(p) ?? []) add(i, j);
    }
  });
  if (imports) {
    const ownersMemo = new Map<string, number[]>();
    const owners = (file: string): number[] => {
      let o = ownersMemo.get(file);
      if (!o) ownersMemo.set(file, (o = [...(byPath.get(normalizeRelPath(file)) ?? []), ...globbed].filter((i) => owns((tasks[i] as Task).id, file))));
      return o;
    };
    for (const [file, targets] of imports.imports) {
      const readers = owners(file);
      if (!readers.length) continue;
      for (const imported of targets) for (const w of owners(imported)) for (const r of readers) add(r, w);
    }
  }
  return [...pairs].sort((a, b) => a - b).map((k) => [Math.floor(k / n), k % n] as const);
}
