// Shared helpers for the agent integration tests.
import Anthropic from '@anthropic-ai/sdk';
import type { Task } from '../../../src/core/taskSchema';
import type { TaskProgress, TranscriptEntry } from '../../../src/core/runModel';
import { nodeFetch } from '../../../src/agents';

export function agentTask(id: string, owns: string[], extra: Partial<Task> = {}): Task {
  return {
    id,
    kind: 'agent',
    prompt: `Do the work of task ${id}.`,
    owns,
    reads: [],
    dependsOn: [],
    line: 1,
    column: 1,
    ...extra,
  };
}

/** A client as createAnthropicClient makes it (nodeFetch), with the SDK's logging off. */
export function fakeClient(baseURL: string, maxRetries = 2): Anthropic {
  return new Anthropic({ apiKey: 'test-key', baseURL, maxRetries, logLevel: 'off', fetch: nodeFetch });
}

export class Recorder {
  readonly progress: TaskProgress[] = [];
  readonly transcript: TranscriptEntry[] = [];
  readonly onProgress = (p: TaskProgress) => void this.progress.push(p);
  readonly onTranscript = (e: TranscriptEntry) => void this.transcript.push(e);
  of(type: TranscriptEntry['type']): TranscriptEntry[] {
    return this.transcript.filter((e) => e.type === type);
  }
}

import type { FakeAnthropic } from '../../fake-anthropic';
import type { TaskOutput } from '../../../src/core/runModel';
import type { TaskWorkspace } from '../../../src/core/workspace';
import { runAgentTask, type AgentTaskRequest, type AgentTaskResult } from '../../../src/agents/anthropicRunner';
import { ApiGate } from '../../../src/agents/apiGate';

export interface RunOptions extends Partial<Omit<AgentTaskRequest, 'task' | 'workspace'>> {
  dependencies?: TaskOutput[];
  recorder?: Recorder;
}

/** Runs one agent task against the fake server. */
export function runAgent(fake: FakeAnthropic, task: Task, workspace: TaskWorkspace, opts: RunOptions = {}): Promise<AgentTaskResult> {
  const rec = opts.recorder ?? new Recorder();
  return runAgentTask({
    task,
    workspace,
    taskFilePath: '.agents/tasks.yaml',
    dependencies: opts.dependencies ?? [],
    client: opts.client ?? fakeClient(fake.baseURL),
    gate: opts.gate ?? new ApiGate(),
    signal: opts.signal ?? new AbortController().signal,
    onProgress: rec.onProgress,
    onTranscript: rec.onTranscript,
    ...(opts.model ? { model: opts.model } : {}),
    ...(opts.prices ? { prices: opts.prices } : {}),
    ...(opts.maxStreamRetries !== undefined ? { maxStreamRetries: opts.maxStreamRetries } : {}),
  });
}

/** Resolves once `predicate` holds, checking on every macrotask (bounded). */
export async function until(predicate: () => boolean, what = 'condition', limitMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
