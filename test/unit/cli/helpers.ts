import type { CliIO } from '../../../src/cli/io';

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
