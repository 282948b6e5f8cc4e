// Saving a proposal as the workspace's task file. Only a valid proposal is written
// (status 'proposed'), and never silently over another file: every default task file that
// exists is kept as `<name>.bak-<UTC time>` first (a .yml or .json one is moved aside, so the
// new .agents/tasks.yaml is the only task file found), and the caller is told which.
// The new file is written beside its target and renamed over it: a reader sees the old
// file or the new one, never half of one.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_TASK_FILES } from '../core';
import { PROPOSAL_PATH, type ProposeResult } from './propose';

export interface WrittenProposal {
  /** Workspace-relative path written (PROPOSAL_PATH). */
  readonly path: string;
  /** The task files that were there, and where each is kept now (workspace-relative). */
  readonly backups: ReadonlyArray<{ readonly replaced: string; readonly backup: string }>;
}

export class ProposalNotValidError extends Error {
  constructor(status: ProposeResult['status']) {
    super(`only a valid proposal can be saved; this one ${status === 'cancelled' ? 'was cancelled' : 'failed'}, so nothing was written`);
    this.name = 'ProposalNotValidError';
  }
}

/** `20261201T113700Z`: sorts by time, no characters a file system dislikes. */
export function backupStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export async function writeProposal(workspace: string, result: ProposeResult, now = new Date()): Promise<WrittenProposal> {
  if (result.status !== 'proposed' || result.yaml === undefined) throw new ProposalNotValidError(result.status);
  const target = path.join(workspace, PROPOSAL_PATH);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const backups: Array<{ replaced: string; backup: string }> = [];
  for (const rel of DEFAULT_TASK_FILES) {
    const full = path.join(workspace, rel);
    const exists = await fs.stat(full).then((s) => s.isFile(), () => false);
    if (!exists) continue;
    const backup = await freeName(workspace, `${rel}.bak-${backupStamp(now)}`);
    // The file being replaced is copied (the rename below replaces it); others move aside.
    if (rel === PROPOSAL_PATH) await fs.copyFile(full, path.join(workspace, backup));
    else await fs.rename(full, path.join(workspace, backup));
    backups.push({ replaced: rel, backup });
  }
  const temp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    await fs.writeFile(temp, result.yaml, { flag: 'wx' });
    await fs.rename(temp, target);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
  return { path: PROPOSAL_PATH, backups };
}

async function freeName(workspace: string, rel: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? rel : `${rel}-${n}`;
    const taken = await fs.lstat(path.join(workspace, candidate)).then(() => true, () => false);
    if (!taken) return candidate;
  }
}
