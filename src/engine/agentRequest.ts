// Requests for the agents of a task: the one place that turns a task and the run's
// context into what runAgentTask needs (the task's own agent, competitive attempts and
// their judge, consensus voters).
import type { TaskOutput, TaskProgress, TranscriptEntry, Task } from '../core';
import type { AgentTaskRequest } from '../agents';
import type { TaskRunContext } from './taskContext';

/** The file tools of agents that change nothing (voters, judges). */
export const READ_ONLY_TOOLS = ['read_file', 'list_files', 'search'] as const;

/** What differs between the agents of a run; the rest comes from the context. */
export interface AgentRequestParts extends Pick<AgentTaskRequest, 'instance' | 'fileTools' | 'extraTools' | 'finishWhen' | 'commandView'> {
  readonly workspace: AgentTaskRequest['workspace'];
  readonly dependencies: readonly TaskOutput[];
  /** This instance's own model (an attempt's `models` entry, a voter's weighted model). */
  readonly model?: string;
  /** Default: the context's (a part of a fan-in passes its own). */
  readonly onProgress?: (p: TaskProgress) => void;
  readonly onTranscript?: (e: TranscriptEntry) => void;
}

export function agentRequest(ctx: TaskRunContext, task: Task, parts: AgentRequestParts): AgentTaskRequest {
  const { model: instanceModel, onProgress, onTranscript, ...rest } = parts;
  const model = ctx.resolveModel(task, instanceModel);
  return {
    ...rest,
    // The task carries the resolved model too: the runner lets a task's own model win.
    task: task.model === model ? task : { ...task, model },
    taskFilePath: ctx.taskFilePath,
    ...(ctx.provider ? { provider: ctx.provider } : { client: ctx.client() }),
    model,
    gate: ctx.gate,
    ...(ctx.prices !== undefined && { prices: ctx.prices }),
    signal: ctx.signal,
    onProgress: onProgress ?? ctx.onProgress,
    onTranscript: onTranscript ?? ctx.onTranscript,
  };
}
