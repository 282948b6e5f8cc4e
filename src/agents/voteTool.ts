// The consensus voter's `vote {choice, rationale}` tool. With `choices`, the choice is an
// enum (the model sees the allowed values in the schema and a wrong one is refused with
// them listed). A voter votes once; the ballot is handed to `onVote`.
import { betaZodTool } from '@anthropic-ai/sdk/helpers/beta/zod';
import { ToolError } from '@anthropic-ai/sdk/lib/tools/ToolError';
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import { z } from 'zod';

export const VOTE_TOOL_NAME = 'vote';

export interface VoteInput {
  readonly choice: string;
  readonly rationale: string;
}

export interface VoteToolOptions {
  /** Allowed choices; free text (trimmed) when absent. */
  readonly choices?: readonly string[];
  readonly onVote: (vote: VoteInput) => void;
}

export function createVoteTool(opts: VoteToolOptions): BetaRunnableTool<VoteInput> {
  let voted: VoteInput | undefined;
  const choices = opts.choices?.length ? ([...opts.choices] as [string, ...string[]]) : undefined;
  const choice = choices
    ? z.enum(choices).describe(`Your answer: exactly one of ${choices.map((c) => JSON.stringify(c)).join(', ')}.`)
    : z.string().min(1).describe('Your answer, as short as it can be (a word or a phrase); equal answers are counted together.');
  const inputSchema = z.object({
    choice,
    rationale: z.string().min(1).describe('Why, in a few sentences: what you looked at and what decided it.'),
  });
  return betaZodTool({
    name: VOTE_TOOL_NAME,
    description:
      'Cast your vote on the question of this task. Call it exactly once, when you have decided; ' +
      'the votes of all voters are tallied and the majority decides.',
    inputSchema,
    run: async (input) => {
      if (voted) throw new ToolError(`You already voted ${JSON.stringify(voted.choice)}; a voter votes once.`);
      const v: VoteInput = { choice: input.choice.trim().replace(/\s+/g, ' '), rationale: input.rationale.trim() };
      if (!v.choice) throw new ToolError('The choice is empty; give your answer in `choice`.');
      voted = v;
      opts.onVote(v);
      return `Your vote for ${JSON.stringify(v.choice)} is recorded. You are done.`;
    },
  }) as BetaRunnableTool<VoteInput>;
}
