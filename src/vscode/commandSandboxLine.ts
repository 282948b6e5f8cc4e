// The run tooltip's line saying where agents' commands ran (the run record's `commandSandbox`),
// so that a run on the worktree fallback says so, with the reason, where the user looks.
import type { RunSnapshot } from './runSnapshot';

export function commandSandboxLine(cs: RunSnapshot['commandSandbox']): string | undefined {
  if (!cs) return undefined;
  if (cs.mode === 'namespaces') return "Agents' commands: in the sandbox (copy-on-write views, no network unless a task allows it)";
  return `Agents' commands: in per-task git worktrees, not isolated from the machine (${cs.reason ?? 'the sandbox is not available'})`;
}
