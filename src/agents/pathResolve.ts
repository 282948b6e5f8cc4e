// Symbolic links and submodules for the file tools: the one contract, stated here and in
// the tool descriptions.
//
// - A symbolic link whose target stays inside the workspace is followed, as the operating
//   system would: reading, writing or editing it reads or writes its target file, and the
//   link itself is left as it is (never re-pointed, never replaced by a file or a folder).
//   The same for a path *through* a linked folder (`docs/img/a.png` with `docs` → `site/docs`).
// - A link that leaves the workspace (an absolute target, `..` above the root, into .git,
//   into a submodule) is not followed: reading or writing through it is refused.
// - delete_file on a link deletes the link, not its target.
// - A submodule (gitlink) is another repository's commit, not part of the task's workspace:
//   nothing under it can be read, listed or written.
// Resolution asks the workspace what each leading part of the path is (`entry`), so it
// works the same on the git overlay, a workspace folder inside the repository and memory.
import type { TaskWorkspace, WorkspaceEntry } from '../core';

/** Links followed at most in one path (Linux's limit). */
const MAX_LINKS = 40;

export type Resolved =
  | {
      readonly ok: true;
      /** Workspace-relative path after following links. */
      readonly path: string;
      /** What is there; undefined when nothing is (yet). */
      readonly entry: WorkspaceEntry | undefined;
      /** The links followed, in order (`[]` when none). */
      readonly links: readonly string[];
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Follows the symbolic links in `path` (a guarded workspace-relative path). The last part
 * is followed too unless `followLast` is false (delete_file acts on the link itself).
 */
export async function resolveToolPath(ws: TaskWorkspace, path: string, followLast = true): Promise<Resolved> {
  let segs = path.split('/');
  const links: string[] = [];
  // What every leading part is, asked for at once (the git overlay answers them in one
  // round trip on its pipe), and again after a link changes the path.
  let entries = askAll(ws, segs);
  for (let i = 0; i < segs.length; ) {
    const cur = segs.slice(0, i + 1).join('/');
    const last = i === segs.length - 1;
    const e = await (await entries)[i];
    if (!e) return { ok: true, path: segs.join('/'), entry: undefined, links };
    if (e.kind === 'submodule') return { ok: false, reason: submoduleReason(cur) };
    if (e.kind === 'folder' || e.kind === 'file') {
      if (last) return { ok: true, path: cur, entry: e, links };
      if (e.kind === 'file') return { ok: false, reason: `"${cur}" is a file, so "${segs.join('/')}" cannot exist` };
      i++;
      continue;
    }
    if (last && !followLast) return { ok: true, path: cur, entry: e, links };
    if (links.length >= MAX_LINKS) return { ok: false, reason: `"${path}" goes through more than ${MAX_LINKS} symbolic links (a loop?)` };
    const target = linkTarget(cur, e.target);
    if (!target.ok) return target;
    links.push(cur);
    segs = [...target.segs, ...segs.slice(i + 1)];
    if (!segs.length) return { ok: false, reason: `"${cur}" is a symbolic link to the workspace root, not to a file` };
    entries = askAll(ws, segs);
    i = 0;
  }
  return { ok: true, path: segs.join('/'), entry: { kind: 'folder' }, links };
}

function askAll(ws: TaskWorkspace, segs: readonly string[]): Promise<Array<Promise<WorkspaceEntry | undefined>>> {
  const asked = segs.map((_, i) => ws.entry(segs.slice(0, i + 1).join('/')));
  for (const a of asked) a.catch(() => undefined); // awaited one by one; a later one may not be reached
  return Promise.resolve(asked);
}

export function submoduleReason(path: string): string {
  return `"${path}" is a git submodule; it is not part of this task's workspace`;
}

/** Where a link at `linkPath` points, workspace-relative, or why it leaves the workspace. */
function linkTarget(linkPath: string, target: string): { ok: true; segs: string[] } | { ok: false; reason: string } {
  const outside = (why: string) => ({
    ok: false as const,
    reason: `"${linkPath}" is a symbolic link to "${target}", ${why}; the tools do not follow it`,
  });
  if (target === '' || target.includes('\0')) return outside('which is not a valid target');
  if (target.startsWith('/') || target.startsWith('\\') || /^[A-Za-z]:/.test(target) || target.startsWith('~')) {
    return outside('outside the workspace');
  }
  const segs = linkPath.split('/').slice(0, -1);
  for (const seg of target.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!segs.length) return outside('outside the workspace');
      segs.pop();
    } else if (seg.toLowerCase() === '.git') {
      return outside('inside .git');
    } else segs.push(seg);
  }
  return { ok: true, segs };
}

/** The note a tool adds when it went through links: `(through the symbolic link "a")`. */
export function throughLinks(links: readonly string[]): string {
  if (!links.length) return '';
  return links.length === 1 ? ` (through the symbolic link "${links[0]}")` : ` (through the symbolic links ${links.map((l) => `"${l}"`).join(', ')})`;
}
