// What a CLI command may touch of its process: passed in, so commands run in tests
// without spawning a process.
export interface CliIO {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Whether stdout is an interactive terminal (live status lines) or a pipe (plain lines). */
  readonly isTTY: boolean;
  /** The terminal's size now, when stdout is one (the live view fits its frames to it). */
  terminalSize?(): { readonly rows: number; readonly columns: number };
  stdout(text: string): void;
  stderr(text: string): void;
  /** Fires on Ctrl-C. */
  readonly interrupt: AbortSignal;
}

/** Exit codes: 0 ok, 1 invalid task file / failed task / unresolved conflict, 2 usage. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A command: parsed argv after the command name, returns the exit code. */
export type CliCommand = (argv: string[], io: CliIO) => Promise<number>;

/** A user-facing failure: printed as is (no stack trace) with the given exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
  }
}
