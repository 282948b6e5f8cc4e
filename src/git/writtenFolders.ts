// Folders of commits this process wrote (a dependent task's merged base, whose changed
// folders the merge just wrote), listed from the objects looseObjects.ts remembers instead
// of through a cat-file round trip each.
import { writtenObject } from './looseObjects';
import { parseTreeObject, type TreeEntry } from './objects';

/**
 * `commit:folder`'s entries as ObjectReader.readFolder lists them (undefined: no such
 * folder); null when memory cannot tell (an object git wrote, an unusual name): ask git.
 */
export function writtenFolder(commit: string, folder: string): TreeEntry[] | undefined | null {
  const c = writtenObject(commit);
  if (c?.type !== 'commit') return null;
  const head = c.content.toString('latin1', 0, 45);
  if (!/^tree [0-9a-f]{40}$/.test(head)) return null;
  let tree = head.slice(5);
  for (const name of folder ? folder.split('/') : []) {
    if (name === '' || name === '.' || name === '..') return null;
    const entries = treeEntries(tree);
    if (!entries) return null;
    const e = entries.find((x) => x.path === name);
    if (e?.type !== 'tree') return undefined;
    tree = e.sha;
  }
  return treeEntries(tree) ?? null;
}

function treeEntries(sha: string): TreeEntry[] | undefined {
  const t = writtenObject(sha);
  if (t?.type !== 'tree') return undefined;
  const entries = parseTreeObject(t.content);
  // A name that is not UTF-8 reads as U+FFFD here but not in git's path lookup.
  return entries.some((e) => e.path.includes('\uFFFD')) ? undefined : entries;
}
