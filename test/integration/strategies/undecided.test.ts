// A consensus that did not decide (a tie, or a lead the failed voters' missing votes could
// overturn) is its own outcome: the task ends `undecided`, its dependents are skipped unless
// the strategy says `allowUndecided: true`, the run is not a success, and a voter that
// failed on API errors is run again, then reported, never silently dropped.
import * as assert from 'node:assert/strict';
import { readRunRecord, taskOf } from '../../../src/engine';
import { openRepo } from '../../../src/git';
import { runJson, runText } from './cliRun';
import { vote } from './script';

const TIE_SCRIPT = {
  'pick#1': vote('tabs', 'fewer bytes'),
  'pick#2': vote('Spaces', 'same everywhere'),
  'pick#3': vote('Tabs ', 'accessible'),
  'pick#4': vote('spaces', 'the style guide'),
  'pick#5': [{ text: 'I would rather not vote.' }],
  style: [{ text: 'Wrote nothing: the vote was a tie.' }],
};

const tieYaml = (extra = '') =>
  'version: 1\ntasks:\n' +
  `  pick:\n    prompt: Tabs or spaces?\n    owns: [notes/pick.md]\n    strategy: {type: consensus, voters: 5${extra}}\n` +
  '  style:\n    prompt: Write the style note the vote decided.\n    owns: [notes/style.md]\n    dependsOn: [pick]\n';

describe('strategies: an undecided consensus (CLI, journal)', function () {
  this.timeout(60_000);

  it('a tie ends the task undecided (decision null), skips its dependents, and the run is not a success', async () => {
    const r = await runJson(tieYaml(), TIE_SCRIPT);
    try {
      assert.equal(r.code, 1, r.err);
      assert.equal(r.json.status, 'undecided');
      const [pick, style] = r.json.tasks;
      assert.equal(pick.status, 'undecided');
      assert.equal(pick.votes.decision, null);
      assert.equal(pick.votes.tie, true);
      assert.deepEqual(pick.votes.tied, ['Spaces', 'tabs']);
      assert.deepEqual(pick.votes.tally, { Spaces: 2, tabs: 2 });
      assert.match(pick.votes.undecided, /^a tie between Spaces and tabs \(2 votes each\)$/);
      assert.deepEqual(pick.votes.failedVoters, []);
      assert.match(pick.error, /did not decide: a tie between Spaces and tabs/);
      assert.match(pick.output, /^Decision: TIE between Spaces and tabs — no decision was made/);
      assert.equal(pick.votes.ballots[4].choice, null);
      assert.match(pick.votes.ballots[4].error, /answered without calling the vote tool/);
      assert.equal(style.status, 'skipped');
      assert.match(style.error, /dependency "pick" did not decide/);
      assert.ok(!r.fake.requests.some((q) => q.taskId === 'style'), 'the dependent never started');

      const j = await readRunRecord(await openRepo(r.repo.dir), r.json.runId);
      assert.equal(j.status, 'undecided');
      assert.equal(taskOf(j, 'pick')!.status, 'undecided');
      assert.match(taskOf(j, 'pick')!.error ?? taskOf(j, 'pick')!.reason ?? '', /did not decide: a tie/);
      assert.equal(taskOf(j, 'pick')!.strategy!.votes!.undecided, 'a tie between Spaces and tabs (2 votes each)');
      assert.equal(taskOf(j, 'style')!.status, 'skipped');
    } finally {
      await r.done();
    }
  });

  it('with allowUndecided: true the dependents run on the TIE and the run succeeds; the text report says undecided and why', async () => {
    const r = await runText(tieYaml(', allowUndecided: true'), TIE_SCRIPT);
    try {
      assert.equal(r.code, 0, r.err + r.out);
      assert.match(r.out, /pick +undecided .*did not decide: a tie between Spaces and tabs \(2 votes each\); allowUndecided lets its dependents run/);
      assert.match(r.out, /votes: UNDECIDED — a tie between Spaces and tabs \(2 votes each\); tally: Spaces 2, tabs 2/);
      assert.match(r.out, /style +succeeded/);
      assert.match(r.out, /Run \S+: succeeded/);
      const dependent = r.fake.requests.find((q) => q.taskId === 'style');
      assert.ok(dependent?.systemText.includes('Decision: TIE between Spaces and tabs'));
    } finally {
      await r.done();
    }
  });

  it('a voter whose API call fails is run again, and its vote counts', async () => {
    const yaml = 'version: 1\ntasks:\n  pick:\n    prompt: Which?\n    owns: [notes/pick.md]\n    strategy: {type: consensus, voters: 3, choices: [yes, no]}\n';
    const r = await runJson(yaml, {
      'pick#1': vote('yes', 'clearly'),
      'pick#2': [{ ...vote('yes', 'on the second try')[0], faults: [{ kind: 'server_error' }] }],
      'pick#3': vote('no', 'not convinced'),
    });
    try {
      assert.equal(r.code, 0, r.err);
      const t = r.json.tasks[0];
      assert.equal(t.status, 'succeeded');
      assert.equal(t.votes.decision, 'yes');
      assert.deepEqual(t.votes.tally, { yes: 2, no: 1 });
      assert.deepEqual(t.votes.failedVoters, []);
      assert.equal(r.fake.requests.filter((q) => q.taskId === 'pick#2').length, 2);
    } finally {
      await r.done();
    }
  });

  it('voters that still fail are reported; a lead their missing votes could overturn is undecided', async () => {
    const yaml = 'version: 1\ntasks:\n  pick:\n    prompt: Which?\n    owns: [notes/pick.md]\n    strategy: {type: consensus, voters: 5, choices: [A, B]}\n';
    const failing = (choice: string) => [{ ...vote(choice, 'never arrives')[0], faults: [{ kind: 'server_error' as const }, { kind: 'server_error' as const }] }];
    const r = await runJson(yaml, {
      'pick#1': vote('A', 'one'),
      'pick#2': vote('A', 'two'),
      'pick#3': vote('B', 'three'),
      'pick#4': failing('B'),
      'pick#5': failing('B'),
    });
    try {
      assert.equal(r.code, 1, r.err);
      const t = r.json.tasks[0];
      assert.equal(t.status, 'undecided');
      assert.equal(t.votes.decision, null);
      assert.equal(t.votes.tie, false);
      assert.deepEqual(t.votes.tally, { A: 2, B: 1 });
      assert.deepEqual(t.votes.failedVoters.map((f: { voter: number; tries: number }) => [f.voter, f.tries]), [[4, 2], [5, 2]]);
      for (const f of t.votes.failedVoters) assert.match(f.error, /HTTP 500/);
      assert.equal(
        t.votes.undecided,
        'A leads with 2 votes to 1, but voters 4 and 5 failed (HTTP 500) and their 2 missing votes could change the result',
      );
      assert.match(t.output, /^Decision: none — undecided: A leads with 2 votes to 1, but voters 4 and 5 failed/);
      assert.equal(r.fake.requests.filter((q) => q.taskId === 'pick#4').length, 2);
    } finally {
      await r.done();
    }
  });
});
