// The `working-tree-encoding` attribute of a path, through the repository's long-lived
// `git check-attr` process (attributeProcess.ts), in parallel with the read itself.
//
// Why the overlay needs it: agents read what a checkout would write, except for the
// encoding. The file tools speak UTF-8 text; a checkout of a UTF-16 or Latin-1 file is
// bytes they would refuse as binary or, worse, read as mojibake and write back corrupted.
// git stores such files in UTF-8, so for them agents read and write the stored UTF-8.
import { checkoutAttributes } from './attributeProcess';
import type { ObjectReader } from './catFileBatch';

/** The `working-tree-encoding` of a repository-relative path, or undefined (always, where no attributes file can reach it: `unattributed`). */
export async function workingTreeEncoding(reader: ObjectReader, path: string, unattributed?: Promise<boolean>): Promise<string | undefined> {
  if (await unattributed?.catch(() => false)) return undefined;
  // Without an answer, the file is read as a checkout writes it.
  const value = (await checkoutAttributes(reader.repo, path).catch(() => undefined))?.['working-tree-encoding'];
  if (value === undefined) return undefined;
  return value === 'unspecified' || value === 'unset' || value === 'set' ? undefined : value;
}
