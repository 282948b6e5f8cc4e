// The changes that bring a view of one commit to another, as a CommandView's sync() takes
// them (core/commandView.ts): for a task whose base is its dependencies' merged results,
// the difference from the run's base, on top of the shared read-only tree.
import type { ViewChange } from '../core';
import type { GitRepo } from './repo';

/**
 * Workspace-relative changes from `from` to `to` inside the workspace folder `prefix`
 * (repository-relative with a trailing slash, or ''). File contents as a checkout writes
 * them (filters applied); links as their targets; submodules left out.
 */
export async function viewChangesBetween(repo: GitRepo, from: string, to: string, prefix: string): Promise<ViewChange[]> {
  if (from === to) return [];
  const args = ['diff-tree', '-r', '-z', '--no-renames', from, to, ...(prefix ? ['--', `:(top,literal)${prefix}`] : [])];
  const fields = (await repo.exec(args)).stdout.toString('utf8').split('\0');
  const out: ViewChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [, newMode, , newSha] = (fields[i] as string).replace(/^:/, '').split(' ') as [string, string, string, string];
    const repoPath = fields[i + 1] as string;
    const path = repoPath.slice(prefix.length);
    if (newMode === '000000') out.push({ path, kind: 'delete' });
    else if (newMode === '160000') continue;
    else if (newMode === '120000') out.push({ path, kind: 'symlink', target: (await repo.exec(['cat-file', 'blob', newSha])).stdout.toString('utf8') });
    else {
      const content = (await repo.exec(['cat-file', '--filters', `--path=${repoPath}`, newSha])).stdout;
      out.push({ path, kind: 'write', content, executable: newMode === '100755' });
    }
  }
  return out;
}
