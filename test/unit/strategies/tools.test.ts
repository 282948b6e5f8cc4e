import * as assert from 'node:assert/strict';
import { createRankAttemptsTool, createVoteTool, type RankedAttempt, type VoteInput } from '../../../src/agents';

/** The JSON Schema the model sees (a union member of BetaRunnableTool without the field in its type). */
const schemaOf = (tool: object) => JSON.stringify((tool as { input_schema?: unknown }).input_schema);

describe('strategies: the rank_attempts tool', () => {
  const make = () => {
    const got: RankedAttempt[][] = [];
    const tool = createRankAttemptsTool({ attempts: [1, 3], onRanking: (r) => got.push(r) });
    return { tool, got };
  };
  it('records a ranking of every attempt under review', async () => {
    const { tool, got } = make();
    const out = await tool.run({ ranking: [{ attempt: 3, score: 9, reason: ' best ' }, { attempt: 1, score: 2, reason: 'worse' }] });
    assert.match(String(out), /recorded/);
    assert.deepEqual(got, [[{ attempt: 3, score: 9, reason: 'best' }, { attempt: 1, score: 2, reason: 'worse' }]]);
  });
  it('refuses an unknown attempt, a duplicate and a missing one, with what to do', async () => {
    const { tool, got } = make();
    await assert.rejects(async () => tool.run({ ranking: [{ attempt: 2, score: 1, reason: 'x' }] }), /no attempt 2 under review; rank attempts 1, 3/);
    await assert.rejects(async () => tool.run({ ranking: [{ attempt: 1, score: 1, reason: 'x' }, { attempt: 1, score: 2, reason: 'y' }] }), /appears twice/);
    await assert.rejects(async () => tool.run({ ranking: [{ attempt: 1, score: 1, reason: 'x' }] }), /leaves out attempt 3/);
    assert.deepEqual(got, []);
  });
  it('its schema is the product contract', () => {
    const schema = schemaOf(createRankAttemptsTool({ attempts: [1], onRanking: () => undefined }));
    for (const key of ['ranking', 'attempt', 'score', 'reason']) assert.ok(schema.includes(`"${key}"`), key);
  });
});

describe('strategies: the vote tool', () => {
  it('restricts the choice to `choices` in the schema', () => {
    const tool = createVoteTool({ choices: ['MIT', 'Apache-2.0'], onVote: () => undefined });
    assert.match(schemaOf(tool), /"enum":\["MIT","Apache-2.0"\]/);
  });
  it('records one vote, trimmed; a second vote is refused', async () => {
    const votes: VoteInput[] = [];
    const tool = createVoteTool({ onVote: (v) => votes.push(v) });
    await tool.run({ choice: '  tabs  please ', rationale: ' because ' });
    await assert.rejects(async () => tool.run({ choice: 'spaces', rationale: 'x' }), /already voted "tabs please"/);
    assert.deepEqual(votes, [{ choice: 'tabs please', rationale: 'because' }]);
  });
});
