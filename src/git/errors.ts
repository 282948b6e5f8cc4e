// A user-facing failure of the git layer: the message says what happened, where, and
// what to do about it. Callers (CLI, views) print it as is, without a stack trace.
export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(
    message: string,
    /** The git command that failed, when there was one (for logs). */
    readonly command?: readonly string[],
    /** git's own stderr, when there was one. */
    readonly stderr?: string,
    readonly exitCode?: number,
  ) {
    super(message);
  }
}
