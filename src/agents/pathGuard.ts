// Path guard and ownership for the agents' file tools. Pure functions, no I/O.
//
// Every path a tool receives goes through `normalizeToolPath` (reads and writes alike):
// absolute paths, drive letters, `..` escapes, NUL bytes and anything under a `.git`
// directory are refused. Writes, edits and deletes then go through `checkWrite`, which
// asks the task's ownership globs and protects a few paths that a broad glob such as
// `**` must not hand out: `.vscode/**`, `*.code-workspace` and the task file itself are
// writable only when one of the task's globs names them explicitly.
import { compileGlobs, normalizeGlob, type GlobSet } from '../core';

export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

/** Workspace-relative, forward slashes, no `.` segments; or why the path is refused. */
export function normalizeToolPath(raw: unknown): PathCheck {
  if (typeof raw !== 'string' || raw.trim() === '') {
    return { ok: false, reason: 'the path is empty; give a workspace-relative path such as "src/index.ts"' };
  }
  if (raw.includes('\0')) return { ok: false, reason: 'the path contains a NUL byte' };
  const s = raw.trim().replace(/\\/g, '/');
  if (s.startsWith('/') || /^[A-Za-z]:/.test(s) || s.startsWith('~')) {
    return {
      ok: false,
      reason: `"${raw}" is not workspace-relative; paths are relative to the workspace root (e.g. "src/index.ts")`,
    };
  }
  const out: string[] = [];
  for (const seg of s.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      return { ok: false, reason: `"${raw}" uses ".." to leave its directory; paths must stay inside the workspace` };
    }
    if (seg.toLowerCase() === '.git') {
      return { ok: false, reason: `"${raw}" is inside a .git directory, which the agents never read or write` };
    }
    out.push(seg);
  }
  if (!out.length) return { ok: false, reason: `"${raw}" names the workspace root, not a file` };
  if (/^[A-Za-z]:/.test(out[0] as string)) {
    return { ok: false, reason: `"${raw}" starts with a drive letter; paths are relative to the workspace root` };
  }
  return { ok: true, path: out.join('/') };
}

/** What one task may write. Build once per task with `createWritePolicy`. */
export interface WritePolicy {
  readonly owns: readonly string[];
  readonly taskFilePath: string;
  readonly globs: GlobSet;
}

export function createWritePolicy(owns: readonly string[], taskFilePath: string): WritePolicy {
  const n = normalizeToolPath(taskFilePath);
  return { owns, taskFilePath: n.ok ? n.path : taskFilePath, globs: compileGlobs(owns) };
}

/** Which protection applies to a path, if any. */
export function protectedKind(path: string, taskFilePath: string): 'vscode' | 'code-workspace' | 'task-file' | undefined {
  const lower = path.toLowerCase();
  if (path === taskFilePath) return 'task-file';
  if (lower === '.vscode' || lower.startsWith('.vscode/')) return 'vscode';
  if (lower.endsWith('.code-workspace')) return 'code-workspace';
  return undefined;
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/** Whether some positive glob matches `path` and spells out the protected part literally. */
function ownedExplicitly(path: string, policy: WritePolicy, kind: 'vscode' | 'code-workspace' | 'task-file'): boolean {
  for (const raw of policy.owns) {
    const g = normalizeGlob(raw);
    if (g.startsWith('!')) continue;
    if (!compileGlobs([g]).matches(path) || !policy.globs.matches(path)) continue;
    const segments = g.split('/');
    if (kind === 'vscode' && segments[0]?.toLowerCase() === '.vscode') return true;
    if (kind === 'code-workspace' && g.toLowerCase().includes('.code-workspace')) return true;
    if (kind === 'task-file' && segments[segments.length - 1] === basename(policy.taskFilePath)) return true;
  }
  return false;
}

function ownsList(policy: WritePolicy): string {
  return policy.owns.length ? policy.owns.join(', ') : '(nothing)';
}

/**
 * Whether the task may write, edit or delete `rawPath`. The refusal names the path and
 * what the task owns, so the model can act on it.
 */
export function checkWrite(rawPath: unknown, policy: WritePolicy): PathCheck {
  const n = normalizeToolPath(rawPath);
  if (!n.ok) return n;
  const path = n.path;
  if (!policy.globs.matches(path)) {
    return {
      ok: false,
      reason:
        `"${path}" is outside what this task owns (owns: ${ownsList(policy)}). Nothing was changed. ` +
        'Write only to paths matching those globs; if another file needs changing, say so in your final answer.',
    };
  }
  const kind = protectedKind(path, policy.taskFilePath);
  if (kind && !ownedExplicitly(path, policy, kind)) {
    const what =
      kind === 'task-file' ? 'the task file of this run'
      : kind === 'vscode' ? 'editor configuration (.vscode/**)'
      : 'a VS Code workspace file (*.code-workspace)';
    return {
      ok: false,
      reason:
        `"${path}" is ${what}; a task may change it only when its owns list names it explicitly ` +
        `(owns: ${ownsList(policy)}). Nothing was changed.`,
    };
  }
  return { ok: true, path };
}
