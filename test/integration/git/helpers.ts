// Real temporary git repositories for the git engine's tests (no git mocks).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Identity for the tests' own commits. The engine is given none: it must bring its own. */
export const TEST_GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test User',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test User',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

export class TestRepo {
  constructor(readonly dir: string) {}

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: TEST_GIT_ENV, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  }

  write(rel: string, content: string | Buffer): void {
    const f = path.join(this.dir, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, content);
  }

  read(rel: string): Buffer {
    return readFileSync(path.join(this.dir, rel));
  }

  text(rel: string): string {
    return readFileSync(path.join(this.dir, rel), 'utf8');
  }

  exists(rel: string): boolean {
    return existsSync(path.join(this.dir, rel));
  }

  remove(rel: string): void {
    rmSync(path.join(this.dir, rel), { recursive: true, force: true });
  }

  commitAll(message = 'commit'): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--no-verify', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  /** HEAD, index bytes, branches/tags, stash list: what the engine must never change. */
  userState(): Record<string, string> {
    const indexFile = path.join(this.dir, '.git', 'index');
    const run = (...args: string[]) => {
      try {
        return this.git(...args);
      } catch {
        return '<error>';
      }
    };
    return {
      head: run('rev-parse', '--verify', '-q', 'HEAD'),
      symbolicHead: run('symbolic-ref', '-q', 'HEAD'),
      headFile: readFileSync(path.join(this.dir, '.git', 'HEAD'), 'utf8'),
      index: existsSync(indexFile) ? createHash('sha256').update(readFileSync(indexFile)).digest('hex') : '<none>',
      refs: run('for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', 'refs/tags', 'refs/stash'),
      stash: run('stash', 'list'),
    };
  }

  /** Every file of the working tree (not .git): path → bytes (symlinks as `-> target`). */
  files(): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    const walk = (dir: string, rel: string) => {
      for (const name of readdirSync(dir).sort()) {
        if (rel === '' && name === '.git') continue;
        const full = path.join(dir, name);
        const r = rel ? `${rel}/${name}` : name;
        const st = lstatSync(full);
        if (st.isSymbolicLink()) out.set(r, Buffer.from(`-> ${readlinkSync(full)}`));
        else if (st.isDirectory()) {
          if (existsSync(path.join(full, '.git'))) out.set(r + '/', Buffer.from('<nested repo>'));
          else walk(full, r);
        } else out.set(r, readFileSync(full));
      }
    };
    walk(this.dir, '');
    return out;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const created: TestRepo[] = [];

/** A new repository in a temp folder (with `initial` files committed when given). */
export function makeRepo(initial?: Record<string, string | Buffer>): TestRepo {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pa-git-test-'));
  const repo = new TestRepo(dir);
  repo.git('init', '-q', '-b', 'main');
  repo.git('config', 'core.autocrlf', 'false');
  created.push(repo);
  if (initial) {
    for (const [k, v] of Object.entries(initial)) repo.write(k, v);
    repo.commitAll('initial');
  }
  return repo;
}

/** Removes every repository made by makeRepo (call from an `after` hook). */
export function cleanupRepos(): void {
  for (const r of created.splice(0)) r.cleanup();
}

export function mapsEqual(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const diffs: string[] = [];
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w) diffs.push(`missing ${k}`);
    else if (!w.equals(v)) diffs.push(`changed ${k}`);
  }
  for (const k of b.keys()) if (!a.has(k)) diffs.push(`added ${k}`);
  return diffs;
}
