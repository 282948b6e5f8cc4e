#!/usr/bin/env node
// Layering lint: only src/vscode/** and src/extension.ts may import 'vscode'.
// The core, git, agents and cli layers must run in plain Node (tests, CLI, benchmarks).
// Uses TypeScript's own pre-processor so comments and strings never count as imports.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');
const allowed = (rel) => rel === 'src/extension.ts' || rel.startsWith('src/vscode/');

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yield* walk(full);
    else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(name)) yield full;
  }
}

const problems = [];
for (const file of walk(src)) {
  const rel = relative(root, file).split(sep).join('/');
  if (allowed(rel)) continue;
  const text = readFileSync(file, 'utf8');
  const info = ts.preProcessFile(text, true, true);
  for (const imp of info.importedFiles) {
    if (imp.fileName === 'vscode' || imp.fileName.startsWith('vscode/')) {
      const { line, character } = ts.getLineAndCharacterOfPosition(
        ts.createSourceFile(file, text, ts.ScriptTarget.Latest), imp.pos);
      problems.push(`${rel}:${line + 1}:${character + 1}: imports 'vscode'; only src/vscode and src/extension.ts may (move the code into src/vscode or pass the capability in)`);
    }
  }
}
if (problems.length) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log('layers: ok (no vscode import outside src/vscode and src/extension.ts)');
