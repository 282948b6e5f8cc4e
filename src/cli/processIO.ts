// The real process behind CliIO: Ctrl-C, and stdout/stderr that may be closed early.
import type { CliIO } from './io';

/**
 * A reader that stops early (`parallel-agents undo RUN | head`) closes the pipe; writing
 * more then fails with EPIPE, which Node throws as an uncaught error with a stack trace.
 * The command's work (an undo, a run) must finish anyway, so a closed stream just stops
 * receiving text.
 */
function closableWriter(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw e;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

export function processIO(): CliIO {
  const controller = new AbortController();
  const stdout = closableWriter(process.stdout);
  const stderr = closableWriter(process.stderr);
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    // On a terminal the live display says so; elsewhere, say it here.
    if (!process.stdout.isTTY) stderr('\nparallel-agents: cancelling (finished work is kept); press Ctrl-C again to quit at once\n');
    controller.abort('cancelled with Ctrl-C');
  });
  return {
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    terminalSize: () => ({ rows: process.stdout.rows || 24, columns: process.stdout.columns || 80 }),
    stdout,
    stderr,
    interrupt: controller.signal,
  };
}
