// Scripted turns for examples/strategies, served by the fake Messages API. Attempts,
// voters and the judge are told apart by their "Task id: <task>#<n>" line.
import type { FakeScript, FakeTurn } from '../../fake-anthropic';

export const BUGS_REVIEW = '- clamp ignores max: clamp(11, 0, 10) is 11.\n- min > max is not refused.';
export const STYLE_REVIEW = '- The nested condition hides the max case; use Math.min/Math.max.';
export const SUMMARY = 'Both reviews: clamp must honour max and refuse min > max; write it with Math.min/Math.max.';

/** Passes 5 of 6 cases (no RangeError). */
export const CLAMP_GOOD = `'use strict';\n\n/** Clamps \`value\` into [min, max]. */\nfunction clamp(value, min, max) {\n  return Math.min(Math.max(value, min), max);\n}\n\nmodule.exports = { clamp };\n`;
/** Passes 4 of 6 cases: only a comment changed. */
export const CLAMP_SAME = `'use strict';\n\n/** Clamps \`value\` into [min, max] (see the tests). */\nfunction clamp(value, min, max) {\n  return value < min ? min : value;\n}\n\nmodule.exports = { clamp };\n`;
/** Passes all 6. */
export const CLAMP_BEST =
  `'use strict';\n\n/** Clamps \`value\` into [min, max]; min > max is a RangeError. */\nfunction clamp(value, min, max) {\n` +
  `  if (min > max) throw new RangeError(\`min (\${min}) is greater than max (\${max})\`);\n  return Math.min(Math.max(value, min), max);\n}\n\nmodule.exports = { clamp };\n`;
/** Does not even load. */
export const CLAMP_BROKEN = `'use strict';\nfunction clamp(value, min, max {\n`;

export const write = (path: string, content: string, extra: Partial<FakeTurn> = {}): FakeTurn => ({
  toolCalls: [{ name: 'write_file', input: { path, content } }],
  ...extra,
});
export const vote = (choice: string, rationale: string): FakeTurn[] => [{ toolCalls: [{ name: 'vote', input: { choice, rationale } }] }];

export function strategiesScript(): FakeScript {
  return {
    'review-bugs': [{ text: BUGS_REVIEW }],
    'review-style': [{ text: STYLE_REVIEW }],
    'review-summary': [{ text: SUMMARY }],
    // The best attempt is the slowest: the winner is not the first to finish.
    'clamp#1': [write('src/clamp.js', CLAMP_GOOD), { text: 'Used Math.min/Math.max.' }],
    'clamp#2': [write('src/clamp.js', CLAMP_SAME, { delayMs: 100 }), { text: 'Documented clamp.' }],
    'clamp#3': [write('src/clamp.js', CLAMP_BEST, { delayMs: 900 }), { text: 'Clamped both ends and refused min > max.' }],
    'tagline#1': [write('docs/tagline.md', 'A library.\n'), { text: 'Wrote a tagline.' }],
    'tagline#2': [write('docs/tagline.md', 'clamp: keep numbers in bounds, nothing more.\n'), { text: 'Wrote a tagline.' }],
    'tagline#judge': [
      {
        toolCalls: [
          {
            name: 'rank_attempts',
            input: {
              ranking: [
                { attempt: 2, score: 8, reason: 'Says what the library does, in few words.' },
                { attempt: 1, score: 3, reason: 'Says nothing about the library.' },
              ],
            },
          },
        ],
      },
    ],
    'license#1': vote('MIT', 'A small utility: the shortest permissive license fits.'),
    'license#2': vote('MIT', 'package.json is private and tiny; MIT is the norm for such libraries.'),
    'license#3': vote('Apache-2.0', 'The patent grant protects users.'),
    'license#4': vote('MIT', 'Permissive and widely understood.'),
    'license#5': vote('MIT', 'Most npm packages use MIT.'),
    'license-file': [write('LICENSE', 'MIT License\n\nCopyright (c) the clamp-example authors\n'), { text: 'Wrote the MIT license, as the vote decided.' }],
  };
}
