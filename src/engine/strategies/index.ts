// Merge strategies beyond additive: competitive attempts, consensus votes (aggregates
// run in taskExecutors.ts). See ARCHITECTURE.md "Merge strategies".
export { runCompetitive } from './competitive';
export { runConsensus, undecidedReason, voterModel } from './consensus';
export { chooseAttempt, type ChooseAttemptResult } from './chooseAttempt';
export { parseScore, pickWinner, compareAttempts, tallyVotes, renderVoteOutput, topByCommand, type WinnerChoice } from './scoring';
export { leftOutLines, strategyJson, strategyLines } from './report';
