// The workspace's file list, used to name real example paths in ownership conflicts.
// `git ls-files` when the folder is a repository (fast, respects .gitignore), else a
// bounded walk. Never fails: without a list, examples are synthesised from the globs.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const MAX_WALK = 20000;
const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

export async function listWorkspaceFiles(root: string): Promise<string[]> {
  const fromGit = await new Promise<string[] | undefined>((resolve) => {
    execFile(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      { cwd: root, maxBuffer: 256 * 1024 * 1024 },
      (err, stdout) => resolve(err ? undefined : stdout.split('\0').filter(Boolean)),
    );
  });
  if (fromGit) return fromGit;
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= MAX_WALK) return;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(full);
      } else if (e.isFile()) out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  await walk(root);
  return out;
}
