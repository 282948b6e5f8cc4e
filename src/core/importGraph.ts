// Inferred data dependencies from the code: which workspace files a JavaScript/TypeScript file
// imports. Used by the plan (core/plan.ts) to warn when a task's owned files import files that
// another task owns and nothing orders the two: the first question of the independence analysis
// ("does B need A's result?") answered from the code, not only from what the task file declares.
//
// The lexer is es-module-lexer (a small wasm lexer, bundled with the CLI and the extension)
// rather than the TypeScript compiler API: the extension ships only its esbuild bundles, and
// bundling `typescript` would add megabytes for reading import lines. es-module-lexer reads
// `import`/`export … from`/`import()` of JS and of most TS; a file it cannot lex (JSX, some TS
// syntax) falls back to a line scan, and CommonJS `require('…')` is found by a scan as well.
// Only relative specifiers are resolved (`./x`, `../y`, with the usual extensions and index
// files, and TypeScript's `./x.js` → `./x.ts`); packages and tsconfig `paths` are not followed.
//
// Reading is asynchronous and bounded: at most MAX_FILES files of at most MAX_FILE_BYTES each,
// a few at a time, yielding to the event loop between files; a file that cannot be read is
// left out. The result is a hint for warnings, never a reason to refuse a plan.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { init, parse } from 'es-module-lexer';

export interface ImportGraph {
  /** Workspace file → the workspace files it imports (workspace-relative, sorted). */
  readonly imports: ReadonlyMap<string, readonly string[]>;
  /** Files left out because a bound was reached (0 normally). */
  readonly skipped: number;
}

export interface ReadImportGraphOptions {
  readonly signal?: AbortSignal;
  readonly maxFiles?: number;
  readonly maxFileBytes?: number;
}

export const MAX_FILES = 5000;
export const MAX_FILE_BYTES = 512 * 1024;
const PARALLEL_READS = 8;

const SOURCE_EXT = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const RESOLVE_EXTS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];
const SKIP_DIR = /(?:^|\/)(?:node_modules|\.git|dist|out|build|coverage)\//;

export function isSourceFile(p: string): boolean {
  return SOURCE_EXT.test(p) && !SKIP_DIR.test(p) && !p.endsWith('.d.ts');
}

/** Reads the import graph of the JS/TS files among `files` (workspace-relative) under `root`. */
export async function readImportGraph(root: string, files: readonly string[], options: ReadImportGraphOptions = {}): Promise<ImportGraph> {
  const maxFiles = options.maxFiles ?? MAX_FILES;
  const maxBytes = options.maxFileBytes ?? MAX_FILE_BYTES;
  const sources = files.filter(isSourceFile);
  const chosen = sources.slice(0, maxFiles);
  let skipped = sources.length - chosen.length;
  const known = new Set(files);
  const imports = new Map<string, readonly string[]>();
  if (!chosen.length) return { imports, skipped };
  await init;

  let next = 0;
  const worker = async () => {
    while (next < chosen.length && !options.signal?.aborted) {
      const file = chosen[next++] as string;
      const text = await readBounded(path.join(root, file), maxBytes);
      if (text === undefined) {
        skipped++;
        continue;
      }
      const targets = new Set<string>();
      for (const spec of specifiers(text)) {
        const hit = resolveSpecifier(file, spec, known);
        if (hit !== undefined && hit !== file) targets.add(hit);
      }
      if (targets.size) imports.set(file, [...targets].sort());
      // Lexing is synchronous: give the event loop a turn between files.
      await new Promise<void>((r) => setImmediate(r));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, chosen.length) }, worker));
  return { imports, skipped };
}

async function readBounded(full: string, maxBytes: number): Promise<string | undefined> {
  try {
    const st = await fs.stat(full);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    return await fs.readFile(full, 'utf8');
  } catch {
    return undefined;
  }
}

const REQUIRE_RE = /(?:^|[^.\w$])require\s*\(\s*(['"`])([^'"`\n]+)\1\s*\)/g;
const IMPORT_LINE_RE = /(?:^|[\n;])\s*(?:import|export)\b[^'"`;]*?\bfrom\s*(['"])([^'"\n]+)\1|(?:^|[\n;])\s*import\s*(['"])([^'"\n]+)\3|\bimport\s*\(\s*(['"`])([^'"`\n]+)\5\s*\)/g;

/** The module specifiers a source text names: ES imports and re-exports, import(), require(). */
export function specifiers(text: string): string[] {
  const out: string[] = [];
  try {
    const [found] = parse(text);
    for (const i of found) if (i.n !== undefined) out.push(i.n);
  } catch {
    for (const m of text.matchAll(IMPORT_LINE_RE)) out.push((m[2] ?? m[4] ?? m[6]) as string);
  }
  for (const m of text.matchAll(REQUIRE_RE)) out.push(m[2] as string);
  return out;
}

/** The workspace file a relative specifier of `from` names, if it is one of `known`. */
export function resolveSpecifier(from: string, spec: string, known: ReadonlySet<string>): string | undefined {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec.replace(/[?#].*$/, '')));
  if (base.startsWith('../')) return undefined;
  const candidates = [base, ...RESOLVE_EXTS.map((e) => base + e), ...RESOLVE_EXTS.map((e) => `${base}/index${e}`)];
  // TypeScript's ESM convention: `./x.js` names `./x.ts` (and .jsx → .tsx, .mjs → .mts, .cjs → .cts).
  const ts = /\.([cm]?)js(x?)$/.exec(base);
  if (ts) candidates.splice(1, 0, `${base.slice(0, -ts[0].length)}.${ts[1]}ts${ts[2]}`);
  return candidates.find((c) => known.has(c));
}

export interface ImportEdge {
  /** A file the importing task owns. */
  readonly file: string;
  /** The file it imports, owned by the other task. */
  readonly imported: string;
}

export interface OwnedBy {
  (task: string, file: string): boolean;
}

/**
 * For an unordered pair: a file `importer` owns that imports a file `owner` owns (and
 * `importer` does not), or undefined.
 */
export function importEdgeBetween(graph: ImportGraph, importer: string, owner: string, owns: OwnedBy): ImportEdge | undefined {
  for (const [file, targets] of graph.imports) {
    if (!owns(importer, file)) continue;
    for (const imported of targets) if (owns(owner, imported) && !owns(importer, imported)) return { file, imported };
  }
  return undefined;
}
