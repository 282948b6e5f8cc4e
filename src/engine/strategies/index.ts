// Merge strategies beyond additive: competitive attempts, consensus votes. Which one runs
// a task is decided in registry.ts; the kinds' own executors are in ../executors.
export { runCompetitive } from './competitive';
export { runConsensus, undecidedReason, voterModel } from './consensus';
export { chooseAttempt, chooseAttemptOf, type ChooseAttemptResult } from './chooseAttempt';
export { parseScore, pickWinner, compareAttempts, tallyVotes, renderVoteOutput, topByCommand, type WinnerChoice } from './scoring';
export { leftOutLines, strategyJson, strategyLines } from './report';
