// The task file's glob checks that the schema cannot express: globs that leave the
// workspace (see globScope.ts) or name no file, each reported at the list item that
// holds it, with what to write instead.
import * as path from 'node:path';
import { isNegatedGlob } from './glob';
import { globScope, withoutRoot } from './globScope';
import type { Positions, Problem } from './taskFilePositions';

export type GlobField = 'owns' | 'reads';

const RELATIVE = 'globs are relative to the workspace folder (the one that holds .agents/)';

/** Problems of one task's `owns` or `reads` list (non-lists are the schema's business). */
export function globListProblems(pos: Positions, id: string, field: GlobField, globs: unknown): Problem[] {
  if (!Array.isArray(globs)) return [];
  const out: Problem[] = [];
  globs.forEach((glob, i) => {
    if (typeof glob !== 'string') return;
    const message = globProblem(id, field, i, glob);
    if (message) out.push(pos.problem('error', message, pos.rangeAt(['tasks', id, field, i])));
  });
  return out;
}

/** Whether a glob is fine for the plan checks (the schema's rules and ours). */
export function usableGlob(glob: unknown): glob is string {
  return typeof glob === 'string' && glob.trim() !== '' && globProblem('', 'owns', 0, glob) === undefined;
}

function globProblem(id: string, field: GlobField, index: number, glob: string): string | undefined {
  if (glob === '') return undefined; // the schema says so already
  if (glob.trim() === '') return `task ${JSON.stringify(id)} ${field}[${index}]: a glob cannot be empty`;
  const scope = globScope(glob);
  const subject = `task ${JSON.stringify(id)} ${field} ${JSON.stringify(glob)}`;
  const rule = `${RELATIVE}, and a task cannot ${field === 'owns' ? 'write' : 'read'} outside it`;
  const first = scope.outside[0];
  if (first?.reason === 'unresolved') {
    return `${subject}: a ".." after a wildcard may leave the workspace, and no workspace path contains ".."; write the glob without ".."`;
  }
  if (first && !scope.onlyOutside) {
    const names = scope.outside.map((o) => JSON.stringify(o.alternative));
    const listed = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(' and ');
    return `${subject}, whose alternative${names.length > 1 ? 's' : ''} ${listed} ${names.length > 1 ? 'are' : 'is'} outside the workspace: ${rule}; remove ${names.length > 1 ? 'them' : 'that alternative'}`;
  }
  if (first?.reason === 'absolute') {
    const body = isNegatedGlob(glob) ? glob.trim().slice(1) : glob.trim();
    const relative = withoutRoot(body.replace(/\\/g, '/'));
    const hint = body.startsWith('{') ? '' : `write ${JSON.stringify((isNegatedGlob(glob) ? '!' : '') + (relative || '**'))} if you mean a path inside the workspace, or `;
    return `${subject}, an absolute path: ${rule}; ${hint}remove it`;
  }
  if (first) return `${subject}, which is outside the workspace: ${rule}; remove it`;
  if (scope.root) return `${subject}, which names the workspace folder itself and matches no file; write "**" for everything in it`;
  return undefined;
}

/** An aggregate's `into` outside the workspace, else undefined. */
export function intoProblem(id: string, into: string): string | undefined {
  if (!globScope(into).outside.length) return undefined;
  const name = path.posix.basename(into.replace(/\\/g, '/')) || 'report.md';
  return `aggregate task ${JSON.stringify(id)} writes its report to ${JSON.stringify(into)}, outside the workspace; write it inside (e.g. \`into: ${name}\`, owned by the task)`;
}
