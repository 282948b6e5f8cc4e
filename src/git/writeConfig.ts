// The few config values that decide whether the engine may write objects and refs itself
// (looseObjects.ts, refUpdates.ts) and how agents' files are cleaned (cleanBlobs.ts,
// attributeSources.ts): one
// `git config` process, reused while none of the config files has changed (a run asks
// once per result commit; a process per ask was one of the per-task spawns).
import { statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GitRepo } from './repo';

export interface WriteConfig {
  /** `extensions.objectFormat` (sha1 unless the repository was created with sha256). */
  readonly objectFormat: string;
  /** `core.sharedRepository` is set: git writes objects with group permissions. */
  readonly shared: boolean;
  /** `i18n.commitEncoding` other than UTF-8: commit-tree adds an `encoding` header. */
  readonly commitEncoding: string | undefined;
  /** `core.autocrlf` converts on the way in (true or input). */
  readonly autocrlf: boolean;
  /** `core.logAllRefUpdates=always`: every ref update writes a reflog entry with its message. */
  readonly logAllRefs: boolean;
  /** `core.attributesFile` as configured (not expanded); undefined when unset. */
  readonly attributesFile: string | undefined;
  /** Refs are loose files that git writes without a flush: no `extensions.refStorage` other than files, no `core.fsync`. */
  readonly plainRefFiles: boolean;
  /**
   * Loose objects are written without a flush, as git's default does: no `core.fsync` (any
   * component list may name loose objects: `loose-object`, `objects`, `added`, `all`…) and no
   * `core.fsyncObjectFiles`. Otherwise git writes them (looseObjects.ts: canWriteObjects).
   */
  readonly plainObjectFiles: boolean;
}

const KEYS = /^(core\.autocrlf|core\.sharedrepository|extensions\.objectformat|i18n\.commitencoding|core\.logallrefupdates|core\.attributesfile|core\.fsync|core\.fsyncobjectfiles|extensions\.refstorage)$/;
const REGEXP = '^(core\\.autocrlf|core\\.sharedrepository|extensions\\.objectformat|i18n\\.commitencoding|core\\.logallrefupdates|core\\.attributesfile|core\\.fsync|core\\.fsyncobjectfiles|extensions\\.refstorage)$';

const cache = new WeakMap<GitRepo, { key: string; config: Promise<WriteConfig> }>();

/** The files git reads its configuration from (an include elsewhere is not watched). */
function configFiles(repo: GitRepo): string[] {
  const home = os.homedir();
  const xdg = process.env['XDG_CONFIG_HOME'] || path.join(home, '.config');
  return [
    path.join(repo.commonDir, 'config'),
    path.join(repo.gitDir, 'config.worktree'),
    process.env['GIT_CONFIG_GLOBAL'] ?? path.join(home, '.gitconfig'),
    path.join(xdg, 'git', 'config'),
    process.env['GIT_CONFIG_SYSTEM'] ?? '/etc/gitconfig',
  ];
}

/** Synchronous stats: a missing file costs microseconds, not a pool round trip and an Error. */
function filesKey(repo: GitRepo): string {
  const stat = (f: string) => {
    try {
      const s = statSync(f, { throwIfNoEntry: false });
      return s ? `${s.mtimeMs}:${s.size}:${s.ino}` : '-';
    } catch {
      return '-';
    }
  };
  return configFiles(repo).map(stat).join('|');
}

/**
 * The files' stat key, looked at again after this long: a result commit asks four or five
 * times in a row (blobs, trees, commit, ref), a run of 32 agents hundreds of times a second.
 */
const STAT_REUSE_MS = 100;
const recentKeys = new WeakMap<GitRepo, { at: number; key: string }>();

function recentFilesKey(repo: GitRepo): string {
  const now = Date.now();
  const hit = recentKeys.get(repo);
  if (hit && now - hit.at < STAT_REUSE_MS) return hit.key;
  const key = filesKey(repo);
  recentKeys.set(repo, { at: now, key });
  return key;
}

/** The repository's write-relevant config, read again only after a config file changed. */
export async function writeConfig(repo: GitRepo): Promise<WriteConfig> {
  const key = recentFilesKey(repo);
  const hit = cache.get(repo);
  if (hit && hit.key === key) return hit.config;
  const config = readWriteConfig(repo);
  cache.set(repo, { key, config });
  config.catch(() => cache.delete(repo));
  return config;
}

async function readWriteConfig(repo: GitRepo): Promise<WriteConfig> {
  const r = await repo.exec(['config', '-z', '--get-regexp', REGEXP], { anyExitCode: true });
  const values = new Map<string, string>();
  // `<key>\n<value>\0` per entry; the last one wins, as for git
  for (const rec of r.stdout.toString('utf8').split('\0')) {
    const nl = rec.indexOf('\n');
    const k = (nl < 0 ? rec : rec.slice(0, nl)).toLowerCase();
    if (KEYS.test(k)) values.set(k, nl < 0 ? 'true' : rec.slice(nl + 1));
  }
  const bool = (v: string | undefined) => v !== undefined && ['true', 'yes', 'on', '1'].includes(v.toLowerCase());
  const autocrlf = values.get('core.autocrlf');
  const shared = values.get('core.sharedrepository');
  const encoding = values.get('i18n.commitencoding');
  return {
    objectFormat: (values.get('extensions.objectformat') ?? 'sha1').toLowerCase(),
    shared: shared !== undefined && !['false', 'umask', 'no', 'off', '0'].includes(shared.toLowerCase()),
    commitEncoding: encoding && !/^utf-?8$/i.test(encoding) ? encoding : undefined,
    autocrlf: bool(autocrlf) || autocrlf?.toLowerCase() === 'input',
    logAllRefs: values.get('core.logallrefupdates')?.toLowerCase() === 'always',
    attributesFile: values.get('core.attributesfile'),
    plainRefFiles: (values.get('extensions.refstorage') ?? 'files').toLowerCase() === 'files' && !values.has('core.fsync'),
    plainObjectFiles: !values.has('core.fsync') && !bool(values.get('core.fsyncobjectfiles')),
  };
}
