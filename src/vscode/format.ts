// Short human formats for the status bar, tree descriptions and tooltips. Pure.
import type { AttemptRecord, Ballot, CompetitiveOutcome, ScoreSource, StrategyOutcome, VoteOutcome } from '../core';

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatTokens(n: number): string {
  if (n < 1000) return `${n} tok`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k tok`;
  return `${(n / 1_000_000).toFixed(1)}M tok`;
}

export function formatCost(usd: number): string {
  if (usd <= 0) return '$0';
  if (usd < 0.01) return '<$0.01';
  return `$${usd.toFixed(2)}`;
}

/**
 * `2.00×`, as the CLI writes it (contract C6). The same as core/plan's formatSpeedup (a
 * unit test checks): importing that would load the planner at activation.
 */
export function formatSpeedup(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}×` : '–';
}

/** A local time for messages and tooltips: "14:05" today, "3 Dec, 14:05" another day; never ISO. */
export function formatClock(ms: number, now: number = Date.now()): string {
  const d = new Date(ms);
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === new Date(now).toDateString() ? time : `${d.toLocaleDateString([], { day: 'numeric', month: 'short' })}, ${time}`;
}

export interface RunCounts {
  readonly running: number;
  readonly queued: number;
  readonly conflicts: number;
}

/** Status bar text: codicons plus the counts that are not zero, or the idle state. */
export function statusBarText(c: RunCounts): string {
  const parts: string[] = [];
  if (c.running) parts.push(`$(sync~spin) ${c.running} running`);
  if (c.queued) parts.push(`$(clock) ${c.queued} queued`);
  if (c.conflicts) parts.push(`$(warning) ${c.conflicts} conflict${c.conflicts === 1 ? '' : 's'}`);
  return parts.length ? parts.join('  ') : '$(layers) Agents: idle';
}

export function statusBarTooltip(c: RunCounts): string {
  if (!c.running && !c.queued && !c.conflicts) return 'Parallel Agents: no run in progress. Click to open the Agents view.';
  return `Parallel Agents: ${c.running} running, ${c.queued} queued, ${c.conflicts} unresolved conflict${c.conflicts === 1 ? '' : 's'}. Click to open the Agents view.`;
}

export interface TaskLine {
  readonly status: string;
  readonly ms?: number;
  readonly startedAt?: number;
  readonly tokens: { input: number; output: number; cacheRead: number; cacheWrite: number };
  readonly costUsd: number;
  readonly currentTool?: string;
  readonly changedCount?: number;
  readonly error?: string;
  readonly reason?: string;
}

/** Statuses the icon alone does not make plain: their word leads the description. */
const SAID_FIRST = new Set(['failed', 'cancelled', 'skipped', 'undecided', 'interrupted']);

/**
 * The Agents view's description of a task, for the default sidebar width (~30 characters
 * show): the status when the icon is not enough, the elapsed time, then the current tool
 * (running) or the files changed (succeeded) or why it failed. Tokens and cost are in the
 * tooltip (taskTooltipLines).
 */
export function taskDescription(t: TaskLine, now: number): string {
  const parts: string[] = [];
  if (t.status === 'queued') return 'queued';
  if (SAID_FIRST.has(t.status)) parts.push(t.status);
  const elapsed = elapsedOf(t, now);
  if (elapsed !== undefined && t.status !== 'skipped') parts.push(formatDuration(elapsed));
  if (t.status === 'running' && t.currentTool) parts.push(t.currentTool);
  if (t.status === 'succeeded' && t.changedCount !== undefined) parts.push(`${t.changedCount} file${t.changedCount === 1 ? '' : 's'}`);
  if (t.status === 'failed' && (t.error ?? t.reason)) parts.push(firstLine(t.error ?? t.reason ?? ''));
  if (t.status === 'skipped' && t.reason) parts.push(firstLine(t.reason));
  return parts.join(' · ');
}

/** The tooltip's plain lines for what the description leaves out. */
export function taskTooltipLines(t: TaskLine, now: number): string[] {
  const lines: string[] = [];
  const elapsed = elapsedOf(t, now);
  const time = elapsed !== undefined ? ` ${t.status === 'running' ? 'for' : 'in'} ${formatDuration(elapsed)}` : '';
  lines.push(`Status: ${t.status}${time}${t.status === 'running' && t.currentTool ? `, now ${t.currentTool}` : ''}`);
  const tok = t.tokens;
  if (tok.input + tok.output + tok.cacheRead + tok.cacheWrite > 0) {
    lines.push(`Tokens: ${tok.input} in · ${tok.output} out · ${tok.cacheRead} cache read · ${tok.cacheWrite} cache write — ${formatCost(t.costUsd)}`);
  } else if (t.costUsd > 0) lines.push(`Cost: ${formatCost(t.costUsd)}`);
  if (t.changedCount !== undefined) lines.push(`Changed ${t.changedCount} file${t.changedCount === 1 ? '' : 's'}`);
  return lines;
}

function elapsedOf(t: TaskLine, now: number): number | undefined {
  return t.ms ?? (t.startedAt !== undefined && t.status === 'running' ? now - t.startedAt : undefined);
}

function firstLine(s: string): string {
  const l = s.split('\n')[0] ?? '';
  return l.length > 80 ? l.slice(0, 79) + '…' : l;
}

/** Sum of task durations ÷ wall clock: the speedup the run achieved (needs two tasks that ran). */
export function measuredSpeedup(tasks: readonly { ms?: number }[], wallMs: number): { speedup: number; workMs: number; wallMs: number } | undefined {
  const workMs = tasks.reduce((s, t) => s + (t.ms ?? 0), 0);
  if (wallMs <= 0 || workMs <= 0 || tasks.filter((t) => (t.ms ?? 0) > 0).length < 2) return undefined;
  return { speedup: workMs / wallMs, workMs, wallMs };
}

// Merge strategies: competitive attempts, consensus ballots, aggregates.

const SCORE_SOURCE: Record<ScoreSource, string> = { command: 'score command', 'exit-code': 'exit code', judge: 'judge', none: 'not scored' };
const round = (n: number) => String(Math.round(n * 100) / 100);
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** An attempt's score and where it came from: "score 6 (score command)", "passed (exit code)". */
export function attemptScore(a: Pick<AttemptRecord, 'score' | 'scoreSource' | 'status' | 'qualified'>): string {
  if (a.score !== null) return `score ${round(a.score)} (${SCORE_SOURCE[a.scoreSource]})`;
  if (a.scoreSource === 'exit-code') return 'passed (exit code)';
  if (a.status === 'succeeded' && !a.qualified) return 'disqualified';
  return 'not scored';
}

/** "★ Attempt 3" for the task's result, "Attempt 1" otherwise. */
export function attemptLabel(a: Pick<AttemptRecord, 'attempt' | 'winner'>): string {
  return `${a.winner ? '★ ' : ''}Attempt ${a.attempt}`;
}

/** model · status (unless succeeded) · score · files. */
export function attemptDescription(a: AttemptRecord): string {
  const parts = [a.model ?? 'command'];
  if (a.status !== 'succeeded') parts.push(a.status);
  parts.push(attemptScore(a));
  if (a.status === 'succeeded') parts.push(plural(a.changed.length, 'file'));
  return parts.join(' · ');
}

/** Plain-text lines: status, score and its source, the judge's verdict, the diff, why it is or is not the result. */
export function attemptTooltip(a: AttemptRecord, outcome: Pick<CompetitiveOutcome, 'decidedBy'>): string {
  const lines = [`Attempt ${a.attempt} (${a.model ?? 'command'}): ${a.status}${a.ms > 0 ? ` in ${formatDuration(a.ms)}` : ''}${a.costUsd > 0 ? `, ${formatCost(a.costUsd)}` : ''}`];
  const source = a.scoreSource === 'none' ? '' : `, from the ${SCORE_SOURCE[a.scoreSource]}`;
  lines.push(`Score: ${a.score !== null ? round(a.score) : a.scoreSource === 'exit-code' ? 'passed' : 'none'}${source}${a.scoreNote ? ` — ${a.scoreNote}` : ''}`);
  if (a.judge) lines.push(`Judge: ranked #${a.judge.rank}, ${round(a.judge.score)}/10 — ${a.judge.reason}`);
  if (a.error) lines.push(`Error: ${a.error}`);
  if (a.status === 'succeeded') lines.push(`Changed ${plural(a.changed.length, 'file')}, ${plural(a.diffLines, 'line')}`);
  if (a.winner) lines.push(`★ The task's result: ${outcome.decidedBy}`);
  else if (a.status === 'succeeded' && a.resultCommit) lines.push('"Choose Attempt…" makes it the task\'s result.');
  return lines.join('\n');
}

/** A vote's outcome in a few words: "MIT (4 of 5)", "TIE MIT = Apache-2.0", "no decision". */
export function voteSummary(v: Pick<VoteOutcome, 'tally' | 'decision' | 'tie' | 'tied'>): string {
  const total = Object.values(v.tally).reduce((s, n) => s + n, 0);
  if (v.decision !== null) return `${v.decision} (${round(v.tally[v.decision] ?? 0)} of ${round(total)})`;
  if (v.tie) return `TIE ${v.tied.join(' = ')}`;
  return 'no decision';
}

/** What the task's description adds for its strategy: the winner, the vote, the aggregate. */
export function strategyDescription(s: StrategyOutcome | undefined): string {
  if (!s) return '';
  const parts: string[] = [];
  const c = s.competitive;
  if (c) parts.push(c.winner !== null ? `★ attempt ${c.winner} of ${c.attempts.length}${c.chosenByUser ? ' (chosen)' : ''}` : `no winner of ${c.attempts.length}`);
  if (s.votes) parts.push(`vote: ${voteSummary(s.votes)}`);
  if (s.aggregate) parts.push(`${s.aggregate.mode} of ${s.aggregate.from.length}`);
  return parts.join(' · ');
}

/** Markdown paragraphs for the task's tooltip: how the winner was decided, the tally and decision, an aggregate's sources. */
export function strategyTooltip(s: StrategyOutcome | undefined): string[] {
  if (!s) return [];
  const out: string[] = [];
  const c = s.competitive;
  if (c) {
    out.push(`**Competitive** (${plural(c.attempts.length, 'attempt')}): ${c.winner !== null ? `attempt ${c.winner} is the result` : 'no winner'} — ${escapeMarkdown(c.decidedBy)}`);
  }
  const v = s.votes;
  if (v) {
    const head = v.decision !== null ? `decision **${escapeMarkdown(v.decision)}**${v.majority ? ' (a majority)' : ' (the most votes, no majority)'}` : v.tie ? `**TIE** between ${v.tied.map(escapeMarkdown).join(' and ')}: no decision` : 'no decision (nobody voted)';
    const tally = Object.entries(v.tally).map(([k, n]) => `${escapeMarkdown(k)} ${round(n)}`).join(', ') || 'no votes';
    out.push(`**Consensus** (${plural(v.ballots.length, 'voter')}): ${head}; tally${v.weighted ? ' (weighted)' : ''}: ${tally}`);
  }
  const g = s.aggregate;
  if (g) out.push(`**Aggregate** (${g.mode}) of ${g.from.map((f) => `\`${f}\``).join(', ')}${g.into ? ` into \`${g.into}\`` : ''}`);
  return out;
}

/** "model · MIT", "model ×2 · no vote". */
export function ballotDescription(b: Ballot, weighted: boolean): string {
  return `${b.model}${weighted ? ` ×${round(b.weight)}` : ''} · ${b.choice ?? 'no vote'}`;
}

/** Plain text: the voter, the choice and the rationale (or why there is no vote). */
export function ballotTooltip(b: Ballot): string {
  const head = `Voter ${b.voter} (${b.model}): ${b.choice ?? 'no vote'}`;
  if (b.choice === null) return `${head}\n${b.error ?? 'did not vote'}`;
  return b.rationale ? `${head}\n${b.rationale.length > 500 ? b.rationale.slice(0, 499) + '…' : b.rationale}` : head;
}

function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|]/g, '\\$&');
}
