// The tree a commit names, without a git process when this process wrote or read the commit
// lately (looseObjects.ts remembers them: a run's base commit is one), else from one
// `git rev-parse` for all the commits asked about.
import { writtenObject } from './looseObjects';
import type { GitRepo } from './repo';

function rememberedTree(commit: string): string | undefined {
  const o = writtenObject(commit);
  if (o?.type !== 'commit') return undefined;
  const m = /^tree ([0-9a-f]{40,64})\n/.exec(o.content.subarray(0, 80).toString('latin1'));
  return m?.[1];
}

/** The tree of each commit, in order (throws GitError when one is not a commit). */
export async function treesOfCommits(repo: GitRepo, commits: readonly string[]): Promise<string[]> {
  const trees = commits.map(rememberedTree);
  const unknown = commits.filter((_, i) => trees[i] === undefined);
  if (unknown.length) {
    const out = (await repo.git(['rev-parse', ...unknown.map((c) => `${c}^{tree}`)])).split('\n');
    let next = 0;
    return trees.map((t) => t ?? (out[next++] as string).trim());
  }
  return trees as string[];
}
