// The readable transcript (issue 10 §6: it opened as raw JSON lines with epoch-ms times).
import * as assert from 'node:assert/strict';
import { formatTranscript, parseTranscript } from '../../../src/vscode/transcriptFormat';
import { formatCommandResult } from '../../../src/agents/commandTool';

const T0 = new Date(2026, 2, 3, 14, 5, 0).getTime();
const at = (s: number) => T0 + s * 1000;
const jsonl = (...entries: object[]) => entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
const clock = (ms: number) => new Date(ms).toTimeString().slice(0, 8);
const opts = { title: 'Transcript of docs (run r1)', rawPath: '/repo/.git/parallel-agents/runs/r1/docs.jsonl', clock };

describe('vscode/transcriptFormat', () => {
  it('an agent: the prompt, each turn, tool calls with their inputs and results, local times', () => {
    const { entries, skipped } = parseTranscript(
      jsonl(
        { at: at(0), type: 'system', data: { model: 'claude-x', system: 'You are a careful agent.', tools: ['read_file', 'write_file'] } },
        { at: at(0), type: 'user', data: { text: 'Document isSlug in docs/api.md.' } },
        { at: at(2), type: 'assistant', data: { content: [{ type: 'text', text: 'Reading the API doc first.' }, { type: 'tool_use', id: 't1', name: 'read_file', input: { path: 'docs/api.md' } }], stop_reason: 'tool_use', usage: { input_tokens: 1200, output_tokens: 40 } } },
        { at: at(2), type: 'tool_use', data: { id: 't1', name: 'read_file', input: { path: 'docs/api.md' } } },
        { at: at(3), type: 'tool_result', data: { id: 't1', name: 'read_file', content: '# API\n## slugify(text)', is_error: false } },
        { at: at(5), type: 'tool_use', data: { id: 't2', name: 'write_file', input: { path: 'src/x.js', content: 'const a = "```";\n' } } },
        { at: at(5), type: 'tool_result', data: { id: 't2', name: 'write_file', content: 'path is outside what this task owns', is_error: true } },
        { at: at(9), type: 'event', data: { kind: 'end', status: 'succeeded', stopReason: 'done' } },
      ) + 'not json\n',
    );
    assert.equal(skipped, 1);
    const md = formatTranscript(entries, { ...opts, skipped });
    assert.match(md, /^# Transcript of docs \(run r1\)\n/);
    assert.match(md, /Raw JSONL: `\/repo\/\.git\/parallel-agents\/runs\/r1\/docs\.jsonl` \(Open Raw Transcript\)/);
    assert.match(md, /1 line of the JSONL could not be read/);
    assert.match(md, /## 14:05:00 · Task prompt\n\nDocument isSlug in docs\/api\.md\./);
    assert.match(md, /Model claude-x · tools: read_file, write_file/);
    assert.match(md, /## 14:05:02 · Turn 1 \(1200 in · 40 out tokens\)\n\nReading the API doc first\./);
    assert.match(md, /### 14:05:02 · read_file `docs\/api\.md`\n/);
    assert.match(md, /Result:\n\n```+\n# API\n## slugify\(text\)\n```+/);
    // A fence longer than any backtick run in the content.
    assert.match(md, /### 14:05:05 · write_file `src\/x\.js`\n\n````\nconst a = "```";\n````/);
    assert.match(md, /\*\*Error:\*\*\n\n```+\npath is outside what this task owns\n```+/);
    assert.match(md, /## 14:05:09 · Ended: succeeded \(done\) after 9s/);
    assert.doesNotMatch(md, /\b1\d{12}\b/, 'no epoch milliseconds');
  });

  it('a command: the command, its output merged into blocks (stdout and stderr apart), the exit', () => {
    const { entries } = parseTranscript(
      jsonl(
        { at: at(0), type: 'event', data: { kind: 'start', command: 'node scripts/lint.js > reports/lint.txt', cwd: '/repo' } },
        { at: at(1), type: 'stdout', data: 'line 1\n' },
        { at: at(1), type: 'stdout', data: 'line 2\n' },
        { at: at(2), type: 'stderr', data: 'warning: x\n' },
        { at: at(3), type: 'event', data: { kind: 'end', status: 'failed', exitCode: 2, error: 'exited with code 2' } },
      ),
    );
    const md = formatTranscript(entries, opts);
    assert.match(md, /## 14:05:00 · Command\n\n```sh\nnode scripts\/lint\.js > reports\/lint\.txt\n```\n\nIn `\/repo`/);
    assert.match(md, /### 14:05:01 · Output\n\n```+\nline 1\nline 2\n```+/);
    assert.match(md, /### 14:05:02 · stderr\n\n```+\nwarning: x\n```+/);
    assert.match(md, /## 14:05:03 · Ended: failed \(exit code 2\) after 3s\n\nexited with code 2/);
  });

  it('run_command: the command in the heading, its exit code and time in bold, output and changed files in a block', () => {
    const result = formatCommandResult(
      { exitCode: 1, timedOut: false, cancelled: false, wallMs: 800, output: 'not ok 1 - words\n# fail 1\n', outputBytes: 24, changes: [] },
      [],
      [{ change: { path: 'docs/x.md', kind: 'delete' }, reason: 'outside what this task owns' }],
      120_000,
    );
    const { entries } = parseTranscript(
      jsonl(
        { at: at(1), type: 'tool_use', data: { id: 'c1', name: 'run_command', input: { command: 'node --test test/' } } },
        { at: at(2), type: 'tool_result', data: { id: 'c1', name: 'run_command', content: result, is_error: false } },
      ),
    );
    const md = formatTranscript(entries, opts);
    assert.match(md, /### 14:05:01 · run_command `node --test test\/`\n/);
    assert.match(md, /\*\*Exit code 1 \(0\.8 s\)\.\*\*\n\n```+\nOutput:\nnot ok 1 - words\n# fail 1\n/);
    assert.match(md, /NOT kept \(1\)[^\n]*\n- deleted docs\/x\.md: outside what this task owns\n```/);
  });
  it('names the part of a strategy task each entry belongs to (attempt, voter, judge)', () => {
    const { entries } = parseTranscript(
      jsonl(
        { at: at(0), type: 'user', data: { attempt: 2, text: 'Fix clamp.' } },
        { at: at(1), type: 'stdout', data: { voter: 1, value: 'x\n' } },
        { at: at(2), type: 'event', data: { aggregate: 'concat', from: ['a', 'b'], into: 'c.md' } },
      ),
    );
    const md = formatTranscript(entries, opts);
    assert.match(md, /## 14:05:00 · Attempt 2 · Task prompt/);
    assert.match(md, /### 14:05:01 · Voter 1 · Output/);
    assert.match(md, /## 14:05:02 · Aggregate \(concat\) of a, b into c\.md/);
  });

  it('cuts a very long text, saying how much is left in the raw JSONL', () => {
    const long = Array.from({ length: 500 }, (_, i) => `l${i}`).join('\n');
    const md = formatTranscript(parseTranscript(jsonl({ at: at(0), type: 'tool_result', data: { id: 'x', name: 'read_file', content: long, is_error: false } })).entries, opts);
    assert.match(md, /l199\n… 300 more lines \(see the raw JSONL\)/);
    assert.doesNotMatch(md, /l200\n/);
  });
});
