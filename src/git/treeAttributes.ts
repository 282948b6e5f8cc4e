// Attributes as they are in a result tree whose .gitattributes differ from the working tree's.
// `git add` in a checkout of the task's result would read the task's .gitattributes; git 2.39's
// check-attr and hash-object have no `--source`, and both read the working tree's files first.
// So when a task wrote or deleted an attributes file, its result is cleaned in a stand-in work
// tree: a temporary folder holding, for each folder that matters, the .gitattributes of the
// result tree, with an empty index beside it (nothing falls back to the user's), and git's
// own directory as it is (info/attributes, config and its filters still apply).
//
// Clean filters run with that folder as their working directory: a filter command given
// relative to the repository (`./tools/clean.sh`) does not find its script there, and git then
// stores the content unfiltered unless the filter is `required` (then the commit fails, saying
// so). Only a task that changes .gitattributes meets this; every other commit asks the working
// tree as before.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { attributeFolders } from './attributeSources';
import type { AttributeSource } from './cleanBlobs';
import { makeTempDir } from './fsutil';
import type { GitRepo } from './repo';

export interface TreeAttributesInput {
  /** Repository-relative paths whose attributes are asked. */
  readonly paths: readonly string[];
  /** The task's changes: an attributes file's new content, or null where it was deleted. */
  readonly changed: ReadonlyMap<string, Buffer | null>;
  /** The base tree's .gitattributes in `folder` ('' = top), undefined when it has none. */
  readonly baseAttributes: (folder: string) => Promise<Buffer | undefined>;
}

/** Runs `fn` with an attribute source standing for the result tree's attributes; the stand-in is removed after. */
export async function withTreeAttributes<T>(repo: GitRepo, input: TreeAttributesInput, fn: (source: AttributeSource) => Promise<T>): Promise<T> {
  const dir = await makeTempDir(repo.stateDir, 'attributes');
  try {
    const workTree = path.join(dir, 'tree');
    const folders = [...new Set(input.paths.flatMap(attributeFolders))];
    await Promise.all(
      folders.map(async (folder) => {
        const file = folder ? `${folder}/.gitattributes` : '.gitattributes';
        const content = input.changed.has(file) ? input.changed.get(file) : await input.baseAttributes(folder);
        if (!content) return;
        const abs = path.join(workTree, file);
        await fsp.mkdir(path.dirname(abs), { recursive: true });
        await fsp.writeFile(abs, content);
      }),
    );
    await fsp.mkdir(workTree, { recursive: true });
    return await fn({
      workTree,
      env: { GIT_DIR: repo.gitDir, GIT_WORK_TREE: workTree, GIT_INDEX_FILE: path.join(dir, 'empty-index') },
    });
  } finally {
    await fsp.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
