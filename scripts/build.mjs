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

const targets = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    // The bundle's first statement: when VS Code starts evaluating it (activation timing).
    banner: { js: 'globalThis.__parallelAgentsLoadStart = performance.now();' },
    plugins: [lazyChunkPlugin],
    // `import()` of a chunk becomes a lazy require(): plain CommonJS, as the extension host loads it.
    supported: { 'dynamic-import': false },
  },
  ...[...lazyChunks].map(([entry, out]) => ({
    ...common,
    entryPoints: [entry],
    outfile: join('dist', out),
    external: ['vscode'],
  })),
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
];

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
  await Promise.all(targets.map((t) => esbuild.build(t)));
  chmodSync(join(root, 'dist', 'cli.js'), 0o755);
  await writeSchema();
  console.log(`build: dist/extension.js, dist/cli.js, schemas/tasks.schema.json${production ? ' (production)' : ''}`);
}
