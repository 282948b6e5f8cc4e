// What a command sees, as a list of mounts into a fresh root (the bubblewrap way, done with
// util-linux): system folders bound read-only one by one, a private /tmp and HOME, the task's
// overlay at the workspace's own absolute path, `mounts` (node_modules, …) bound read-only from
// the real workspace, and the toolchain folders on PATH that live where nothing else is visible
// (a Node from a version manager under HOME). The user's home and the folders next to the
// repository are never bound, so `pivot_root` leaves no way to reach them. /dev is a small set of
// device nodes (never the disks), /proc is the pid namespace's own with /proc/sys read-only.
//
// Computed on the host (which can list `/` and its mount table); namespaceInit.ts turns it
// into the steps the namespace runs.
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { keptFlags } from './mountFlags';

export interface SubMount {
  readonly path: string;
  /** mount(2) flags a read-only remount must keep. */
  readonly flags: number;
}

export interface OverlayMount {
  /** Top layer first, as overlayfs takes them. */
  readonly lower: readonly string[];
  readonly upper: string;
  readonly work: string;
  /** Absolute path inside the sandbox. */
  readonly target: string;
}

export interface MountPlan {
  /** Host folder the new root (a tmpfs) is mounted on. */
  readonly root: string;
  readonly overlay: OverlayMount;
  /** Host paths bound read-only at the same path (with their submounts, each read-only too). */
  readonly readOnly: readonly { readonly src: string; readonly dst: string; readonly flags: number; readonly submounts: readonly SubMount[] }[];
  /** Host folders bound writable at `dst` (the private HOME and /tmp). */
  readonly writable: readonly { readonly src: string; readonly dst: string }[];
  /** Symbolic links at the top of `/` (`/bin -> usr/bin`), recreated as they are. */
  readonly symlinks: readonly { readonly path: string; readonly target: string }[];
  /** Empty folders to create in the new root (parents of what is bound). */
  readonly folders: readonly string[];
  /** Bound read-only over the overlay from the real workspace (after it is mounted). */
  readonly viewMounts: readonly { readonly src: string; readonly dst: string; readonly flags: number }[];
}

export interface MountPlanInput {
  readonly root: string;
  readonly overlay: OverlayMount;
  /** Folders that must not be visible (the user's home, the repository's parent folder). */
  readonly hidden: readonly string[];
  /** Private HOME (host folder) and where it appears. */
  readonly home: { readonly src: string; readonly dst: string };
  /** Private /tmp (host folder). */
  readonly tmp: string;
  /** PATH entries to keep usable. */
  readonly pathEntries: readonly string[];
  /** Host folders bound read-only inside the view: [real workspace folder, path in the view]. */
  readonly viewMounts: readonly { readonly src: string; readonly dst: string }[];
}

// Set up separately: /proc and /dev are the namespace's own, /tmp is private.
const SPECIAL = new Set(['/proc', '/dev', '/tmp']);

const isUnder = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points of this process's mount namespace (from /proc/self/mountinfo), with the flags a remount keeps. */
function parseMountinfo(text: string): SubMount[] {
  try {
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const f = l.split(' ');
        return { path: unescapeMountinfo(f[4] ?? ''), flags: keptFlags(f[5] ?? '') };
      })
      .filter((m) => m.path);
  } catch {
    return [];
  }
}

/** The flags of the mount `p` is on (the longest mount point above it). */
function flagsAt(mounts: readonly SubMount[], p: string): number {
  let best: SubMount | undefined;
  for (const m of mounts) if (isUnder(p, m.path) && (!best || m.path.length >= best.path.length)) best = m;
  return best?.flags ?? 0;
}

/** The folder to bind for a PATH entry: a version manager's `…/bin` needs its `lib` beside it (npm is a link into it). */
function toolchainRoot(entry: string): string {
  const base = path.basename(entry);
  return base === 'bin' || base === 'sbin' || base === 'shims' ? path.dirname(entry) : entry;
}

interface HostPart {
  readonly readOnly: MountPlan['readOnly'];
  readonly symlinks: MountPlan['symlinks'];
  readonly folders: readonly string[];
  readonly mountPoints: readonly SubMount[];
}

// The part of a plan that comes from the host (the walk of `/`, the mount table, PATH) is the
// same for every view of a run; it is reused while the mount table and every folder the walk
// listed are unchanged (a new mount must never be missed: it would be bound writable).
let cached: { key: string; mountinfo: string; listed: ReadonlyMap<string, string>; part: HostPart } | undefined;

function readMountinfo(): string {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return '';
  }
}

function folderVersion(dir: string): string {
  try {
    const st = lstatSync(dir, { bigint: true });
    return `${st.ino}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch {
    return '';
  }
}

export function planMounts(input: MountPlanInput): MountPlan {
  const hidden = input.hidden.filter((h) => h !== '/').map((h) => path.resolve(h));
  const key = JSON.stringify([hidden, input.pathEntries, input.overlay.target]);
  const mountinfo = readMountinfo();
  let c = cached;
  if (!c || c.key !== key || c.mountinfo !== mountinfo || [...c.listed].some(([d, v]) => folderVersion(d) !== v)) {
    const listed = new Map<string, string>();
    c = cached = { key, mountinfo, listed, part: hostPart(input, hidden, parseMountinfo(mountinfo), listed) };
  }
  const { readOnly, symlinks, folders, mountPoints } = c.part;
  return {
    root: input.root,
    overlay: input.overlay,
    readOnly,
    writable: [
      { src: input.tmp, dst: '/tmp' },
      { src: input.home.src, dst: input.home.dst },
    ],
    symlinks,
    folders,
    viewMounts: input.viewMounts.map((m) => ({ ...m, flags: flagsAt(mountPoints, m.src) })),
  };
}

function hostPart(input: MountPlanInput, hidden: readonly string[], mountPoints: readonly SubMount[], listed: Map<string, string>): HostPart {
  const readOnly: { src: string; dst: string; flags: number; submounts: SubMount[] }[] = [];
  const symlinks: { path: string; target: string }[] = [];
  const folders = new Set<string>();
  const bindReadOnly = (p: string) => {
    readOnly.push({ src: p, dst: p, flags: flagsAt(mountPoints, p), submounts: mountPoints.filter((m) => m.path !== p && isUnder(m.path, p)) });
  };

  // Walk down from `/`: bind whole what holds nothing hidden, descend into ancestors of hidden folders.
  const expose = (dir: string) => {
    listed.set(dir, folderVersion(dir));
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const p = path.join(dir, name);
      if (dir === '/' && SPECIAL.has(p)) continue;
      if (hidden.some((h) => isUnder(p, h))) continue;
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.isSymbolicLink()) {
        if (dir === '/') symlinks.push({ path: p, target: readlinkSync(p) });
        else bindReadOnly(p);
      } else if (st.isDirectory() && hidden.some((h) => isUnder(h, p))) {
        folders.add(p);
        expose(p);
      } else if (st.isDirectory() || st.isFile()) bindReadOnly(p);
    }
  };
  expose('/');

  // Toolchains on PATH that would otherwise be hidden; the workspace's own (node_modules/.bin) come with the view.
  const seen = new Set<string>();
  for (const entry of input.pathEntries) {
    if (!entry || !path.isAbsolute(entry) || !existsSync(entry)) continue;
    let real: string;
    try {
      real = realpathSync(entry);
    } catch {
      continue;
    }
    for (const p of new Set([entry, real])) {
      if (!hidden.some((h) => isUnder(p, h)) || isUnder(p, input.overlay.target)) continue;
      const root = toolchainRoot(p);
      if (seen.has(root) || [...seen].some((s) => isUnder(root, s))) continue;
      seen.add(root);
      bindReadOnly(root);
    }
  }

  return { readOnly, symlinks, folders: [...folders], mountPoints };
}
