// Long-lived helper processes (check-attr, update-ref) must keep Node alive while a
// question is waiting for its answer — else a CLI whose only pending work is that answer
// exits with code 0 mid-operation — and must never keep it alive when idle.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

type Refable = { ref?: () => void; unref?: () => void };

export function holdWhileBusy(child: ChildProcessWithoutNullStreams, busy: boolean): void {
  for (const h of [child, child.stdout, child.stdin, child.stderr] as unknown as Refable[]) {
    if (busy) h.ref?.();
    else h.unref?.();
  }
}

/** An idle process ends after this long (and starts again on the next question). */
const IDLE_MS = 5000;

/** Every question answered: lets go of Node and (re)starts the idle timer that ends the process. */
export function idleAfterAnswers(child: ChildProcessWithoutNullStreams, timer: NodeJS.Timeout | undefined, end: () => void): NodeJS.Timeout {
  holdWhileBusy(child, false);
  if (timer) clearTimeout(timer);
  const t = setTimeout(end, IDLE_MS);
  t.unref();
  return t;
}
