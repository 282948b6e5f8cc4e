// What a task's overlay upper folder holds, and what the view shows at a path because of it.
// overlayfs records a view's changes there: a file or link replaces the base's, a 0/0
// character device (a whiteout) deletes, and an opaque folder hides everything of the base
// below it. A snapshot taken before and after a command tells which paths the command touched;
// viewState() says what the view has at each, before and after.
import { lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import * as path from 'node:path';
import { opaqueFolders } from './syscalls';

export type UpperKind = 'file' | 'symlink' | 'folder' | 'whiteout' | 'other';

export interface UpperEntry {
  readonly kind: UpperKind;
  /** Changes whenever the entry is replaced or written (inode, size, ctime). */
  readonly identity: string;
  readonly executable: boolean;
  /** For folders: overlayfs marked it opaque. */
  readonly opaque: boolean;
}

export type UpperSnapshot = ReadonlyMap<string, UpperEntry>;

function kindOf(st: BigIntStats): UpperKind {
  if (st.isFile()) return 'file';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'folder';
  if (st.isCharacterDevice() && st.rdev === 0n) return 'whiteout';
  return 'other';
}

/**
 * Every entry below `upper` (workspace-relative paths). Whether a folder is opaque is asked of
 * perl (a process: Node cannot read extended attributes) only where it can matter and may have
 * changed: for folders the base has as folders too (elsewhere nothing of the base lies below
 * to hide), and not for those unchanged since `previous`. Most commands then start no perl.
 */
export async function snapshotUpper(upper: string, previous?: UpperSnapshot, baseFolder: (rel: string) => boolean = () => true): Promise<Map<string, UpperEntry>> {
  const raw = new Map<string, { kind: UpperKind; identity: string; executable: boolean }>();
  const walk = (abs: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(abs);
    } catch {
      return;
    }
    for (const name of names) {
      const a = path.join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      let st: BigIntStats;
      try {
        st = lstatSync(a, { bigint: true });
      } catch {
        continue;
      }
      const kind = kindOf(st);
      raw.set(r, { kind, identity: `${st.ino}:${st.size}:${st.ctimeNs}`, executable: (Number(st.mode) & 0o100) !== 0 });
      if (kind === 'folder') walk(a, r);
    }
  };
  walk(upper, '');
  const ask = new Set<string>();
  for (const [r, e] of raw) {
    if (e.kind !== 'folder' || !baseFolder(r)) continue;
    const before = previous?.get(r);
    if (!before || before.identity !== e.identity) ask.add(r);
  }
  const opaque = await opaqueFolders([...ask].map((r) => path.join(upper, r)));
  const snap = new Map<string, UpperEntry>();
  for (const [r, e] of raw) {
    const isOpaque = e.kind === 'folder' && baseFolder(r) && (ask.has(r) ? opaque.has(path.join(upper, r)) : (previous?.get(r)?.opaque ?? false));
    snap.set(r, { ...e, opaque: isOpaque });
  }
  return snap;
}

/** What the view shows at a path. 'base': whatever the shared base has there. */
export type ViewState =
  | { readonly from: 'none' }
  | { readonly from: 'base' }
  | { readonly from: 'upper'; readonly entry: UpperEntry };

export function viewState(snap: UpperSnapshot, rel: string): ViewState {
  const parts = rel.split('/');
  let baseVisible = true;
  for (let i = 1; i < parts.length; i++) {
    const anc = snap.get(parts.slice(0, i).join('/'));
    if (!anc) continue;
    if (anc.kind !== 'folder') return { from: 'none' }; // a whiteout or a file above: nothing here
    if (anc.opaque) baseVisible = false;
  }
  const e = snap.get(rel);
  if (!e) return baseVisible ? { from: 'base' } : { from: 'none' };
  if (e.kind === 'whiteout' || e.kind === 'other') return { from: 'none' };
  if (e.kind === 'folder') return { from: 'none' }; // a folder is no file (git tracks files and links)
  return { from: 'upper', entry: e };
}

export function readLinkAt(upper: string, rel: string): string {
  return readlinkSync(path.join(upper, rel));
}
