// Shared helpers for the agent integration tests.
import Anthropic from '@anthropic-ai/sdk';
import type { Task } from '../../../src/core/taskSchema';
import type { TaskProgress, TranscriptEntry } from '../../../src/core/runModel';

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

export function fakeClient(baseURL: string, maxRetries = 2): Anthropic {
  return new Anthropic({ apiKey: 'test-key', baseURL, maxRetries, logLevel: 'off' });
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
