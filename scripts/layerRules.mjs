// The layer matrix, shared by the lint (check-layers.mjs) and the codemod that moves
// cross-layer imports onto the layers' indexes (fix-layer-imports.mjs), so that the two
// cannot disagree on what a layer or an index is.
//
//   core < git < sandbox < agents < engine < cli | vscode
//
// A layer imports only lower layers, and only through their `index.ts`. cli and vscode are
// peers: neither imports the other. src/extension.ts belongs to vscode.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const LAYERS = ['core', 'git', 'sandbox', 'agents', 'engine', 'cli', 'vscode'];
const RANK = { core: 0, git: 1, sandbox: 2, agents: 3, engine: 4, cli: 5, vscode: 5 };
export const ORDER_TEXT = 'core < git < sandbox < agents < engine < cli | vscode';

export const posix = (p) => p.split(sep).join('/');

/** The layer of a path relative to the project root (`src/git/apply.ts` → 'git'), or undefined. */
export function layerOf(rel) {
  if (rel === 'src/extension.ts') return 'vscode';
  const m = /^src\/([^/]+)\//.exec(rel);
  return m && LAYERS.includes(m[1]) ? m[1] : undefined;
}

export const indexOf = (layer) => `src/${layer}/index.ts`;

/** Whether `from` may import `to` at all (the same layer, or a strictly lower one). */
export function mayImport(from, to) {
  return from === to || RANK[to] < RANK[from];
}

export function* sourceFiles(dir) {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (/\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) yield full;
  }
}

/** The file a relative specifier names (`./x`, `./x.js` → x.ts, `./x` → x/index.ts), or undefined. */
export function resolveSpecifier(fromFile, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(fromFile), spec);
  const stem = base.replace(/\.(js|mjs|cjs)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** The specifier from `fromFile` to a layer's folder (`'../git'`, `'../../core'`, `'./vscode'`). */
export function layerSpecifier(root, fromFile, layer) {
  const r = posix(relative(dirname(fromFile), join(root, 'src', layer)));
  return r.startsWith('.') ? r : `./${r}`;
}
