// Scripted turns for the four-step example's agents, served by the fake Messages API.
// Used by the engine's integration tests, the CLI test and the benchmarks.
import type { FakeScript } from '../../fake-anthropic';

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

export function fourStepScript(): FakeScript {
  return {
    tests: [
      { toolCalls: [{ name: 'read_file', input: { path: 'src/slugify.js' } }] },
      {
        toolCalls: [
          // Outside what the task owns: refused as a tool error, the task goes on.
          { name: 'write_file', input: { path: 'docs/api.md', content: 'overwritten' } },
          { name: 'write_file', input: { path: 'test/slugify.test.js', content: TEST_FILE } },
        ],
      },
      { text: TESTS_SUMMARY },
    ],
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
