// What the merge strategies add to a task's result (competitive attempts, consensus
// votes, aggregate reports). Shared by the engine (which produces it), the journal (which
// keeps it) and the front ends (which show it).
import type { TokenUsage } from './runModel';

/** Where an attempt's score came from. */
export type ScoreSource =
  /** The score command's last printed number. */
  | 'command'
  /** The score command exited 0 but printed no number: it passed, nothing more. */
  | 'exit-code'
  /** The judge agent's ranking. */
  | 'judge'
  /** Not scored (failed, cancelled, or nothing to score with). */
  | 'none';

/** One attempt of a competitive task. */
export interface AttemptRecord {
  /** 1-based. */
  readonly attempt: number;
  /** The model it ran on (null for command tasks). */
  readonly model: string | null;
  status: 'succeeded' | 'failed' | 'cancelled';
  /** Higher is better; null when not scored or disqualified. */
  score: number | null;
  scoreSource: ScoreSource;
  /** How the score came about, or why there is none ("printed no number: scored by exit code alone"). */
  scoreNote?: string;
  /** The judge's verdict on this attempt (when a judge ranked). */
  judge?: { readonly rank: number; readonly score: number; readonly reason: string };
  /** Whether it may win (finished, and passed the score command when there is one). */
  qualified: boolean;
  /** Result commit, at refs/parallel-agents/<run>/extra/<task>/attempts/<attempt>. */
  resultCommit?: string;
  ref?: string;
  /** Workspace-relative paths it changed. */
  changed: string[];
  /** Lines added + deleted (ties go to the smaller diff). */
  diffLines: number;
  winner: boolean;
  output: string;
  error?: string;
  /** Command attempts: files it wrote that git ignores (not in its result). */
  ignoredOutputs?: { readonly count: number; readonly sample: string[] };
  /** Command attempts: paths it wrote outside the workspace folder (not kept). */
  outsideWrites?: string[];
  ms: number;
  tokens: TokenUsage;
  costUsd: number;
}

export interface CompetitiveOutcome {
  readonly attempts: AttemptRecord[];
  /** The winning attempt, or null when none qualified (or the judge failed). */
  winner: number | null;
  /** How the winner was decided, in a sentence. */
  decidedBy: string;
  /** Set when a user picked the winner after the run (chooseAttempt). */
  chosenByUser?: boolean;
}

/** One voter's ballot. */
export interface Ballot {
  /** 1-based. */
  readonly voter: number;
  readonly model: string;
  /** null when the voter did not vote (failed, or answered without the vote tool). */
  readonly choice: string | null;
  readonly rationale: string;
  readonly weight: number;
  readonly error?: string;
}

/** A voter whose agent failed (API errors) on every try: its vote is missing, not an abstention. */
export interface FailedVoter {
  readonly voter: number;
  readonly model: string;
  /** The last try's error. */
  readonly error: string;
  /** How often it was run (the first run and the retry). */
  readonly tries: number;
}

export interface VoteOutcome {
  /** Choice → (weighted) votes, highest first. */
  readonly tally: Record<string, number>;
  /**
   * The winning choice; null when the vote did not decide: a tie, a lead the failed voters'
   * missing votes could overturn, or nobody voted (then `undecided` says which).
   */
  readonly decision: string | null;
  /** Several choices share the highest tally: reported, never broken silently. */
  readonly tie: boolean;
  /** The choices sharing the top on a tie. */
  readonly tied: string[];
  /** Whether `weights` changed how much a vote counts. */
  readonly weighted: boolean;
  /** The decision has more than half of the (weighted) votes cast. */
  readonly majority: boolean;
  readonly ballots: Ballot[];
  /** Why there is no decision, in a sentence ("a tie between A and B (2 votes each)"); absent when decided. */
  readonly undecided?: string;
  /** Voters that failed on every try (absent in journals written before it existed). */
  readonly failedVoters?: FailedVoter[];
  /** The strategy's `allowUndecided`: dependents run on an undecided vote. */
  readonly allowUndecided?: boolean;
}

export interface AggregateOutcome {
  readonly mode: 'concat' | 'summarize';
  /** The collected tasks, in dependency order. */
  readonly from: string[];
  readonly into?: string;
}

/** Strategy details of one task's result (absent for plain additive tasks). */
export interface StrategyOutcome {
  competitive?: CompetitiveOutcome;
  votes?: VoteOutcome;
  aggregate?: AggregateOutcome;
}
