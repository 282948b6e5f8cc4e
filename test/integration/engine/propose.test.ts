// The planner loop against the fake Messages API (the real SDK over HTTP): each scripted
// proposal is checked by the task file's own parse and plan code, and what that finds goes
// back to the planner, which revises. A proposal that is not valid is never written.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { startFakeAnthropic, type FakeAnthropic, type FakeScript, type FakeTurn } from '../../fake-anthropic';
import {
  FOUR_STEP_GOAL,
  fourStepTasks,
  PLANNER_SCRIPT_ID,
  plannerDemoScript,
  propose,
  proposal,
} from '../../fake-anthropic/plannerScript';
import { fakeClient } from '../agents/helpers';
import { proposeTasks, type ProposeOptions, type ProposeResult } from '../../../src/engine/propose';
import { exampleRepo, git } from './fixture';

interface Case {
  fake: FakeAnthropic;
  dir: string;
  cleanup(): void;
}

async function setUp(script: FakeScript): Promise<Case> {
  const fake = await startFakeAnthropic({ script });
  const repo = exampleRepo('four-step');
  return {
    fake,
    dir: repo.dir,
    cleanup: () => {
      repo.cleanup();
    },
  };
}

function run(c: Case, extra: Partial<ProposeOptions> = {}): Promise<ProposeResult> {
  return proposeTasks({ workspace: c.dir, goal: FOUR_STEP_GOAL, client: fakeClient(c.fake.baseURL), ...extra });
}

/** What the planner was told after each proposal, and whether it came back as a tool error. */
const feedback = (r: ProposeResult) => r.rounds.map((x) => ({ content: x.feedback, isError: !x.valid }));

/** The tool results the planner actually received, from the requests the fake API got. */
function receivedToolResults(fake: FakeAnthropic): Array<{ content: string; isError: boolean }> {
  const last = fake.requests.filter((q) => q.status === 200).at(-1);
  const out: Array<{ content: string; isError: boolean }> = [];
  for (const m of (last?.messages ?? []) as Array<{ content: unknown }>) {
    if (!Array.isArray(m.content)) continue;
    for (const b of m.content as Array<Record<string, unknown>>) {
      if (b.type !== 'tool_result') continue;
      out.push({ content: typeof b.content === 'string' ? b.content : JSON.stringify(b.content), isError: b.is_error === true });
    }
  }
  return out;
}

const summary = (r: ProposeResult) => r.rounds.map((x) => `round ${x.round}: ${x.valid ? 'valid' : 'invalid'} [${[...x.errors, ...x.warnings].map((f) => f.code ?? 'parse').join(', ')}]`);

describe('proposeTasks (planner against the fake API)', function () {
  this.timeout(30000);
  let c: Case | undefined;
  afterEach(async () => {
    await c?.fake.close();
    c?.cleanup();
    c = undefined;
  });

  it('sends an ownership overlap back to the planner, which fixes it in the next round', async () => {
    const overlapping = fourStepTasks();
    overlapping.docs = { ...(overlapping.docs as object), owns: ['docs/**', 'test/**'] };
    c = await setUp({ [PLANNER_SCRIPT_ID]: [propose(proposal(overlapping)), propose(proposal(fourStepTasks())), { text: 'Done.' }] });
    const r = await run(c);
    assert.equal(r.status, 'proposed', r.error);
    // docs owning test/** also makes the changelog's reads unordered: caught as well.
    assert.deepEqual(summary(r), ['round 1: invalid [ownership-conflict, inferred-dependency]', 'round 2: valid []']);
    assert.equal(r.chosenRound, 2);
    const results = feedback(r);
    assert.equal(results[0]?.isError, true);
    assert.match(results[0]?.content ?? '', /tasks "tests" and "docs" can run at the same time but both own/);
    assert.match(results[1]?.content ?? '', /^Accepted/);
    // The first verdict reached the model over the wire as an error result (the second ended the planner).
    assert.deepEqual(receivedToolResults(c.fake), [results[0]]);
    assert.ok(r.plan);
    assert.deepEqual(r.plan.waves, [['docs', 'lint', 'tests'], ['changelog']]);
    assert.match(r.yaml ?? '', /^# Proposed by the planner for the goal: add unit tests/);
    assert.ok(!existsSync(path.join(c.dir, '.agents/tasks.yaml.bak')), 'proposing writes nothing');
  });

  it('sends a dependency cycle back, and the planner breaks it', async () => {
    const cyclic = fourStepTasks();
    cyclic.tests = { ...(cyclic.tests as object), dependsOn: ['changelog'] };
    c = await setUp({ [PLANNER_SCRIPT_ID]: [propose(proposal(cyclic)), propose(proposal(fourStepTasks())), { text: 'Done.' }] });
    const r = await run(c);
    assert.equal(r.status, 'proposed', r.error);
    assert.deepEqual(summary(r), ['round 1: invalid [cycle]', 'round 2: valid []']);
    assert.match(feedback(r)[0]?.content ?? '', /dependency cycle: (tests → changelog → tests|changelog → tests → changelog)/);
  });

  it('fails clearly when the planner never converges, and returns nothing to write', async () => {
    const overlapping = fourStepTasks();
    overlapping.lint = { ...(overlapping.lint as object), owns: ['**'] };
    const again = propose(proposal(overlapping));
    c = await setUp({ [PLANNER_SCRIPT_ID]: [again, again, again, again, { text: 'unreachable' }] });
    const r = await run(c, { maxRounds: 3 });
    assert.equal(r.status, 'failed');
    assert.equal(r.rounds.length, 3, 'the planner is stopped after the last round');
    assert.ok(r.rounds.every((x) => !x.valid && x.errors.some((e) => e.code === 'ownership-conflict')));
    assert.equal(r.yaml, undefined);
    assert.match(r.error ?? '', /no valid task file after 3 of 3 proposals; nothing was written/);
    assert.match(feedback(r)[2]?.content ?? '', /That was your last proposal/);
    assert.equal(c.fake.requests.filter((q) => q.status === 200).length, 3, 'no request after the last round');
    assert.equal(git(c.dir, 'status', '--porcelain'), '', 'nothing written in the workspace');
  });

  it('reports unknown ids, globs outside the workspace and the task cap from the same checks as a task file', async () => {
    const bad = fourStepTasks();
    bad.changelog = { ...(bad.changelog as object), dependsOn: ['test'] };
    bad.docs = { ...(bad.docs as object), owns: ['../elsewhere/**'] };
    c = await setUp({ [PLANNER_SCRIPT_ID]: [propose(proposal(bad)), propose(proposal(fourStepTasks())), { text: 'Done.' }] });
    const r = await run(c, { maxTasks: 3 });
    assert.equal(r.status, 'failed');
    const messages = r.rounds.flatMap((x) => x.errors.map((e) => e.message)).join('\n');
    assert.match(messages, /depends on unknown task "test" \(did you mean "tests"\?\)/);
    assert.match(messages, /\.\.\/elsewhere/);
    assert.match(messages, /the proposal has 4 tasks; at most 3/);
  });

  it('is cancelled while the planner waits for the model, and returns nothing', async () => {
    const slow: FakeTurn = { text: 'thinking', delayMs: 20000 };
    c = await setUp({ [PLANNER_SCRIPT_ID]: [propose(proposal({ tests: { prompt: 'x', owns: ['test/**', 'docs/**'] }, docs: { prompt: 'y', owns: ['docs/**'] } })), slow] });
    const ac = new AbortController();
    const r = await run(c, { signal: ac.signal, onRound: () => setTimeout(() => ac.abort(), 50) });
    assert.equal(r.status, 'cancelled');
    assert.equal(r.yaml, undefined);
    assert.equal(r.rounds.length, 1);
  });

  it('plans the four-step example from its goal with the demo script (one warning, then fixed)', async () => {
    c = await setUp(plannerDemoScript());
    const rounds: string[] = [];
    const r = await run(c, { onRound: (x) => rounds.push(`${x.round}`) });
    assert.equal(r.status, 'proposed', r.error);
    assert.deepEqual(summary(r), ['round 1: valid [inferred-dependency]', 'round 2: valid []']);
    assert.deepEqual(rounds, ['1', '2']);
    assert.match(r.rounds[0]?.warnings[0]?.message ?? '', /task "changelog" reads "test\/.*", which task "tests" may write/);
    assert.equal(r.plan?.criticalPath.join(' → '), 'tests → changelog');
    // The planner read the real files of the workspace.
    const reads = c.fake.requests.at(-1)?.messages.flatMap((m) => (Array.isArray((m as { content: unknown }).content) ? ((m as { content: unknown[] }).content as Array<Record<string, unknown>>) : []));
    assert.ok(reads?.some((b) => b.type === 'tool_result' && JSON.stringify(b.content).includes('function slugify')));
  });

  it('answers another goal in demo mode without proposing (the demo model has one script)', async () => {
    c = await setUp(plannerDemoScript());
    const r = await run(c, { goal: 'rewrite it in Rust' });
    assert.equal(r.status, 'failed');
    assert.match(r.error ?? '', /ended without proposing any tasks; it said: This is the demo model/);
  });
});
