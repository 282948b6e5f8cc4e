// Real repositories, real namespaces: the sandbox's tests run commands for real. Each test
// folder holds the repository and a sibling folder (which a command must not see), under
// /var/tmp when it is writable (so that "next to the repository" is not just /tmp, which the
// sandbox replaces anyway), else the system temp folder.
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandRunOptions, CommandView } from '../../../src/core/commandView';
import { openRepo, type GitRepo } from '../../../src/git';
import { createSandboxView, detectSandbox, SharedBase } from '../../../src/sandbox';
import { TestRepo } from '../git/helpers';

function tempRoot(): string {
  try {
    accessSync('/var/tmp', constants.W_OK);
    return '/var/tmp';
  } catch {
    return os.tmpdir();
  }
}

export interface SandboxFixture {
  readonly dir: string;
  readonly t: TestRepo;
  readonly repo: GitRepo;
  readonly sibling: string;
  readonly base: SharedBase;
  readonly commit: string;
  view(opts?: { mounts?: string[]; taskId?: string; workspaceRel?: string }): Promise<CommandView>;
  cleanup(): Promise<void>;
}

export async function sandboxFixture(files: Record<string, string | Buffer>, setup?: (t: TestRepo) => void): Promise<SandboxFixture> {
  const dir = mkdtempSync(path.join(tempRoot(), 'pa-sandbox-test-'));
  const root = path.join(dir, 'repo');
  const sibling = path.join(dir, 'sibling');
  mkdirSync(root);
  mkdirSync(sibling);
  writeFileSync(path.join(sibling, 'secret.txt'), 'sibling secret\n');
  const t = new TestRepo(root);
  t.git('init', '-q', '-b', 'main');
  t.git('config', 'core.autocrlf', 'false');
  for (const [k, v] of Object.entries(files)) t.write(k, v);
  setup?.(t);
  const commit = t.commitAll('initial');
  const repo = await openRepo(root);
  const base = await SharedBase.open(repo, commit);
  const views: CommandView[] = [];
  let n = 0;
  return {
    dir,
    t,
    repo,
    sibling,
    base,
    commit,
    async view(opts = {}) {
      const ws = opts.workspaceRel ?? '';
      const v = await createSandboxView({
        repo,
        base,
        workspaceRel: ws,
        workspacePath: ws ? path.join(root, ws) : root,
        mounts: opts.mounts ?? [],
        taskDir: path.join(repo.stateDir, 'runs', 'test-run', 'tasks', opts.taskId ?? `t${++n}`),
      });
      views.push(v);
      return v;
    },
    async cleanup() {
      for (const v of views) await v.dispose();
      base.release();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const RUN: CommandRunOptions = { timeoutMs: 30_000, network: false, maxOutputBytes: 64_000 };

/** Skips the suite (with the reason) where the sandbox cannot run. */
export async function requireSandbox(ctx: Mocha.Context): Promise<void> {
  const d = await detectSandbox();
  if (!d.available) {
    console.log(`      (skipped: the command sandbox is not available here: ${d.reason})`);
    ctx.skip();
  }
}

/** Host processes whose command line contains `marker` (for "no process survives"). */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      if (cmd.includes(marker) && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') found.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return found;
}
