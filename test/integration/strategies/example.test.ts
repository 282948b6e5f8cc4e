import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { captureIO } from '../../unit/cli/helpers';
import { exampleRepo, git } from '../engine/fixture';
import { BUGS_REVIEW, CLAMP_BEST, STYLE_REVIEW, SUMMARY, strategiesScript } from './script';

interface JsonTask {
  id: string;
  status: string;
  output: string;
  resultCommit?: string;
  error?: string;
  attempts?: Array<{ attempt: number; model: string | null; status: string; score: number | null; scoreSource: string; scoreNote?: string; resultCommit: string | null; winner: boolean; qualified: boolean; ms: number; judge?: { rank: number; score: number; reason: string } }>;
  winner?: number | null;
  decidedBy?: string;
  votes?: { tally: Record<string, number>; decision: string | null; tie: boolean; weighted: boolean; majority: boolean; ballots: Array<{ voter: number; model: string; choice: string | null; rationale: string }> };
  aggregate?: { mode: string; from: string[]; into: string | null };
}

describe('strategies: examples/strategies end to end (real SDK, fake API over HTTP, real git, CLI --json)', function () {
  this.timeout(90_000);
  let fake: FakeAnthropic;
  let repo: ReturnType<typeof exampleRepo>;
  before(async () => {
    fake = await startFakeAnthropic({ script: strategiesScript(), latencyMs: 20, apiKey: 'test-key' });
    repo = exampleRepo('strategies');
  });
  after(async () => {
    await fake.close();
    repo.cleanup();
  });

  let j: { runId: string; status: string; tasks: JsonTask[]; overlaps: Array<{ path: string; tasks: string[]; conflicting: boolean }>; conflicts: unknown[]; applied: { files: string[] } | null };
  let task: (id: string) => JsonTask;
  const show = (commit: string, file: string) => git(repo.dir, 'show', `${commit}:${file}`);

  before(async () => {
    const io = captureIO(repo.dir, { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: fake.baseURL, PARALLEL_AGENTS_MAX_RETRIES: '0' });
    const code = await main(['run', repo.dir, '--json', '--apply'], io);
    j = JSON.parse(io.out);
    assert.equal(code, 0, `${io.err}\n${io.out}`);
    task = (id) => j.tasks.find((t) => t.id === id) as JsonTask;
  });

  it('every task succeeded and was applied', () => {
    assert.equal(j.status, 'succeeded');
    assert.deepEqual(j.tasks.filter((t) => t.status !== 'succeeded').map((t) => [t.id, t.error]), []);
    assert.deepEqual(j.conflicts, []);
  });

  it('concat: both reviews under their headings, in dependency order, in the report file and the output', () => {
    const t = task('review-report');
    assert.equal(t.output, `## review-bugs\n\n${BUGS_REVIEW}\n\n## review-style\n\n${STYLE_REVIEW}\n`);
    assert.deepEqual(t.aggregate, { mode: 'concat', from: ['review-bugs', 'review-style'], into: 'reports/review.md' });
    assert.equal(show(t.resultCommit!, 'reports/review.md'), `# Review report\n\n${t.output}`);
    // No model call for a concat.
    assert.ok(!fake.requests.some((r) => r.taskId === 'review-report'));
  });

  it('summarize: an agent whose prompt carries the outputs; its answer is the output and the report file', () => {
    const t = task('review-summary');
    assert.equal(t.output, SUMMARY);
    assert.deepEqual(t.aggregate, { mode: 'summarize', from: ['review-bugs', 'review-style'], into: 'reports/summary.md' });
    const req = fake.requests.find((r) => r.taskId === 'review-summary')!;
    assert.ok(req.systemText.includes(BUGS_REVIEW) && req.systemText.includes(STYLE_REVIEW), 'the outputs are in the prompt');
    assert.ok(req.systemText.indexOf('## Task review-bugs') < req.systemText.indexOf('## Task review-style'));
    assert.equal(show(t.resultCommit!, 'reports/summary.md'), `# Review summary\n\n${SUMMARY}\n`);
  });

  it('competitive with a score command: the best attempt wins although it finished last', () => {
    const t = task('clamp');
    const a = t.attempts!;
    assert.deepEqual(
      a.map((x) => [x.attempt, x.status, x.score, x.scoreSource, x.winner]),
      [
        [1, 'succeeded', 5, 'command', false],
        [2, 'succeeded', 4, 'command', false],
        [3, 'succeeded', 6, 'command', true],
      ],
    );
    assert.equal(t.winner, 3);
    assert.match(t.decidedBy!, /score command: attempt 3 scored 6 \(next best: attempt 1, 5\)/);
    // Attempt 3 was the last to finish (its first reply came 900 ms late).
    const lastReply = (id: string) => Math.max(...fake.requests.filter((r) => r.taskId === id).map((r) => r.at));
    assert.ok(lastReply('clamp#3') > lastReply('clamp#1') && lastReply('clamp#3') > lastReply('clamp#2'));
    // The winner's commit is the task's result, under the task ref; the others stay reviewable.
    const winner = a[2]!.resultCommit!;
    assert.equal(t.resultCommit, winner);
    assert.equal(git(repo.dir, 'rev-parse', `refs/parallel-agents/${j.runId}/tasks/clamp`).trim(), winner);
    for (const x of a) assert.equal(git(repo.dir, 'rev-parse', `refs/parallel-agents/${j.runId}/extra/clamp/attempts/${x.attempt}`).trim(), x.resultCommit);
    assert.match(t.output, /^\[Attempt 3 of 3 won: /);
    // The three attempts all changed src/clamp.js: not an overlap, only the winner is analysed.
    assert.deepEqual(j.overlaps.filter((o) => o.path === 'src/clamp.js'), []);
    // Applied: the winner's file is in the working tree.
    assert.equal(readFileSync(path.join(repo.dir, 'src/clamp.js'), 'utf8'), CLAMP_BEST);
    // Each attempt had its own id in the system prompt and the models default to the task's.
    for (const n of [1, 2, 3]) assert.ok(fake.requests.some((r) => r.taskId === `clamp#${n}` && /Attempt \d of 3/.test(r.systemText)));
    // One transcript for the task, each entry tagged with its attempt (and the score runs).
    const lines = readFileSync(path.join(repo.dir, '.git/parallel-agents/runs', j.runId, 'clamp.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: { attempt?: number; score?: boolean } });
    assert.deepEqual([...new Set(lines.map((l) => l.data.attempt))].sort(), [1, 2, 3]);
    assert.ok(lines.some((l) => l.data.score === true && l.type === 'stdout'));
  });

  it('competitive with a judge: a ranked, reasoned verdict picks the winner', () => {
    const t = task('tagline');
    assert.equal(t.winner, 2);
    assert.deepEqual(
      t.attempts!.map((x) => [x.attempt, x.score, x.scoreSource, x.judge?.rank, x.winner]),
      [
        [1, 3, 'judge', 2, false],
        [2, 8, 'judge', 1, true],
      ],
    );
    assert.match(t.decidedBy!, /the judge ranked attempt 2 first \(8\/10\): Says what the library does/);
    const judge = fake.requests.find((r) => r.taskId === 'tagline#judge')!;
    assert.match(judge.systemText, /## Attempt 1[\s\S]*A library\.[\s\S]*## Attempt 2[\s\S]*keep numbers in bounds/);
    const names = (judge.tools as Array<{ name: string }>).map((x) => x.name);
    assert.deepEqual(names, ['read_file', 'list_files', 'search', 'rank_attempts']);
    assert.equal(readFileSync(path.join(repo.dir, 'docs/tagline.md'), 'utf8'), 'clamp: keep numbers in bounds, nothing more.\n');
  });

  it('consensus: five voters, a clear majority; the decision, tally and rationales feed the dependent', () => {
    const t = task('license');
    assert.deepEqual(t.votes!.tally, { MIT: 4, 'Apache-2.0': 1 });
    assert.equal(t.votes!.decision, 'MIT');
    assert.equal(t.votes!.tie, false);
    assert.equal(t.votes!.majority, true);
    assert.deepEqual(t.votes!.ballots.map((b) => [b.voter, b.choice]), [[1, 'MIT'], [2, 'MIT'], [3, 'Apache-2.0'], [4, 'MIT'], [5, 'MIT']]);
    assert.match(t.votes!.ballots[2]!.rationale, /patent grant/);
    assert.match(t.output, /^Decision: MIT\nTally \(votes, 5 of 5 voters voted\): MIT 4, Apache-2.0 1/);
    // Voters have read-only tools and the vote tool; they change no files.
    const voter = fake.requests.find((r) => r.taskId === 'license#1')!;
    assert.deepEqual((voter.tools as Array<{ name: string }>).map((x) => x.name), ['read_file', 'list_files', 'search', 'vote']);
    assert.match(voter.systemText, /Task id: license#1\nTitle: Choose a license\nVoter 1 of 5: [\s\S]*# You own \(may write\)\n\(nothing: you change no files\)/);
    assert.equal(git(repo.dir, 'diff-tree', '-r', '--name-only', '--no-commit-id', t.resultCommit!).trim(), '');
    // One turn each: a voter ends once it has voted.
    assert.equal(fake.requests.filter((r) => r.taskId?.startsWith('license#')).length, 5);
    const dependent = fake.requests.find((r) => r.taskId === 'license-file')!;
    assert.ok(dependent.systemText.includes('Decision: MIT'));
    assert.ok(dependent.systemText.includes('The patent grant protects users.'));
  });

  it('`show` prints the attempts with their scores and the winner, and the votes with the tally', async () => {
    const io = captureIO(repo.dir);
    assert.equal(await main(['show', repo.dir, j.runId], io), 0, io.err);
    assert.match(io.out, /attempts \(attempt 3 won — the score command: attempt 3 scored 6/);
    assert.match(io.out, /★ #3 \S+ succeeded, score 6 \(command\)/);
    assert.match(io.out, /  #1 \S+ succeeded, score 5 \(command\)/);
    assert.match(io.out, /votes: decision MIT; tally: MIT 4, Apache-2.0 1/);
    assert.match(io.out, /voter 3 \(\S+\): Apache-2.0 — The patent grant/);
    assert.match(io.out, /aggregate \(concat\) of review-bugs, review-style → reports\/review\.md/);
    assert.match(io.out, /Overlaps: none/);
  });
});
