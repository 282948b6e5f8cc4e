// Metric 4: analysis + apply of 8 task results × 50 changed files each on the 100,000-file
// repository (analyseRun, then applyRun: before-apply snapshot, planning, 3-way merges where
// needed, writing 400 files), vs `git status --porcelain` on the same tree. Target ≤ 2×.
import {
  analyseRun,
  applyRun,
  commitOverlay,
  createRunId,
  ObjectReader,
  openRepo,
  OverlayWorkspace,
  snapshotWorkingTree,
  type ApplyPhase,
  type GitRepo,
} from '../src/git';
import { timeGitStatus } from './gitStatus';
import { compare, type BenchContext, type Metric } from './metric';
import { fileContent, fileName, git, repo100k, resetRepo } from './repo100k';
import { fmtSpread, now, sample } from './stats';

const PHASE_TITLES: Record<ApplyPhase, string> = {
  started: 'lock',
  captured: 'before-apply capture',
  planned: 'plan and merges',
  stored: 'after-apply tree and record',
  written: 'writing the files',
};

export const TASKS = 8;
export const FILES_PER_TASK = 50;

interface TaskResult {
  readonly id: string;
  readonly owns: string[];
  readonly baseCommit: string;
  readonly resultCommit: string;
}

/** Task k changes line 5 of 50 files in folders 100k…100k+49 (disjoint between tasks). */
async function makeResults(repo: GitRepo, runId: string, base: string): Promise<TaskResult[]> {
  const reader = new ObjectReader(repo);
  try {
    const out: TaskResult[] = [];
    for (let k = 0; k < TASKS; k++) {
      const o = new OverlayWorkspace(repo, reader, base);
      const owns: string[] = [];
      for (let f = 0; f < FILES_PER_TASK; f++) {
        const i = k * 100 + f;
        const j = (k * 7 + f) % 100;
        const p = fileName(i, j);
        const lines = fileContent(i, j).split('\n');
        lines[4] = `${lines[4]} (changed by task ${k})`;
        await o.writeFile(p, lines.join('\n'));
        owns.push(p);
      }
      const id = `task${k + 1}`;
      const resultCommit = await commitOverlay(repo, { runId, taskId: id, baseCommit: base, message: `bench ${id}`, workspace: o });
      out.push({ id, owns, baseCommit: base, resultCommit });
    }
    return out;
  } finally {
    reader.dispose();
  }
}

export async function applyBench(ctx: BenchContext): Promise<Metric[]> {
  const dir = await repo100k(ctx.log);
  const repo = await openRepo(dir);
  const setupRun = createRunId();
  const base = await snapshotWorkingTree(repo, setupRun);
  const results = await makeResults(repo, setupRun, base);
  const head = git(dir, ['rev-parse', 'HEAD']).trim();
  let applied = 0;
  const split = { analyse: [] as number[], apply: [] as number[] };
  // applyRun's steps, as they end (ApplyOptions.onPhase): where an apply's time goes
  const steps = new Map<ApplyPhase, number[]>();
  const once = async () => {
    const runId = createRunId();
    // as the engine does: one object reader for the run, the analysis handed to apply
    const reader = new ObjectReader(repo);
    const t0 = now();
    const analysis = await analyseRun(repo, { runId, tasks: results });
    const t1 = now();
    let last = now();
    const onPhase = (phase: ApplyPhase) => {
      const at = now();
      steps.set(phase, [...(steps.get(phase) ?? []), at - last]);
      last = at;
    };
    const r = await applyRun(repo, { runId, tasks: results, runBase: base, reader, analysis, onPhase });
    const ms = now() - t0;
    reader.dispose();
    split.analyse.push(t1 - t0);
    split.apply.push(now() - t1);
    if (analysis.tasks.some((t) => t.changed.length !== FILES_PER_TASK)) throw new Error('unexpected analysis');
    applied = r.applied.length;
    if (r.conflicts.length) throw new Error(`unexpected conflicts: ${r.conflicts.map((c) => c.path).join(', ')}`);
    // back to the base tree: only the 400 applied files differ (keeps the repo's refs for the next run)
    git(dir, ['reset', '-q', '--hard', head]);
    return ms;
  };
  try {
    await timeGitStatus(dir);
    await once(); // warm-up
    split.analyse.length = 0;
    split.apply.length = 0;
    steps.clear();
    const a: number[] = [];
    const g: number[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      g.push(await timeGitStatus(dir));
      a.push(await once());
    }
    return [
      compare({
        name: 'apply.analyseApply',
        group: 'apply',
        title: `analyseRun + applyRun of ${TASKS} results × ${FILES_PER_TASK} changed files on 100k files (${applied} files written)`,
        value: sample(a),
        baseline: sample(g),
        baselineTitle: 'git status --porcelain (clean 100k tree)',
        ratio: 'value/baseline',
        target: { of: 'ratio', op: '<=', limit: 2, text: '≤ 2× git status' },
        notes: [
          `of which analyseRun ${fmtSpread(sample(split.analyse))}, applyRun ${fmtSpread(sample(split.apply))}`,
          `applyRun's steps: ${[...steps].map(([phase, ms]) => `${PHASE_TITLES[phase]} ${fmtSpread(sample(ms))}`).join(', ')}`,
        ],
      }),
    ];
  } finally {
    resetRepo(dir);
  }
}
