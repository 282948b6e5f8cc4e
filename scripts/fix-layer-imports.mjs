#!/usr/bin/env node
// Codemod: every import (and re-export) in src/ that reaches into another layer's file is
// rewritten to import from that layer's index (`'../git'` instead of `'../git/apply'`), and a
// name the index does not export yet gets an export line appended to the index. Imports of
// the same index in one file are merged (value and `import type` declarations separately).
// Idempotent: run it again after a merge; a tree it has fixed is left as it is.
//
//   node scripts/fix-layer-imports.mjs            rewrite src/ of this checkout
//   node scripts/fix-layer-imports.mjs --check    only say what it would change (exit 1 if anything)
//   node scripts/fix-layer-imports.mjs --root DIR another tree (the tests use a fixture)
//
// The type checker (not text matching) says which names a module exports, so a name that a
// file re-exports, or that the index exports under the same name from another file, is
// followed to its declaration. What it cannot rewrite safely (a namespace or default import
// of another layer's file, a name the index exports for a different declaration, an
// `import()` past an index) it leaves as it is and lists; `npm run lint` then names it too.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { indexOf, layerOf, layerSpecifier, mayImport, posix, resolveSpecifier, sourceFiles } from './layerRules.mjs';

const MAX_LINE = 120;

export function fixLayerImports(root, { write = true } = {}) {
  const files = [...sourceFiles(join(root, 'src'))];
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    noLib: true, // which names a module exports needs no globals; saves loading lib.d.ts
  });
  const checker = program.getTypeChecker();
  const rel = (f) => posix(relative(root, f));
  const moduleExports = new Map();
  /** name → the declaration's symbol, for every name a module exports. */
  const exportsOf = (file) => {
    if (!moduleExports.has(file)) {
      const sf = program.getSourceFile(file);
      const sym = sf && checker.getSymbolAtLocation(sf);
      const map = new Map();
      for (const e of sym ? checker.getExportsOfModule(sym) : []) map.set(e.name, origin(e));
      moduleExports.set(file, map);
    }
    return moduleExports.get(file);
  };
  const origin = (s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);

  const skipped = [];
  /** index file → source module (relative to the index) → name → isValue. */
  const additions = new Map();
  let rewritten = 0;
  const edits = new Map();

  for (const file of files) {
    const fileRel = rel(file);
    const layer = layerOf(fileRel);
    if (!layer) continue;
    const sf = program.getSourceFile(file);
    const text = sf.text;
    const fileEdits = [];
    const where = (node) => `${fileRel}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
    /** Declarations that name an index after the rewrite, by index specifier, for merging. */
    const byIndex = new Map();

    for (const stmt of sf.statements) {
      const isImport = ts.isImportDeclaration(stmt);
      if (!isImport && !ts.isExportDeclaration(stmt)) continue;
      const specNode = stmt.moduleSpecifier;
      if (!specNode || !ts.isStringLiteral(specNode)) continue;
      const target = resolveSpecifier(file, specNode.text);
      if (!target) continue;
      const to = layerOf(rel(target));
      if (!to || to === layer || !mayImport(layer, to)) continue;
      const indexSpec = layerSpecifier(root, file, to);
      const atIndex = rel(target) === indexOf(to);
      const names = namedBindings(stmt);
      if (!names) {
        if (!atIndex) skipped.push(`${where(stmt)}: a namespace, default or side-effect import of ${rel(target)}; import named exports from '${indexSpec}' by hand`);
        continue;
      }
      if (!atIndex) {
        const indexFile = join(root, indexOf(to));
        const indexNames = existsSync(indexFile) ? exportsOf(indexFile) : new Map();
        const targetNames = exportsOf(target);
        const pending = additionsFor(additions, indexFile);
        const conflict = names.find(({ name }) => {
          const mine = targetNames.get(name);
          const theirs = indexNames.get(name) ?? pendingOrigin(pending, name)?.symbol;
          return !mine || (theirs !== undefined && theirs !== mine);
        });
        if (conflict) {
          skipped.push(`${where(stmt)}: '${conflict.name}' from ${rel(target)} is not the '${conflict.name}' that ${indexOf(to)} exports (or not an export at all); import it by hand`);
          continue;
        }
        for (const { name } of names) {
          if (indexNames.has(name) || pendingOrigin(pending, name)) continue;
          const sym = targetNames.get(name);
          const fromIndex = posix(relative(dirname(indexFile), target)).replace(/\.tsx?$/, '').replace(/\/index$/, '');
          const moduleSpec = fromIndex.startsWith('.') ? fromIndex : `./${fromIndex}`;
          if (!pending.has(moduleSpec)) pending.set(moduleSpec, new Map());
          pending.get(moduleSpec).set(name, { value: (sym.flags & ts.SymbolFlags.Value) !== 0, symbol: sym });
        }
        rewritten++;
      }
      const key = `${isImport ? 'import' : 'export'} ${typeOnly(stmt) ? 'type' : 'value'} ${indexSpec}`;
      if (!byIndex.has(key)) byIndex.set(key, []);
      byIndex.get(key).push({ stmt, names, rewrite: !atIndex, indexSpec });
    }

    for (const group of byIndex.values()) {
      // One declaration per index, unless a declaration carries a comment of its own.
      const mergeable = group.filter(({ stmt }) => stmt === sf.statements[0] || !hasOwnComment(text, stmt));
      const merged = mergeable.length > 1 ? mergeable : [];
      for (const d of group) {
        if (merged.includes(d)) continue;
        if (d.rewrite) fileEdits.push({ start: d.stmt.moduleSpecifier.getStart(sf) + 1, end: d.stmt.moduleSpecifier.getEnd() - 1, text: d.indexSpec });
      }
      if (merged.length) {
        const [first, ...rest] = merged;
        const seen = new Set();
        const parts = [];
        for (const d of merged) {
          for (const n of d.names) {
            const part = n.text;
            if (!seen.has(part)) seen.add(part), parts.push(part);
          }
        }
        fileEdits.push({ start: first.stmt.getStart(sf), end: first.stmt.getEnd(), text: declarationText(first.stmt, parts, first.indexSpec, quoteOf(text, first.stmt)) });
        for (const d of rest) fileEdits.push({ start: d.stmt.getFullStart(), end: d.stmt.getEnd(), text: '' });
      }
    }
    if (fileEdits.length) edits.set(file, applyEdits(text, fileEdits));
  }

  for (const [indexFile, modules] of additions) {
    if (!modules.size) continue;
    const layer = layerOf(rel(indexFile));
    let text = existsSync(indexFile) ? edits.get(indexFile) ?? readFileSync(indexFile, 'utf8') : `// The ${layer} layer's public API.\n`;
    if (!text.endsWith('\n')) text += '\n';
    for (const [moduleSpec, names] of modules) {
      const values = [...names].filter(([, n]) => n.value).map(([name]) => name);
      const types = [...names].filter(([, n]) => !n.value).map(([name]) => name);
      const list = values.length ? [...values, ...types.map((t) => `type ${t}`)] : types;
      text += declarationText(undefined, list, moduleSpec, "'", values.length ? '' : 'type ') + '\n';
    }
    edits.set(indexFile, text);
  }

  if (write) for (const [file, text] of edits) writeFileSync(file, text);
  return { rewritten, changedFiles: [...edits.keys()].map(rel), skipped };
}

function additionsFor(additions, indexFile) {
  if (!additions.has(indexFile)) additions.set(indexFile, new Map());
  return additions.get(indexFile);
}

function pendingOrigin(pending, name) {
  for (const names of pending.values()) if (names.has(name)) return names.get(name);
  return undefined;
}

const typeOnly = (stmt) => (ts.isImportDeclaration(stmt) ? stmt.importClause?.isTypeOnly === true : stmt.isTypeOnly);

/** The named bindings as `{ name, text }` (text as written: `type A`, `b as c`), or undefined if there are none to move. */
function namedBindings(stmt) {
  let elements;
  if (ts.isImportDeclaration(stmt)) {
    const clause = stmt.importClause;
    if (!clause || clause.name || !clause.namedBindings || !ts.isNamedImports(clause.namedBindings)) return undefined;
    elements = clause.namedBindings.elements;
  } else {
    if (!stmt.exportClause || !ts.isNamedExports(stmt.exportClause)) return undefined;
    elements = stmt.exportClause.elements;
  }
  return elements.map((e) => ({ name: (e.propertyName ?? e.name).text, text: e.getText() }));
}

/** A comment directly above the declaration (no blank line between) belongs to it (but a file's header belongs to the file). */
function hasOwnComment(text, stmt) {
  const ranges = ts.getLeadingCommentRanges(text, stmt.getFullStart()) ?? [];
  const last = ranges[ranges.length - 1];
  return last !== undefined && !/\n\s*\n/.test(text.slice(last.end, stmt.getStart()));
}

const quoteOf = (text, stmt) => (text[stmt.moduleSpecifier.getStart()] === '"' ? '"' : "'");

function declarationText(stmt, parts, spec, quote, typeKeyword) {
  const keyword = stmt ? (ts.isImportDeclaration(stmt) ? 'import' : 'export') : 'export';
  const type = typeKeyword ?? (stmt && typeOnly(stmt) ? 'type ' : '');
  const one = `${keyword} ${type}{ ${parts.join(', ')} } from ${quote}${spec}${quote};`;
  if (one.length <= MAX_LINE) return one;
  return `${keyword} ${type}{\n${parts.map((p) => `  ${p},\n`).join('')}} from ${quote}${spec}${quote};`;
}

function applyEdits(text, edits) {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const at = process.argv.indexOf('--root');
  const root = at >= 0 ? resolve(process.argv[at + 1]) : new URL('..', import.meta.url).pathname;
  const check = process.argv.includes('--check');
  const { rewritten, changedFiles, skipped } = fixLayerImports(root, { write: !check });
  for (const s of skipped) console.error(`${s}`);
  const verb = check ? 'would rewrite' : 'rewrote';
  console.log(`fix-layer-imports: ${verb} ${rewritten} cross-layer import${rewritten === 1 ? '' : 's'}; ${check ? 'would change' : 'changed'} ${changedFiles.length} file${changedFiles.length === 1 ? '' : 's'}${changedFiles.length ? ':\n  ' + changedFiles.join('\n  ') : ''}`);
  if (skipped.length) console.error(`fix-layer-imports: ${skipped.length} left for a hand (above); npm run lint names them too`);
  process.exit((check && changedFiles.length) || skipped.length ? 1 : 0);
}
