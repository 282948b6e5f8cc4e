// `proposeTasks`: from a goal to a checked task file. A planner agent (agents/plannerPrompt.ts)
// reads the workspace as it is now (a snapshot of the working tree, read-only tools) and
// proposes a task file through `propose_tasks`; every proposal is checked by
// proposeAnalysis.ts, and what the check finds goes back as the tool's result.
//
// Outcomes (ProposeResult.status):
// - 'proposed': a valid proposal. The one with no warnings ends the planner at once; else,
//   once the planner stops (it ended its turn, or the rounds or its turn budget ran out), the
//   valid proposal with the fewest warnings (the later one on a tie), warnings included.
// - 'failed': no valid proposal in `maxRounds` rounds (the last round's errors are in
//   `rounds`), the planner ended without proposing, or the agent failed (API, key, budget).
// - 'cancelled': the signal fired; nothing is returned to write.
// Nothing here writes the task file: that is proposeWrite.ts, and only for a valid proposal.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import {
  ApiGate,
  createAnthropicClient,
  createProposeTasksTool,
  PLANNER_INSTANCE,
  plannerTask,
  runAgentTask,
  type ProposalVerdict,
} from '../agents';
import type { Plan, TaskProgress, TokenUsage, TranscriptEntry, TaskFile, TaskWorkspace } from '../core';
import { DEFAULT_TASK_FILES, readImportGraph } from '../core';
import { captureWorkingTree, ObjectReader, openRepo, OverlayWorkspace } from '../git';
import { PrefixedWorkspace } from './prefixedWorkspace';
import { checkProposal, type CheckedProposal, type ProposalFinding } from './proposeAnalysis';
import { listWorkspaceFiles } from './workspaceFiles';

export const DEFAULT_MAX_TASKS = 8;
export const DEFAULT_MAX_ROUNDS = 4;
/** Where a proposal is saved, workspace-relative. */
export const PROPOSAL_PATH = '.agents/tasks.yaml';

export interface ProposeOptions {
  /** The workspace folder (absolute): the task file's folder's parent, inside a git repository. */
  readonly workspace: string;
  readonly goal: string;
  readonly maxTasks?: number;
  /** Proposals the planner may make (default DEFAULT_MAX_ROUNDS). */
  readonly maxRounds?: number;
  /** The planner's turn budget, exploring included (default 40). */
  readonly maxTurns?: number;
  readonly signal?: AbortSignal;
  /** The model client; else one is made from apiKey / baseURL / maxRetries (or the environment). */
  readonly client?: Anthropic;
  readonly apiKey?: string;
  readonly baseURL?: string;
  readonly maxRetries?: number;
  readonly model?: string;
  readonly gate?: ApiGate;
  /** After each proposal was checked. */
  readonly onRound?: (round: ProposalRound) => void;
  readonly onProgress?: (progress: TaskProgress) => void;
  readonly onTranscript?: (entry: TranscriptEntry) => void;
}

/** One proposal and what the analysis caught in it. */
export interface ProposalRound {
  readonly round: number;
  readonly valid: boolean;
  readonly tasks: readonly string[];
  readonly errors: readonly ProposalFinding[];
  readonly warnings: readonly ProposalFinding[];
  readonly yaml: string;
  /** What the planner was told (the tool result). */
  readonly feedback: string;
}

export interface ProposeResult {
  readonly status: 'proposed' | 'failed' | 'cancelled';
  readonly goal: string;
  /** Workspace-relative path the proposal is meant for. */
  readonly taskFilePath: string;
  /** The task file the workspace has now (workspace-relative), which saving the proposal replaces. */
  readonly replaces?: string;
  /** The chosen proposal (status 'proposed'). */
  readonly yaml?: string;
  readonly taskFile?: TaskFile;
  readonly plan?: Plan;
  /** The chosen proposal's remaining warnings. */
  readonly warnings: readonly ProposalFinding[];
  /** Which round was chosen (1-based). */
  readonly chosenRound?: number;
  readonly rounds: readonly ProposalRound[];
  /** What went wrong, for a user (status 'failed'). */
  readonly error?: string;
  /** The planner's final text. */
  readonly output: string;
  readonly tokens: TokenUsage;
  readonly costUsd: number;
  readonly turns: number;
  readonly model: string;
}

export class ProposeSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProposeSetupError';
  }
}

interface PlannerView {
  readonly workspace: TaskWorkspace;
  dispose(): void;
}

/** The working tree as it is now, as a read-only agent view (uncommitted files included). */
async function plannerView(folder: string): Promise<PlannerView> {
  const repo = await openRepo(folder).catch((e: Error) => {
    throw new ProposeSetupError(e.message);
  });
  const { commit } = await captureWorkingTree(repo, 'parallel-agents: what the planner reads');
  const reader = new ObjectReader(repo);
  const overlay = new OverlayWorkspace(repo, reader, commit);
  const rel = path.relative(repo.root, folder).split(path.sep).join('/');
  return {
    workspace: rel ? new PrefixedWorkspace(overlay, `${rel}/`, folder) : overlay,
    dispose: () => reader.dispose(),
  };
}

/** The current task file's text, when the workspace has one of the default ones. */
export async function currentTaskFile(folder: string): Promise<{ path: string; text: string } | undefined> {
  for (const rel of DEFAULT_TASK_FILES) {
    const text = await fs.readFile(path.join(folder, rel), 'utf8').catch(() => undefined);
    if (text !== undefined) return { path: rel, text };
  }
  return undefined;
}

export async function proposeTasks(options: ProposeOptions): Promise<ProposeResult> {
  const goal = options.goal.trim();
  if (!goal) throw new ProposeSetupError('the goal is empty: say in a sentence what the tasks should achieve');
  const maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS;
  const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
  const signal = options.signal ?? new AbortController().signal;
  const apiKey = options.apiKey ?? process.env['ANTHROPIC_API_KEY'];
  if (!options.client && !apiKey) {
    throw new ProposeSetupError('the planner is an agent and needs an API key: set ANTHROPIC_API_KEY (or "Parallel Agents: Set API Key" in VS Code) and try again');
  }
  const view = await plannerView(options.workspace);
  try {
    const [files, current] = await Promise.all([listWorkspaceFiles(options.workspace), currentTaskFile(options.workspace)]);
    const imports = await readImportGraph(options.workspace, files, { signal });
    const rounds: ProposalRound[] = [];
    const checked: CheckedProposal[] = [];
    let accepted = false;

    const onProposal = (input: unknown): ProposalVerdict => {
      const round = rounds.length + 1;
      const c = checkProposal(input, { taskFilePath: PROPOSAL_PATH, maxTasks, files, imports, goal });
      const found: Omit<ProposalRound, 'feedback'> = {
        round,
        valid: c.taskFile !== undefined,
        tasks: isRecord(input) && isRecord(input.tasks) ? Object.keys(input.tasks) : [],
        errors: c.errors,
        warnings: c.warnings,
        yaml: c.yaml,
      };
      const verdict = verdictFor(found, maxRounds);
      const r: ProposalRound = { ...found, feedback: verdict.message };
      if (r.valid && !r.warnings.length) accepted = true;
      rounds.push(r);
      checked.push(c);
      try {
        options.onRound?.(r);
      } catch {
        /* a listener's failure never stops the planner */
      }
      return verdict;
    };

    const task = plannerTask({
      goal,
      maxTasks,
      maxRounds,
      taskFilePath: PROPOSAL_PATH,
      ...(current && { currentTaskFile: current.text }),
      ...(options.maxTurns !== undefined && { maxTurns: options.maxTurns }),
    });
    const client =
      options.client ??
      createAnthropicClient({
        ...(apiKey !== undefined && { apiKey }),
        ...(options.baseURL !== undefined && { baseURL: options.baseURL }),
        ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
      });
    const agent = await runAgentTask({
      task,
      workspace: view.workspace,
      taskFilePath: PROPOSAL_PATH,
      dependencies: [],
      client,
      gate: options.gate ?? new ApiGate(),
      signal,
      instance: PLANNER_INSTANCE,
      fileTools: ['read_file', 'list_files', 'search'],
      extraTools: [createProposeTasksTool({ onProposal })],
      finishWhen: () => accepted || rounds.length >= maxRounds,
      ...(options.model !== undefined && { model: options.model }),
      ...(options.onProgress && { onProgress: options.onProgress }),
      ...(options.onTranscript && { onTranscript: options.onTranscript }),
    });

    const base = {
      goal,
      taskFilePath: PROPOSAL_PATH,
      ...(current && { replaces: current.path }),
      rounds,
      output: agent.output,
      tokens: agent.tokens,
      costUsd: agent.costUsd,
      turns: agent.turns,
      model: agent.model,
    };
    if (agent.status === 'cancelled') return { ...base, status: 'cancelled', warnings: [] };
    const best = bestRound(rounds);
    if (best !== undefined) {
      const c = checked[best] as CheckedProposal;
      return {
        ...base,
        status: 'proposed',
        yaml: c.yaml,
        ...(c.taskFile && { taskFile: c.taskFile }),
        ...(c.plan && { plan: c.plan }),
        warnings: c.warnings,
        chosenRound: best + 1,
      };
    }
    return { ...base, status: 'failed', warnings: [], error: failureMessage(agent.status === 'failed' ? agent.error : agent.stopReason !== 'done' ? `it reached its budget (${agent.stopReason})` : undefined, rounds, maxRounds, agent.output) };
  } finally {
    view.dispose();
  }
}

/** The tool result for a checked proposal: accepted, valid with warnings, or the errors to fix. */
function verdictFor(r: Omit<ProposalRound, 'feedback'>, maxRounds: number): ProposalVerdict {
  const left = maxRounds - r.round;
  if (r.valid && !r.warnings.length) {
    return { isError: false, message: `Accepted: the analysis found no problems (${r.tasks.length} tasks). Reply with one short sentence; you are done.` };
  }
  const list = (fs: readonly ProposalFinding[]) => fs.map((f) => `- ${f.message}`).join('\n');
  const next = left > 0 ? `You have ${left} more proposal${left === 1 ? '' : 's'}.` : 'That was your last proposal.';
  if (r.valid) {
    return {
      isError: false,
      message:
        `Valid, with ${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}:\n${list(r.warnings)}\n\n` +
        `If a warning names a real dependency, fix it and call propose_tasks again; if not, reply with one short sentence saying why, and stop. ${next}`,
    };
  }
  return {
    isError: true,
    message:
      `Not valid: ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}` +
      `${r.warnings.length ? ` and ${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}` : ''}:\n` +
      `${list([...r.errors, ...r.warnings])}\n\nFix them and call propose_tasks again with the whole task file. ${next}`,
  };
}

/** Index of the valid round with the fewest warnings (the later one on a tie). */
function bestRound(rounds: readonly ProposalRound[]): number | undefined {
  let best: number | undefined;
  rounds.forEach((r, i) => {
    if (r.valid && (best === undefined || r.warnings.length <= (rounds[best] as ProposalRound).warnings.length)) best = i;
  });
  return best;
}

function failureMessage(agentError: string | undefined, rounds: readonly ProposalRound[], maxRounds: number, output: string): string {
  if (agentError !== undefined && !rounds.length) return `the planner failed before proposing anything: ${agentError}`;
  if (!rounds.length) {
    const said = output.trim() ? `; it said: ${output.trim().slice(0, 500)}` : '';
    return `the planner ended without proposing any tasks${said}. Try again with a more concrete goal.`;
  }
  const last = rounds[rounds.length - 1] as ProposalRound;
  const why = last.errors.slice(0, 5).map((e) => `\n  - ${e.message}`).join('');
  const stopped = agentError !== undefined ? `the planner failed (${agentError}) after ${rounds.length} proposal${rounds.length === 1 ? '' : 's'}` : `no valid task file after ${rounds.length} of ${maxRounds} proposals`;
  return `${stopped}; nothing was written. The last proposal still had:${why}\nTry again with a narrower goal, or write the task file by hand (\`parallel-agents plan\` checks it).`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
