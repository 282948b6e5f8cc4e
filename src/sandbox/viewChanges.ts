// A command's changes: the tracked paths whose content, mode or link target differ between
// the view before and after it, from two snapshots of the overlay's upper folder and the
// shared base below it. Paths git ignores (build output, caches) are left out: they stay in
// the view for the task's later commands and never reach its result.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import type { ViewChange } from '../core';
import type { GitRepo } from '../git';
import type { SharedBase } from './sharedBase';
import { viewState, type UpperEntry, type UpperSnapshot } from './upperSnapshot';

export interface ChangeContext {
  readonly repo: GitRepo;
  readonly base: SharedBase;
  /** Repo-relative workspace folder ('' for the root). */
  readonly workspaceRel: string;
  readonly upper: string;
}

type Resolved = { readonly kind: 'none' } | { readonly kind: 'base'; readonly source: string } | { readonly kind: 'upper'; readonly entry: UpperEntry };

const repoPath = (ctx: ChangeContext, rel: string) => (ctx.workspaceRel ? `${ctx.workspaceRel}/${rel}` : rel);

function resolve(ctx: ChangeContext, snap: UpperSnapshot, rel: string): Resolved {
  const s = viewState(snap, rel);
  if (s.from === 'none') return { kind: 'none' };
  if (s.from === 'upper') return { kind: 'upper', entry: s.entry };
  const source = ctx.base.source(repoPath(ctx, rel));
  return source ? { kind: 'base', source } : { kind: 'none' };
}

/** The base's files and links below a workspace-relative folder. */
function baseFilesUnder(ctx: ChangeContext, rel: string): string[] {
  const found = new Set<string>();
  const walk = (abs: string, r: string) => {
    let names: string[];
    try {
      names = readdirSync(abs);
    } catch {
      return;
    }
    for (const n of names) {
      const a = path.join(abs, n);
      const child = `${r}/${n}`;
      try {
        if (lstatSync(a).isDirectory()) walk(a, child);
        else found.add(child);
      } catch {
        /* gone */
      }
    }
  };
  for (const layer of ctx.base.layers) walk(path.join(layer, repoPath(ctx, rel)), rel);
  return [...found].filter((p) => {
    const k = ctx.base.entry(repoPath(ctx, p));
    return k === 'file' || k === 'symlink';
  });
}

function sameEntry(a: UpperEntry | undefined, b: UpperEntry | undefined): boolean {
  return !!a && !!b && a.kind === b.kind && a.identity === b.identity && a.opaque === b.opaque;
}

function change(rel: string, kind: 'file' | 'symlink', abs: string, executable: boolean): ViewChange {
  return kind === 'symlink'
    ? { path: rel, kind: 'symlink', target: readlinkSync(abs) }
    : { path: rel, kind: 'write', content: readFileSync(abs), executable };
}

function baseChange(rel: string, source: string): ViewChange {
  const st = lstatSync(source);
  return change(rel, st.isSymbolicLink() ? 'symlink' : 'file', source, (st.mode & 0o100) !== 0);
}

/** Same bytes and mode (or link target) as the base: a copy-up without a change (a chmod back, an rewrite of the same bytes). */
function equalsBase(entry: UpperEntry, abs: string, source: string): boolean {
  const st = lstatSync(source);
  if (entry.kind === 'symlink') return st.isSymbolicLink() && readlinkSync(source) === readlinkSync(abs);
  if (st.isSymbolicLink() || entry.executable !== ((st.mode & 0o100) !== 0)) return false;
  return readFileSync(source).equals(readFileSync(abs));
}

/** The paths among `repoPaths` that git ignores (the repository's ignore rules, as `git check-ignore` reads them). */
export async function ignoredPaths(repo: GitRepo, repoPaths: readonly string[]): Promise<Set<string>> {
  if (!repoPaths.length) return new Set();
  const r = await repo.exec(['check-ignore', '--no-index', '-z', '--stdin'], { input: repoPaths.map((p) => `${p}\0`).join(''), okExitCodes: [1] });
  return new Set(r.stdout.toString('utf8').split('\0').filter(Boolean));
}

/** What a command changed: the tracked changes, and the git-ignored files it wrote (workspace-relative, path order). */
export interface CommandChanges {
  readonly changes: ViewChange[];
  readonly ignored: string[];
}

export async function changesBetween(ctx: ChangeContext, before: UpperSnapshot, after: UpperSnapshot): Promise<CommandChanges> {
  const candidates = new Set<string>();
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key);
    const a = after.get(key);
    if (sameEntry(a, b) || (a?.kind === 'folder' && b?.kind === 'folder' && a.opaque === b.opaque)) continue;
    // A file or link that is (or was) here; a folder where the base has a file hides that file.
    const baseKind = ctx.base.entry(repoPath(ctx, key));
    if (a?.kind !== 'folder' || (b && b.kind !== 'folder') || baseKind === 'file' || baseKind === 'symlink') candidates.add(key);
    // What may now hide the base's files below: a whiteout, an opaque folder, a file or link in a folder's place.
    const hides = a && (a.kind !== 'folder' || a.opaque);
    if (hides && baseKind === 'folder') for (const p of baseFilesUnder(ctx, key)) candidates.add(p);
  }

  const changes: ViewChange[] = [];
  for (const rel of candidates) {
    const b = resolve(ctx, before, rel);
    const a = resolve(ctx, after, rel);
    if (a.kind === 'none') {
      if (b.kind !== 'none') changes.push({ path: rel, kind: 'delete' });
      continue;
    }
    if (a.kind === 'base') {
      if (b.kind !== 'base') changes.push(baseChange(rel, a.source));
      continue;
    }
    if (a.entry.kind !== 'file' && a.entry.kind !== 'symlink') continue;
    if (b.kind === 'upper' && sameEntry(a.entry, b.entry)) continue;
    const abs = path.join(ctx.upper, rel);
    if (b.kind === 'base' && equalsBase(a.entry, abs, b.source)) continue;
    changes.push(change(rel, a.entry.kind, abs, a.entry.executable));
  }

  const untracked = changes.filter((c) => ctx.base.entry(repoPath(ctx, c.path)) === undefined).map((c) => repoPath(ctx, c.path));
  const ignored = await ignoredPaths(ctx.repo, untracked);
  const byPath = (x: ViewChange, y: ViewChange) => Buffer.compare(Buffer.from(x.path), Buffer.from(y.path));
  return {
    changes: changes.filter((c) => !ignored.has(repoPath(ctx, c.path))).sort(byPath),
    ignored: changes
      .filter((c) => c.kind !== 'delete' && ignored.has(repoPath(ctx, c.path)))
      .sort(byPath)
      .map((c) => c.path),
  };
}
