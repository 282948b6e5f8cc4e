#!/usr/bin/env node
// Layering lint, a matrix: core < git < sandbox < agents < engine < cli | vscode (see
// layerRules.mjs). It fails on
//   - an import of a higher layer or of a peer (cli ↔ vscode),
//   - an import of another layer's file that bypasses that layer's index.ts,
//   - a file that imports its own layer's index (a circle through the index: import the
//     sibling file directly),
//   - an import of 'vscode' outside src/vscode and src/extension.ts: the other layers run in
//     plain Node (tests, CLI, benchmarks).
// Uses TypeScript's own pre-processor, so comments and strings never count as imports, and
// `import()` calls and `typeof import()` types count like import declarations.
//
// `--root DIR` checks another tree (the lint's own test runs it on a fixture).
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { indexOf, layerOf, layerSpecifier, mayImport, ORDER_TEXT, posix, resolveSpecifier, sourceFiles } from './layerRules.mjs';

const CODEMOD = 'node scripts/fix-layer-imports.mjs';

/** Every problem in `root`/src as `FILE:LINE:COL: what is wrong; what to do`. */
export function checkLayers(root) {
  const problems = [];
  for (const file of sourceFiles(join(root, 'src'))) {
    const rel = posix(relative(root, file));
    const layer = layerOf(rel);
    const text = readFileSync(file, 'utf8');
    let source;
    const where = (pos) => {
      source ??= ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
      const { line, character } = ts.getLineAndCharacterOfPosition(source, pos);
      return `${rel}:${line + 1}:${character + 1}`;
    };
    if (!layer) {
      problems.push(`${where(0)}: is in no layer; move it under src/<layer>/ (${ORDER_TEXT})`);
      continue;
    }
    for (const imp of ts.preProcessFile(text, true, true).importedFiles) {
      const spec = imp.fileName;
      if (spec === 'vscode' || spec.startsWith('vscode/')) {
        if (layer !== 'vscode') {
          problems.push(`${where(imp.pos)}: imports 'vscode'; only src/vscode and src/extension.ts may (move the code into src/vscode or pass the capability in)`);
        }
        continue;
      }
      const target = resolveSpecifier(file, spec);
      if (!target) continue; // a package, or a file tsc reports as missing
      const targetRel = posix(relative(root, target));
      const to = layerOf(targetRel);
      if (!to) continue;
      if (to === layer) {
        if (targetRel === indexOf(layer) && rel !== indexOf(layer)) {
          problems.push(`${where(imp.pos)}: imports its own layer's index ('${spec}'); import the sibling file that defines the name directly (an index import inside a layer makes a circle)`);
        }
        continue;
      }
      if (!mayImport(layer, to)) {
        const peers = layer === 'cli' || layer === 'vscode';
        problems.push(`${where(imp.pos)}: ${layer} may not import ${to} ('${spec}'): ${peers && (to === 'cli' || to === 'vscode') ? 'cli and vscode are peers' : 'a layer imports only lower layers'} (${ORDER_TEXT}); move the shared code down into a layer both may import, or pass it in`);
        continue;
      }
      if (targetRel !== indexOf(to)) {
        problems.push(`${where(imp.pos)}: imports ${targetRel} past the ${to} layer's index; import from '${layerSpecifier(root, file, to)}' instead (${CODEMOD} rewrites it and adds the export to ${indexOf(to)})`);
      }
    }
  }
  return problems;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const at = process.argv.indexOf('--root');
  const root = at >= 0 ? resolve(process.argv[at + 1]) : new URL('..', import.meta.url).pathname;
  const problems = checkLayers(root);
  if (problems.length) {
    for (const p of problems) console.error(p);
    console.error(`layers: ${problems.length} problem${problems.length === 1 ? '' : 's'} (${ORDER_TEXT}; across layers only through index.ts)`);
    process.exit(1);
  }
  console.log(`layers: ok (${ORDER_TEXT}; across layers only through index.ts; 'vscode' only in src/vscode and src/extension.ts)`);
}
