// Blobs for files an agent wrote, stored as `git add` would store them at their paths:
// agents read what a checkout would write (ObjectReader.readFiltered: CRLF for
// `eol=crlf`, smudge filters, working-tree-encoding), so what they write is in that form
// too and must be cleaned the way git cleans it (`hash-object --path` semantics), or a
// CRLF .bat would be stored with CRs in the blob and apply would write it back wrong.
//
// Files with a `working-tree-encoding` are the exception: agents read and write them in
// the UTF-8 git stores (encodingAttribute.ts), so their bytes are stored as written.
//
// Cleaning is the identity for almost every file: no filter, no ident, and either no
// end-of-line conversion or no CR in the content (clean only ever turns CRLF into LF).
// Those go into one batched `hash-object --no-filters`; the rest, one
// `hash-object -w --path=<p> --stdin` each.
import { attributesInWorkTree, checkoutAttributes, type CheckoutAttributes } from './attributeProcess';
import type { GitRepo } from './repo';
import { writeBlobs } from './objects';
import { writeConfig } from './writeConfig';

const PARALLEL = 8;

export interface FileToStore {
  /** Repository-relative. */
  readonly path: string;
  readonly content: Buffer;
}

/**
 * Where a commit's attributes come from:
 * - 'none': the caller knows no attributes can apply (attributeSources.ts), so check-attr is
 *   not asked: every attribute is unspecified, as it would answer;
 * - 'workingTree': the working tree's, through the repository's check-attr process;
 * - a stand-in work tree with the result tree's attributes files (treeAttributes.ts): git is
 *   run there, with `env`, for the attributes and the cleaning alike.
 */
export type AttributeSource = 'none' | 'workingTree' | { readonly workTree: string; readonly env: Readonly<Record<string, string>> };

/** Writes the blobs of `files` (in order) as git would clean them at their paths, with attributes from `source`; returns their ids. */
export async function writeCleanBlobs(repo: GitRepo, files: readonly FileToStore[], source: AttributeSource = 'workingTree'): Promise<string[]> {
  if (files.length === 0) return [];
  const attributes = (): Promise<(CheckoutAttributes | undefined)[]> =>
    source === 'none' ? Promise.resolve(files.map(() => undefined))
    : source === 'workingTree' ? Promise.all(files.map((f) => checkoutAttributes(repo, f.path)))
    : attributesInWorkTree(repo, source, files.map((f) => f.path));
  const [attrs, config] = await Promise.all([attributes(), writeConfig(repo)]);
  const filtered: number[] = [];
  const plain: number[] = [];
  files.forEach((f, i) => (needsCleaning(attrs[i], config.autocrlf, f.content) ? filtered : plain).push(i));
  const shas = new Array<string>(files.length);
  const plainShas = await writeBlobs(repo, plain.map((i) => (files[i] as FileToStore).content));
  plain.forEach((i, k) => (shas[i] = plainShas[k] as string));
  for (let k = 0; k < filtered.length; k += PARALLEL) {
    await Promise.all(
      filtered.slice(k, k + PARALLEL).map(async (i) => {
        const f = files[i] as FileToStore;
        const where = typeof source === 'object' ? { env: source.env, cwd: source.workTree } : {};
        shas[i] = (await repo.git(['hash-object', '-w', `--path=${f.path}`, '--stdin'], { input: f.content, ...where })).trim();
      }),
    );
  }
  return shas;
}

type Attributes = Partial<CheckoutAttributes>;

function needsCleaning(a: Attributes | undefined, autocrlf: boolean, content: Buffer): boolean {
  const set = (v: string | undefined) => v !== undefined && v !== 'unspecified' && v !== 'unset';
  if (set(a?.['working-tree-encoding'])) return false;
  if (set(a?.filter) || set(a?.ident)) return true;
  if (!content.includes(0x0d) || a?.text === 'unset' || a?.crlf === 'unset') return false;
  return autocrlf || set(a?.text) || set(a?.eol) || set(a?.crlf);
}
