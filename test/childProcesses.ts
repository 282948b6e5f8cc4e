// The child processes of this process, read from /proc (Linux): for tests that check a
// component ended the processes it started (the runs' `git cat-file --batch` readers).
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** The pids of this process's live children whose argv[1] is `subcommand` (`git cat-file …`: 'cat-file'). */
export function childrenRunning(subcommand: string): Set<number> {
  const out = new Set<number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ')'.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== process.pid || state === 'Z') continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0')[1] === subcommand) out.add(Number(name));
    } catch {
      // gone between the listing and the read
    }
  }
  return out;
}

/** Whether the process is still running (a zombie, ended but not yet reaped, is not). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Samples the children running `subcommand` that were not running at the start, until stop(). */
export function watchChildren(subcommand: string): { readonly seen: ReadonlySet<number>; stop(): number[] } {
  const baseline = childrenRunning(subcommand);
  const seen = new Set<number>();
  const sample = () => {
    for (const pid of childrenRunning(subcommand)) if (!baseline.has(pid)) seen.add(pid);
  };
  const timer = setInterval(sample, 25);
  return {
    seen,
    stop: () => {
      clearInterval(timer);
      sample();
      return [...seen];
    },
  };
}

/** Resolves once none of `pids` runs; rejects naming those still running after `timeoutMs` (a kill takes a moment to land). */
export async function whenEnded(pids: readonly number[], timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const left = pids.filter(isRunning);
    if (!left.length) return;
    if (Date.now() > end) throw new Error(`still running ${timeoutMs} ms later: ${left.map((p) => `pid ${p}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const procAvailable = (): boolean => process.platform === 'linux' && existsSync('/proc/self/stat');
