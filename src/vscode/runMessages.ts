// What the end of a run says, in one notification: the status, the tasks by outcome, the
// speedup (only for a run that succeeded: a cancelled run's "speedup" means nothing) and
// why it stopped, as sentences. Pure.
import { inVsCodeWords } from './applyMessages';
import { DEMO_LABEL } from './demoMode';
import { formatSpeedup } from './format';

export interface FinishedTask {
  readonly id?: string;
  readonly status: string;
  readonly kind: string;
  readonly error?: string;
  readonly strategy?: { readonly votes?: { readonly undecided?: string; readonly allowUndecided?: boolean } };
}

export interface FinishedRun {
  readonly runId: string;
  readonly status: string;
  readonly tasks: readonly FinishedTask[];
  /** The plan's headline speedup (under the concurrency cap). */
  readonly expectedSpeedup?: number;
  readonly stopReason?: string;
  readonly modelSource?: 'anthropic' | 'vscode';
  /** The run's model as the user knows it ("VS Code · GPT-4o (copilot/gpt-4o)"). */
  readonly modelLabel?: string;
}

/** Outcomes in the order a reader wants them. */
const ORDER = ['succeeded', 'undecided', 'failed', 'cancelled', 'skipped', 'interrupted', 'running', 'queued'];

const sentence = (s: string) => {
  const t = s.trim();
  if (!t) return '';
  const c = t[0]?.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(c) ? c : `${c}.`;
};

export function taskCounts(tasks: FinishedRun['tasks']): string {
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const rank = (s: string) => (ORDER.includes(s) ? ORDER.indexOf(s) : ORDER.length);
  return [...counts].sort((a, b) => rank(a[0]) - rank(b[0])).map(([s, n]) => `${n} ${s}`).join(', ');
}

export function runFinishedMessage(run: FinishedRun, measured: { readonly speedup: number } | undefined, demo: boolean): string {
  const agents = run.tasks.some((t) => t.kind !== 'command');
  const who =
    demo && agents ? ` (agents: ${DEMO_LABEL})`
    : agents && run.modelSource === 'vscode' && run.modelLabel ? ` on ${run.modelLabel}`
    : '';
  const how = run.status === 'cancelled' ? 'was cancelled' : run.status === 'undecided' ? 'ended undecided' : run.status;
  let text = `Parallel Agents: run ${run.runId} ${how}${who}: ${taskCounts(run.tasks) || 'no tasks'}.`;
  if (run.status === 'succeeded' && measured) {
    text += ` Measured speedup ${formatSpeedup(measured.speedup)}${run.expectedSpeedup ? ` (expected ${formatSpeedup(run.expectedSpeedup)})` : ''}.`;
  }
  for (const t of run.tasks) if (t.status === 'undecided') text += ` ${undecidedSentence(t)}`;
  if (run.stopReason) text += ` ${sentence(inVsCodeWords(run.stopReason))}`;
  if (agents && !demo && run.modelSource === 'vscode') text += " Cost unknown: VS Code's models are used on their provider's terms.";
  return text;
}

/** 'Task "pick" did not decide: a tie between A and B (2 votes each).' */
function undecidedSentence(t: FinishedTask): string {
  const why = t.strategy?.votes?.undecided ?? t.error?.replace(/^did not decide: /, '').split(';')[0];
  const ran = t.strategy?.votes?.allowUndecided ? ' (its dependents ran: allowUndecided)' : '';
  return sentence(`Task "${t.id ?? '?'}" did not decide${why ? `: ${why}` : ''}${ran}`);
}
