// Scripted turns for the four-step example's agents, served by the fake Messages API.
// Used by the engine's integration tests, the CLI test and the benchmarks.
import type { ConversationView, FakeScript, FakeTurn } from '../../fake-anthropic';

export const TESTS_SUMMARY = 'Covered 6 cases: words, accents, punctuation, separators, empty input, maxLength.';

export const TEST_FILE = `'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { slugify } = require('../src/slugify');

test('words', () => assert.strictEqual(slugify('Hello World'), 'hello-world'));
test('accents', () => assert.strictEqual(slugify('Crème brûlée'), 'creme-brulee'));
test('punctuation', () => assert.strictEqual(slugify('a, b; c!'), 'a-b-c'));
test('separators', () => assert.strictEqual(slugify('a -- b'), 'a-b'));
test('empty', () => assert.strictEqual(slugify(''), ''));
test('maxLength', () => assert.strictEqual(slugify('one two three', { maxLength: 8 }), 'one-two'));
`;

/** The command the tests agent runs on the tests it wrote (the example gives it `commands: true`). */
export const TESTS_COMMAND = 'node --test test/';

/** The text of the last tool result in a conversation (what run_command returned). */
function lastToolResult(view: ConversationView): string {
  const last = view.messages.at(-1) as { content?: unknown } | undefined;
  const blocks = Array.isArray(last?.content) ? (last.content as { type?: string; content?: unknown }[]) : [];
  const result = blocks.filter((b) => b.type === 'tool_result').at(-1)?.content;
  if (typeof result === 'string') return result;
  return Array.isArray(result) ? result.map((b: { text?: string }) => b.text ?? '').join('') : '';
}

/**
 * The tests agent's last turn reports what `node --test` printed (the real counts and exit
 * code from the tool result); nothing is made up: a turn of a test double, not a model.
 */
export function testsReport(view: ConversationView): string {
  const result = lastToolResult(view);
  const count = (name: string) => result.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? '?';
  const exit = result.match(/^Exit code (\d+)/)?.[1];
  const outcome = exit === undefined ? `did not finish (${result.split('\n')[0] ?? 'no result'})` : `${count('pass')} passed, ${count('fail')} failed (exit code ${exit})`;
  return `${TESTS_SUMMARY} Ran \`${TESTS_COMMAND}\`: ${outcome}.`;
}

export function fourStepScript(): FakeScript {
  const tests: FakeTurn[] = [
    { toolCalls: [{ name: 'read_file', input: { path: 'src/slugify.js' } }] },
    {
      toolCalls: [
        // Outside what the task owns: refused as a tool error, the task goes on.
        { name: 'write_file', input: { path: 'docs/api.md', content: 'overwritten' } },
        { name: 'write_file', input: { path: 'test/slugify.test.js', content: TEST_FILE } },
      ],
    },
    { toolCalls: [{ name: 'run_command', input: { command: TESTS_COMMAND } }] },
  ];
  return {
    tests: (view) => tests[view.turn] ?? (view.turn === tests.length ? { text: testsReport(view) } : undefined),
    docs: [
      { toolCalls: [{ name: 'read_file', input: { path: 'docs/api.md' } }] },
      {
        toolCalls: [
          {
            name: 'write_file',
            input: {
              path: 'docs/api.md',
              content:
                '# slugify API\n\n`slugify` turns titles into URL slugs. This page documents its exports.\n\n' +
                '## slugify(text, options?)\n\nReturns a lower-case slug. `options.maxLength` cuts at a word boundary.\n\n' +
                "    slugify('Hello World') // 'hello-world'\n\n## isSlug(text)\n\nWhether `text` is already a slug.\n\n" +
                "    isSlug('hello-world') // true\n",
            },
          },
        ],
      },
      { text: 'Documented slugify and isSlug in docs/api.md.' },
    ],
    changelog: [
      {
        toolCalls: [
          {
            name: 'edit_file',
            input: { path: 'CHANGELOG.md', old_text: '# Changelog\n', new_text: '# Changelog\n\n## Unreleased\n- Unit tests for slugify (6 cases).\n' },
          },
        ],
      },
      { text: 'Added an Unreleased entry about the new tests.' },
    ],
  };
}
