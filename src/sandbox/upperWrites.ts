// Writing a change into a view's upper folder directly (the overlay is mounted only while a
// command runs, so between commands the upper folder is ours to change). A write first makes
// every folder above it a real folder (a whiteout or a file there is replaced by an opaque
// folder, so the base below stays hidden); a delete removes what the upper folder has and,
// where the base would show through, leaves a whiteout.
import { chmodSync, lstatSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ViewChange } from '../core';
import { makeWhiteouts, markOpaque } from './syscalls';
import { viewState, type UpperSnapshot } from './upperSnapshot';

export interface UpperWriteContext {
  readonly upper: string;
  /** Whether the base has anything (file, link, folder) at a workspace-relative path. */
  readonly baseHas: (rel: string) => boolean;
}

function lkind(p: string): 'folder' | 'other' | undefined {
  try {
    return lstatSync(p).isDirectory() ? 'folder' : 'other';
  } catch {
    return undefined;
  }
}

/** Makes every folder above `rel` a real folder in the upper dir; adds to `opaque` those that must hide the base. */
function makeParents(ctx: UpperWriteContext, rel: string, opaque: string[]): void {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const a = path.join(ctx.upper, ...parts.slice(0, i));
    const k = lkind(a);
    if (k === 'folder') continue;
    if (k === 'other') {
      rmSync(a, { force: true });
      mkdirSync(a);
      // It was a whiteout or a file: the base's folder (if any) stays hidden below it.
      if (ctx.baseHas(parts.slice(0, i).join('/'))) opaque.push(a);
    } else mkdirSync(a);
  }
}

export async function applyToUpper(ctx: UpperWriteContext, changes: readonly ViewChange[], snapAfter: () => Promise<UpperSnapshot>): Promise<void> {
  const opaque: string[] = [];
  const deletes: ViewChange[] = [];
  for (const c of changes) {
    const abs = path.join(ctx.upper, c.path);
    if (c.kind === 'delete') {
      deletes.push(c);
      continue;
    }
    makeParents(ctx, c.path, opaque);
    rmSync(abs, { recursive: true, force: true });
    if (c.kind === 'symlink') symlinkSync(c.target, abs);
    else {
      writeFileSync(abs, c.content);
      chmodSync(abs, c.executable ? 0o755 : 0o644);
    }
  }
  await markOpaque(opaque);
  const marked = opaque.length;
  if (!deletes.length) return;
  for (const c of deletes) rmSync(path.join(ctx.upper, c.path), { recursive: true, force: true });
  // Where the base still shows through, a whiteout hides it.
  const snap = await snapAfter();
  const whiteouts: string[] = [];
  for (const c of deletes) {
    if (viewState(snap, c.path).from !== 'base' || !ctx.baseHas(c.path)) continue;
    makeParents(ctx, c.path, opaque);
    whiteouts.push(path.join(ctx.upper, c.path));
  }
  await markOpaque(opaque.slice(marked));
  await makeWhiteouts(whiteouts);
}
