// Whether any gitattributes can apply to the files of a result commit. A path's attributes
// come only from the system file ($(sysconfdir)/gitattributes), the global file
// (core.attributesFile, else $XDG_CONFIG_HOME/git/attributes), $GIT_DIR/info/attributes and
// the .gitattributes files of its folders in the tree being committed. When none of them
// exists every attribute is unspecified, so cleanBlobs.ts need not ask check-attr (a pipe
// round trip per result commit). Every doubt answers "they may apply": the fast path is
// only ever taken when it provably gives what check-attr would.
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gitEnv, type GitRepo } from './repo';
import { writeConfig } from './writeConfig';

/** A folder entry named like an attributes file (git opens `.gitattributes`; a case-insensitive file system finds any case). */
export const isAttributesName = (name: string): boolean => name.toLowerCase() === '.gitattributes';

/** Whether the path's last name is an attributes file's. */
export const isAttributesPath = (p: string): boolean => isAttributesName(p.slice(p.lastIndexOf('/') + 1));

/** Whether a task's changed paths include an attributes file, written or deleted. */
export function changesAttributes(changed: Iterable<string>): boolean {
  for (const p of changed) if (isAttributesPath(p)) return true;
  return false;
}

let systemDir: Promise<string | undefined> | undefined;

/**
 * git's compiled-in sysconfdir, where both the system config and the system attributes live
 * (git 2.39 has no `git var GIT_ATTR_SYSTEM`): `git config --system --show-origin` names the
 * config file whether or not it exists. Asked once per process; undefined when unclear.
 */
function systemConfigDir(): Promise<string | undefined> {
  systemDir ??= new Promise((resolve) => {
    const env = gitEnv({ GIT_CONFIG_SYSTEM: undefined, GIT_CONFIG_NOSYSTEM: undefined, LC_ALL: 'C', LANGUAGE: undefined });
    execFile('git', ['config', '--system', '--list', '--show-origin', '-z'], { env, windowsHide: true, encoding: 'utf8' }, (_err, stdout, stderr) => {
      // present: `file:<path>\0<key>\n<value>\0…`; missing: `fatal: unable to read config file '<path>': …`
      const file = /^file:([^\0]+)\0/.exec(stdout)?.[1] ?? /unable to read config file '([^']+)'/.exec(stderr)?.[1];
      resolve(file && path.isAbsolute(file) ? path.dirname(file) : undefined);
    });
  });
  return systemDir;
}

/**
 * Whether a file may be there: only "no such file" says it is not. Synchronous: a missing
 * file costs a few microseconds this way, while each stat on libuv's pool was a round trip
 * through the loop and a rejected promise with an Error built for it (about 1 ms of a
 * result commit for the six candidates).
 */
function mayExist(file: string): boolean {
  try {
    return statSync(file, { throwIfNoEntry: false }) !== undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOTDIR';
  }
}

/** The global attributes file as git expands core.attributesFile; undefined when git's expansion is not this one's (`~user/`). */
function expandGlobal(repo: GitRepo, value: string): string | undefined {
  if (value === '~' || value.startsWith('~/')) return path.join(os.homedir(), value.slice(1));
  if (value.startsWith('~')) return undefined;
  return path.resolve(repo.root, value);
}

/**
 * Whether an attributes file outside the repository's trees may exist (system, global,
 * info/attributes). Looked at on every call: a few stats, no cache to go stale.
 */
export async function outsideAttributeFiles(repo: GitRepo): Promise<boolean> {
  const [sysDir, config] = await Promise.all([systemConfigDir(), writeConfig(repo)]);
  if (sysDir === undefined) return true;
  const xdg = process.env['XDG_CONFIG_HOME'] || path.join(os.homedir(), '.config');
  const candidates = [
    path.join(sysDir, 'gitattributes'),
    '/etc/gitattributes',
    path.join(xdg, 'git', 'attributes'),
    path.join(os.homedir(), '.config', 'git', 'attributes'),
    path.join(repo.gitDir, 'info', 'attributes'),
    path.join(repo.commonDir, 'info', 'attributes'),
  ];
  if (config.attributesFile !== undefined) {
    const global = expandGlobal(repo, config.attributesFile);
    if (global === undefined) return true;
    candidates.push(global);
  }
  return candidates.some(mayExist);
}

/** The folders whose .gitattributes apply to `p` ('' is the top folder). */
export function attributeFolders(p: string): string[] {
  const out = [''];
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) out.push(p.slice(0, i));
  return out;
}

/**
 * Whether no attributes can apply to `paths` in the tree being committed: its base (whose
 * folders `readFolder` lists) with the task's `changed` paths. A changed .gitattributes
 * anywhere, written or deleted, answers false.
 */
export async function noAttributesApply(
  repo: GitRepo,
  paths: readonly string[],
  changed: Iterable<string>,
  readFolder: (folder: string) => Promise<readonly { readonly path: string }[] | undefined>,
): Promise<boolean> {
  if (changesAttributes(changed)) return false;
  const folders = [...new Set(paths.flatMap(attributeFolders))];
  const [outside, listings] = await Promise.all([outsideAttributeFiles(repo), Promise.all(folders.map(readFolder))]);
  return !outside && !listings.some((l) => l?.some((e) => isAttributesName(e.path)));
}
