// Metrics for issue 13's command sandbox, on the 100,000-file repository:
//   sandbox.firstCommand  8 views' first command (view created + `cat` of a file) vs the same
//                         command in the plain checkout; the target is on the overhead.
//   sandbox.start8        8 command-capable views vs `git worktree add --detach` ×8, once the
//                         shared base exists (the base's own first build is in the notes).
//   sandbox.disk          disk per view after a command that changes one file.
//   sandbox.commandTask   a one-line command task (`sed -i` of one file) with its result commit:
//                         in a view (shared base already built) vs in a `git worktree add` of
//                         the base (how command tasks ran before), side by side per round.
//   sandbox.baseUpdate    bringing the shared base to a commit with 100 changed files vs one
//                         `git status --porcelain`.
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { runCommandTask, runCommandTaskInView } from '../src/agents';
import type { CommandView } from '../src/core/commandView';
import type { Task } from '../src/core/taskSchema';
import { commitCommandChanges } from '../src/engine/resultCommits';
import { commitWorktree, ObjectReader, openRepo, WorktreeWorkspace, type GitRepo } from '../src/git';
import { createSandboxView, detectSandbox, SharedBase } from '../src/sandbox';
import { timeGitStatus } from './gitStatus';
import { duKB } from './isolation';
import { compare, notMeasured, type BenchContext, type BenchResult } from './metric';
import { fileName, git, repo100k } from './repo100k';
import { now, sample } from './stats';

const VIEWS = 8;
const RUN = { timeoutMs: 60_000, network: false, maxOutputBytes: 16_000 };

function plainCommand(cwd: string, command: string): Promise<number> {
  const t0 = now();
  return new Promise((resolve, reject) => {
    const c = spawn('bash', ['-c', command], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.resume();
    c.stderr.resume();
    c.on('error', reject);
    c.on('close', () => resolve(now() - t0));
  });
}

/** A commit with `n` files changed, made without touching HEAD, the index or the working tree. */
function commitWithChanges(dir: string, head: string, n: number, round: number): string {
  const index = path.join(dir, '.git', `bench-sandbox-index-${process.pid}`);
  const env = { GIT_INDEX_FILE: index };
  try {
    gitEnv(dir, ['read-tree', head], env);
    const lines: string[] = [];
    for (let k = 0; k < n; k++) {
      const file = fileName((k * 37 + round * 11) % 1000, k % 100);
      const sha = git(dir, ['hash-object', '-w', '--stdin'], `changed in round ${round}, file ${k}\n`).trim();
      lines.push(`100644 ${sha}\t${file}`);
    }
    gitEnv(dir, ['update-index', '--index-info'], env, lines.join('\n') + '\n');
    const tree = gitEnv(dir, ['write-tree'], env).trim();
    return git(dir, ['commit-tree', tree, '-p', head, '-m', `bench: ${n} changed files`]).trim();
  } finally {
    rmSync(index, { force: true });
  }
}

function gitEnv(cwd: string, args: string[], env: Record<string, string>, input?: string): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...env }, input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** One command task, as executors/command.ts runs it: a view of the base, the command, the result commit, the view removed. */
async function commandTaskInView(repo: GitRepo, reader: ObjectReader, base: SharedBase, dir: string, task: Task, taskDir: string, head: string): Promise<number> {
  const t = now();
  const view = await createSandboxView({ repo, base, workspaceRel: '', workspacePath: dir, mounts: [], taskDir });
  try {
    const r = await runCommandTaskInView({ task, view, network: true, signal: new AbortController().signal });
    if (r.status !== 'succeeded' || r.changes.length !== 1) throw new Error(`the command task in a view: ${r.status}, ${r.changes.length} changes: ${r.error ?? ''}`);
    await commitCommandChanges(task, head, { repo, reader, runId: 'bench-sandbox', prefix: '', workspaceRoot: dir }, r, { message: 'bench' });
  } finally {
    await view.dispose();
  }
  return now() - t;
}

/** The same task as command tasks ran before: a worktree of the base, the command, `git add -A` and the commit, the worktree removed. */
async function commandTaskInWorktree(repo: GitRepo, task: Task, head: string): Promise<number> {
  const t = now();
  const wt = await WorktreeWorkspace.create(repo, head, 'bench-sandbox', task.id);
  try {
    const r = await runCommandTask({ task, cwd: wt.path, signal: new AbortController().signal });
    if (r.status !== 'succeeded') throw new Error(`the command task in a worktree: ${r.error ?? r.status}`);
    await commitWorktree(repo, { runId: 'bench-sandbox', taskId: task.id, baseCommit: head, worktree: wt, message: 'bench' });
  } finally {
    await wt.dispose();
  }
  return now() - t;
}

export async function sandboxBench(ctx: BenchContext): Promise<BenchResult[]> {
  const d = await detectSandbox();
  if (!d.available) {
    const why = `the command sandbox is not available here: ${d.reason}`;
    return [
      notMeasured('sandbox.firstCommand', 'sandbox', `${VIEWS} views' first command overhead`, '≤ 50 ms', why),
      notMeasured('sandbox.start8', 'sandbox', `${VIEWS} command-capable views`, '≥ 50× faster', why),
      notMeasured('sandbox.baseUpdate', 'sandbox', 'Shared base update after 100 changed files', '≤ 3×', why),
    ];
  }
  const dir = await repo100k(ctx.log);
  const repo = await openRepo(dir);
  const head = git(dir, ['rev-parse', 'HEAD']).trim();
  ctx.log('sandbox: materialising the shared base (once)…');
  const t0 = now();
  const base = await SharedBase.open(repo, head);
  const baseBuildMs = now() - t0;
  const baseKB = duKB(SharedBase.dir(repo));
  ctx.log(`sandbox: shared base built in ${(baseBuildMs / 1000).toFixed(1)} s (${(baseKB / 1024).toFixed(0)} MB)`);
  const tasksRoot = path.join(repo.stateDir, 'runs', 'bench-sandbox');
  const results: BenchResult[] = [];
  try {
    // First command per view vs the same command in the checkout.
    const command = (i: number, k: number) => `cat ${fileName((i * 97 + k * 113) % 1000, k)} > /dev/null`;
    await plainCommand(dir, command(99, 0)); // warm-up
    const viewMs: number[] = [];
    const plainMs: number[] = [];
    const startMs: number[] = [];
    let diskPerViewKB = NaN;
    for (let i = 0; i < ctx.runs; i++) {
      const views: CommandView[] = [];
      const tStart = now();
      for (let k = 0; k < VIEWS; k++) {
        const t = now();
        const v = await createSandboxView({ repo, base, workspaceRel: '', workspacePath: dir, mounts: [], taskDir: path.join(tasksRoot, `r${i}t${k}`) });
        const r = await v.run(command(i, k), RUN);
        if (r.exitCode !== 0) throw new Error(`a sandboxed command failed: ${r.output}`);
        viewMs.push(now() - t);
        views.push(v);
      }
      startMs.push(now() - tStart);
      for (let k = 0; k < VIEWS; k++) plainMs.push(await plainCommand(dir, command(i, k)));
      if (i === 0) {
        for (const [k, v] of views.entries()) await v.run(`echo changed-by-view-${k} > ${fileName(k, k)}`, RUN);
        diskPerViewKB = duKB(...views.map((_, k) => path.join(tasksRoot, `r${i}t${k}`))) / VIEWS;
      }
      for (const v of views) await v.dispose();
      ctx.log(`sandbox: round ${i + 1}/${ctx.runs}: ${VIEWS} views in ${(startMs[i] as number).toFixed(0)} ms`);
    }
    const views = sample(viewMs);
    const plain = sample(plainMs);
    const overhead = views.median - plain.median;
    results.push({
      name: 'sandbox.firstCommand',
      group: 'sandbox',
      title: `${VIEWS} views' first command (create the view + cat a file) vs the same command in the checkout`,
      unit: 'ms',
      value: views.median,
      baseline: plain.median,
      ratio: views.median / plain.median,
      target: 'overhead ≤ 50 ms (median)',
      ok: overhead <= 50,
      valueSpread: views,
      baselineSpread: plain,
      baselineTitle: 'bash -c <the command> in the checkout',
      notes: [`median overhead ${overhead.toFixed(1)} ms per view`],
    });
    const start = sample(startMs);
    results.push({
      pending: (wt) =>
        compare({
          name: 'sandbox.start8',
          group: 'sandbox',
          title: `${VIEWS} command-capable views (create + first command), shared base already built`,
          value: start,
          baseline: wt,
          baselineTitle: `git worktree add --detach ×${VIEWS} (8 × one add, n=${wt.runs})`,
          ratio: 'baseline/value',
          target: { of: 'ratio', op: '>=', limit: 50, text: '≥ 50× faster' },
          notes: [`the shared base's first build: ${(baseBuildMs / 1000).toFixed(1)} s, ${(baseKB / 1024).toFixed(0)} MB, once for every run and task`],
        }),
    });
    results.push({
      name: 'sandbox.disk',
      group: 'sandbox',
      title: 'Disk per view after a command that changed one file',
      unit: 'KB',
      value: diskPerViewKB,
      baseline: null,
      ratio: null,
      target: '≤ changed bytes + 1 MB',
      ok: diskPerViewKB <= 1024 + 4,
      notes: ['du -sk of the views’ private folders ÷ 8 (upper, work, private HOME and /tmp)'],
    });

    // A one-line command task, in a view vs in a worktree, alternating per round.
    const reader = new ObjectReader(repo);
    const inView: number[] = [];
    const inWorktree: number[] = [];
    try {
      for (let i = 0; i < ctx.runs; i++) {
        const task: Task = { id: `sed${i}`, kind: 'command', run: `sed -i 's/^/edited /' ${fileName(i, i)}`, owns: ['**'], reads: [], dependsOn: [], line: 1, column: 1 };
        inView.push(await commandTaskInView(repo, reader, base, dir, task, path.join(tasksRoot, `sed${i}`), head));
        inWorktree.push(await commandTaskInWorktree(repo, task, head));
        ctx.log(`sandbox: command task round ${i + 1}/${ctx.runs}: view ${(inView[i] as number).toFixed(0)} ms, worktree ${(inWorktree[i] as number).toFixed(0)} ms`);
      }
    } finally {
      reader.close();
    }
    results.push(
      compare({
        name: 'sandbox.commandTask',
        group: 'sandbox',
        title: 'A one-line command task (sed -i of one file) with its result commit, shared base already built',
        value: sample(inView),
        baseline: sample(inWorktree),
        baselineTitle: 'the same task in a git worktree add of the base (+ git add -A, commit, remove): how command tasks ran before',
        ratio: 'baseline/value',
        target: { of: 'ratio', op: '>=', limit: 50, text: '≥ 50× faster' },
      }),
    );

    // The shared base brought to a commit with 100 changed files.
    await timeGitStatus(dir); // warm-up
    const updateMs: number[] = [];
    const statusMs: number[] = [];
    let from = head;
    for (let i = 0; i < ctx.runs; i++) {
      const next = commitWithChanges(dir, from, 100, i);
      const t = now();
      const b = await SharedBase.open(repo, next);
      updateMs.push(now() - t);
      if (b.update.kind !== 'incremental' || b.update.pathsWritten !== 100) throw new Error(`expected an incremental update of 100 paths, got ${JSON.stringify(b.update)}`);
      b.release();
      statusMs.push(await timeGitStatus(dir));
      from = next;
    }
    results.push(
      compare({
        name: 'sandbox.baseUpdate',
        group: 'sandbox',
        title: 'Shared base brought to a new commit with 100 changed files (100k-file tree)',
        value: sample(updateMs),
        baseline: sample(statusMs),
        baselineTitle: 'git status --porcelain',
        ratio: 'value/baseline',
        target: { of: 'ratio', op: '<=', limit: 3, text: '≤ 3×' },
      }),
    );
  } finally {
    base.release();
    rmSync(tasksRoot, { recursive: true, force: true });
    rmSync(SharedBase.dir(repo), { recursive: true, force: true });
  }
  return results;
}
