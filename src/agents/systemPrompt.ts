// The agent's system prompt, in two blocks:
//   1. SHARED_INSTRUCTIONS — identical for every agent of every run, so together with the
//      (identical) tool definitions it forms a prompt-cache prefix that parallel agents share;
//   2. the task block — the task's id, its prompt, what it owns and reads, and the outputs
//      of the tasks it depends on (their final text and changed files).
// Both blocks carry `cache_control`, and so does the last tool definition (see
// anthropicRunner.ts), which gives the cache breakpoints: tools | shared system | task.
import type { BetaTextBlockParam } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import type { Task, TaskOutput } from '../core';

export const SHARED_INSTRUCTIONS = `You are a coding agent, one of several working at the same time on one software project. Each agent has its own task and its own isolated view of the workspace; the results are merged afterwards.

How to work:
- Use the tools to look at the project (list_files, search, read_file) before you change it, and make the changes with write_file, edit_file and delete_file.
- Paths are relative to the workspace root, with forward slashes (e.g. "src/index.ts"). Absolute paths, ".." and anything inside .git are refused.
- You may only write, edit or delete files your task owns (the globs listed under "You own"). A write elsewhere is refused with an error and changes nothing; other agents own those files. If a file you do not own needs a change, do not work around the refusal: mention it in your final answer.
- Files under .vscode/, *.code-workspace files and the task file are writable only when your task owns them by name.
- edit_file replaces text that must occur exactly once in the file; include enough context to make it unique. A file keeps its mode; write_file with "executable": true makes a script executable.
- Big files are read in pages; the result of read_file says how to read on.
- Symbolic links inside the workspace are followed: reading, writing or editing one acts on its target (which must be yours to write), and the link itself stays as it is; delete_file on a link deletes only the link. Links that lead outside the workspace are refused. A git submodule is not part of your workspace: nothing in it can be read or written.
- A search pattern that takes too long to evaluate is refused; simplify it or narrow the search with a glob.
- Nobody can answer questions while you work: make reasonable decisions and carry on.
- Keep to your task. Do not reformat or rewrite files beyond what it needs.

When you are done, reply with a short final answer (no tool call): what you did, which files you changed, and anything left for others. That answer is your task's output: tasks that depend on yours receive it.`;

/**
 * For agents with run_command only, so it lives in the task block: the shared block stays
 * identical for every agent (the prompt cache's shared prefix).
 */
export const COMMANDS_NOTE = `# Running commands
You have the run_command tool: it runs a shell command in your own view of the workspace, which already contains what you wrote. You can and should run the project's checks on your work (its tests, build, type checker or linter, e.g. the scripts in package.json) before you finish, fix what they report, and say in your final answer which checks you ran and their result. Changes a command makes outside what you own are undone and listed as not kept.`;

/**
 * One of several agents working on the same task (a competitive attempt, a voter, a judge).
 * Its id shows in the task id line (`Task id: <task>#<id>`), so transcripts, logs and the
 * fake API tell them apart; the note tells the model its role.
 */
export interface AgentInstance {
  readonly id: string;
  readonly note: string;
}

export interface SystemPromptInput {
  task: Task;
  instance?: AgentInstance;
  taskFilePath: string;
  dependencies: readonly TaskOutput[];
  /** The agent has the run_command tool (a task with `commands: true`). */
  commands?: boolean;
  /** Characters of each dependency's output kept (default 8000). */
  maxDependencyOutput?: number;
  /** Changed paths listed per dependency (default 200). */
  maxDependencyFiles?: number;
}

/** The marker line the fake API server (and any log reader) finds the task id by. */
export function taskIdLine(taskId: string): string {
  return `Task id: ${taskId}`;
}

export function buildTaskBlock(input: SystemPromptInput): string {
  const { task } = input;
  const maxOut = input.maxDependencyOutput ?? 8000;
  const maxFiles = input.maxDependencyFiles ?? 200;
  const parts: string[] = [];
  const idLine = taskIdLine(input.instance ? `${task.id}#${input.instance.id}` : task.id);
  parts.push(`# Your task\n${idLine}${task.title ? `\nTitle: ${task.title}` : ''}${input.instance ? `\n${input.instance.note}` : ''}`);
  parts.push((task.prompt ?? '').trim());
  parts.push(`# You own (may write)\n${task.owns.length ? task.owns.map((g) => `- ${g}`).join('\n') : '(nothing: you change no files)'}`);
  if (task.reads.length) parts.push(`# You read\n${task.reads.map((g) => `- ${g}`).join('\n')}`);
  parts.push(`# Task file\nThe run's task file is "${input.taskFilePath}".`);
  if (input.commands) parts.push(COMMANDS_NOTE);
  if (input.dependencies.length) {
    const deps = input.dependencies.map((d) => {
      const files = d.changed.length ?
          d.changed.slice(0, maxFiles).map((f) => `- ${f}`).join('\n') +
          (d.changed.length > maxFiles ? `\n- … and ${d.changed.length - maxFiles} more` : '')
        : '(no files changed)';
      const out = d.output.length > maxOut ? d.output.slice(0, maxOut) + `\n[… ${d.output.length - maxOut} more characters cut]` : d.output;
      return `## Task ${d.taskId}\nChanged files:\n${files}\nOutput:\n${out.trim() || '(no output)'}`;
    });
    parts.push(
      '# Tasks this one depends on\nThey finished before you started, and your workspace already contains their changes.\n\n' +
        deps.join('\n\n'),
    );
  }
  return parts.filter(Boolean).join('\n\n');
}

/** The system blocks, each with `cache_control`. */
export function buildSystemPrompt(input: SystemPromptInput): BetaTextBlockParam[] {
  return [
    { type: 'text', text: SHARED_INSTRUCTIONS, cache_control: { type: 'ephemeral' } },
    { type: 'text', text: buildTaskBlock(input), cache_control: { type: 'ephemeral' } },
  ];
}

/** The first user message. */
export function firstUserMessage(task: Task): string {
  return `Start on task "${task.id}" now, as described in the system prompt.`;
}
