// The competitive judge's `rank_attempts {ranking: [{attempt, score, reason}]}` tool: a
// ranked, reasoned verdict as structured data. Every attempt under review must appear
// exactly once; anything else is refused with a message the model can act on.
import { betaZodTool } from '@anthropic-ai/sdk/helpers/beta/zod';
import { ToolError } from '@anthropic-ai/sdk/lib/tools/ToolError';
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import { z } from 'zod';

export const RANK_TOOL_NAME = 'rank_attempts';

export interface RankedAttempt {
  readonly attempt: number;
  readonly score: number;
  readonly reason: string;
}

export interface RankToolOptions {
  /** The attempt numbers under review. */
  readonly attempts: readonly number[];
  readonly onRanking: (ranking: RankedAttempt[]) => void;
}

const inputSchema = z.object({
  ranking: z
    .array(
      z.object({
        attempt: z.number().int().describe('The attempt number, as given in the task.'),
        score: z.number().describe('Your score for it, 0 to 10; higher is better.'),
        reason: z.string().min(1).describe('Why, in one or two sentences.'),
      }),
    )
    .min(1)
    .describe('Every attempt under review, best first.'),
});

type RankInput = z.infer<typeof inputSchema>;

export function createRankAttemptsTool(opts: RankToolOptions): BetaRunnableTool<RankInput> {
  const expected = new Set(opts.attempts);
  return betaZodTool({
    name: RANK_TOOL_NAME,
    description:
      'Give your verdict: rank every attempt under review, best first, each with a score (0-10, higher is better) ' +
      'and the reason. Call it once, when you have compared them.',
    inputSchema,
    run: async ({ ranking }) => {
      const seen = new Set<number>();
      for (const r of ranking) {
        if (!expected.has(r.attempt)) {
          throw new ToolError(`There is no attempt ${r.attempt} under review; rank attempts ${[...expected].join(', ')}.`);
        }
        if (seen.has(r.attempt)) throw new ToolError(`Attempt ${r.attempt} appears twice; rank each attempt once.`);
        seen.add(r.attempt);
      }
      const missing = [...expected].filter((a) => !seen.has(a));
      if (missing.length) throw new ToolError(`The ranking leaves out attempt${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; rank every attempt.`);
      opts.onRanking(ranking.map((r) => ({ attempt: r.attempt, score: r.score, reason: r.reason.trim() })));
      return 'Your ranking is recorded. You are done.';
    },
  }) as BetaRunnableTool<RankInput>;
}
