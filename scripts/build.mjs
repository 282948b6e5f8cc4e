#!/usr/bin/env node
// Bundles the extension (vscode external) and the CLI, and writes the task file's JSON
// Schema. `--production` minifies; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

// Modules the extension imports lazily (`import('../engine/index.js')`…) become files of
// their own, required only when first used: VS Code then compiles a small extension.js at
// activation instead of the whole engine and its dependencies (the SDK, simple-git, yaml, zod).
const lazyChunks = new Map([
  [join(root, 'src', 'engine', 'index.ts'), './engine.js'],
  [join(root, 'src', 'vscode', 'taskFileAnalysis.ts'), './taskFileAnalysis.js'],
]);
const lazyChunkPlugin = {
  name: 'lazy-chunks',
  setup(build) {
    build.onResolve({ filter: /./ }, (args) => {
      if (args.kind !== 'dynamic-import' || !args.path.startsWith('.')) return undefined;
      const chunk = lazyChunks.get(join(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
      return chunk ? { path: chunk, external: true } : undefined;
    });
  },
};

// Other layers import core through its index, which re-exports the task file parser (zod,
// yaml) along with the small Disposable/Emitter the extension needs at activation. Core's
// modules do nothing when loaded, so esbuild may drop the ones a bundle uses no name of.
const coreDir = join(root, 'src', 'core') + '/';
const resolvingCore = Symbol('core-side-effects');
const coreSideEffectFree = {
  name: 'core-side-effect-free',
  setup(build) {
    build.onResolve({ filter: /^\./ }, async (args) => {
      if (args.pluginData === resolvingCore || !`${join(args.resolveDir, args.path)}/`.startsWith(coreDir)) return undefined;
      const r = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: resolvingCore });
      return r.errors.length || r.external ? undefined : { path: r.path, sideEffects: false };
    });
  },
};

const targets = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    // The bundle's first statement: when VS Code starts evaluating it (activation timing).
    banner: { js: 'globalThis.__parallelAgentsLoadStart = performance.now();' },
    plugins: [lazyChunkPlugin, coreSideEffectFree],
    metafile: true,
    // `import()` of a chunk becomes a lazy require(): plain CommonJS, as the extension host loads it.
    supported: { 'dynamic-import': false },
  },
  ...[...lazyChunks].map(([entry, out]) => ({
    ...common,
    entryPoints: [entry],
    outfile: join('dist', out),
    external: ['vscode'],
    plugins: [coreSideEffectFree],
  })),
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [coreSideEffectFree],
  },
];

// extension.js is what VS Code compiles at activation; the parser and the SDK belong in the
// lazy chunks. A static import of the wrong module (or a core module with a load-time side
// effect) would pull them in silently, so the build says so.
function assertSmallActivation(metafile) {
  const bundled = Object.entries(metafile.outputs['dist/extension.js'].inputs).filter(([, i]) => i.bytesInOutput > 0);
  const heavy = bundled.map(([path]) => path).filter((i) => /node_modules\/(zod|yaml|@anthropic-ai|simple-git)\//.test(i));
  if (heavy.length) {
    const packages = [...new Set(heavy.map((i) => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(i)[1]))];
    throw new Error(`dist/extension.js bundles ${packages.join(', ')}, which activation must not load: a static import from src/extension.ts or src/vscode pulled it in; import that module lazily (see lazyChunks in scripts/build.mjs)`);
  }
}

async function writeSchema() {
  // The schema module is TypeScript; bundle it to a temporary CJS file and load it.
  const out = join(root, 'dist', 'schema-gen.cjs');
  await esbuild.build({ ...common, sourcemap: false, entryPoints: ['scripts/generate-schema.ts'], outfile: out });
  const { generateTaskFileJsonSchema } = await import(out);
  mkdirSync(join(root, 'schemas'), { recursive: true });
  writeFileSync(join(root, 'schemas', 'tasks.schema.json'), JSON.stringify(generateTaskFileJsonSchema(), null, 2) + '\n');
}

if (watch) {
  for (const t of targets) await (await esbuild.context(t)).watch();
  console.log('esbuild: watching');
} else {
  const [extension] = await Promise.all(targets.map((t) => esbuild.build(t)));
  assertSmallActivation(extension.metafile);
  chmodSync(join(root, 'dist', 'cli.js'), 0o755);
  await writeSchema();
  console.log(`build: dist/extension.js, dist/cli.js, schemas/tasks.schema.json${production ? ' (production)' : ''}`);
}
