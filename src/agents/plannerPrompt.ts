// The planner: one agent that reads the workspace (read_file, list_files, search) and proposes
// a task file for a goal through `propose_tasks`. It runs through runAgentTask like any other
// agent; this file holds what makes it a planner: its task (the instructions and the goal)
// and its instance note (its role, shown in the task id line as `propose#planner`).
import type { Task } from '../core';
import type { AgentInstance } from './systemPrompt';
import { PROPOSE_TASKS_TOOL_NAME } from './proposeTasksTool';

export const PLANNER_TASK_ID = 'propose';

export const PLANNER_INSTANCE: AgentInstance = {
  id: 'planner',
  note:
    'You are the planner: you change no files. You read the project and propose the task file that splits the goal ' +
    `into tasks for other agents, with the ${PROPOSE_TASKS_TOOL_NAME} tool.`,
};

export interface PlannerTaskInput {
  readonly goal: string;
  readonly maxTasks: number;
  readonly maxRounds: number;
  /** Workspace-relative path the proposal will be saved as. */
  readonly taskFilePath: string;
  /** The task file there now, when there is one (the proposal replaces it). */
  readonly currentTaskFile?: string;
  /** The planner's turn budget (exploring included). */
  readonly maxTurns?: number;
  readonly model?: string;
}

export function plannerPrompt(input: PlannerTaskInput): string {
  const current = input.currentTaskFile?.trim()
    ? `\n\nThe workspace has a task file at ${input.taskFilePath} now; your proposal replaces it:\n\n${input.currentTaskFile.trim()}\n`
    : '';
  return `Goal: ${input.goal.trim()}

Split this goal into at most ${input.maxTasks} tasks that agents (or shell commands) can do at the same time on this workspace, and propose them with ${PROPOSE_TASKS_TOOL_NAME}. Its input is the task file itself: \`version: 1\` and \`tasks\`, a map of task id → task.

How to split:
- Look at the project first (list_files, search, read_file), so that prompts and globs name real files.
- Each prompt stands alone: an agent sees only its own prompt, what it owns and reads, and the outputs of the tasks it depends on.
- \`owns\`: the globs a task may write, as narrow as the work allows. Two tasks that can run at the same time must never own the same path.
- \`reads\`: what a task reads that another task changes. When task B needs task A's result, give B \`dependsOn: [A]\`; otherwise leave them unordered, so they run at once.
- A check that needs no model (a linter, a test run) is a command task: \`run: <shell command>\`, owning only where its output goes.
- Use \`prompt\`, not \`promptFile\`.

Every proposal is checked by the same analysis as a hand-written task file. When it finds problems (overlapping owns, dependency cycles, unknown ids, globs outside the workspace, reads nothing orders), the tool result lists them: fix them and call ${PROPOSE_TASKS_TOOL_NAME} again. You have ${input.maxRounds} proposals at most. When the result says the proposal is accepted, reply with one short sentence and stop.${current}`;
}

/** The planner as a task runAgentTask can run: it owns nothing and has a turn budget. */
export function plannerTask(input: PlannerTaskInput): Task {
  return {
    id: PLANNER_TASK_ID,
    kind: 'agent',
    title: 'Plan tasks from a goal',
    prompt: plannerPrompt(input),
    owns: [],
    reads: [],
    dependsOn: [],
    maxTurns: input.maxTurns ?? 40,
    ...(input.model !== undefined && { model: input.model }),
    line: 1,
    column: 1,
  };
}
