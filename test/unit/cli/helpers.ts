import type { CliIO } from '../../../src/cli/io';
import type { RunRecord, TaskRecord } from '../../../src/engine';

export interface CapturedIO extends CliIO {
  out: string;
  err: string;
}

/** An in-process CliIO that records what a command prints. */
export function captureIO(cwd: string, env: NodeJS.ProcessEnv = {}, signal = new AbortController().signal): CapturedIO {
  const io: CapturedIO = {
    cwd,
    env,
    isTTY: false,
    out: '',
    err: '',
    stdout: (t) => void (io.out += t),
    stderr: (t) => void (io.err += t),
    interrupt: signal,
  };
  return io;
}

/** A run record of these tasks in /repo, for what the CLI prints of a run. */
export function runRecord(tasks: readonly TaskRecord[], status: RunRecord['status'] = 'running'): RunRecord {
  return {
    runId: 'r1',
    status,
    version: 2,
    owner: { pid: 1, hostname: 'h' },
    repoRoot: '/repo',
    prefix: '',
    taskFile: '/repo/.agents/tasks.yaml',
    concurrency: 32,
    baseCommit: 'b'.repeat(40),
    startedAt: 0,
    tasks: tasks.map((t) => ({ ...t })),
  } as unknown as RunRecord;
}
