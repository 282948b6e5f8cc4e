// `undecided`, a terminal task status: the scheduler skips the dependents of an undecided
// task unless it allows them, and a run with an undecided task is not a success.
import * as assert from 'node:assert/strict';
import { settledRunStatus, TERMINAL_STATUSES } from '../../../src/core/runModel';
import { Scheduler, TaskUndecidedError, type SchedulerTask } from '../../../src/core/scheduler';

function tasks(dependentsMayRun: boolean, seen: string[]): SchedulerTask<string>[] {
  let tries = 0;
  return [
    {
      id: 'vote',
      dependsOn: [],
      run: async () => {
        tries++;
        if (tries === 1) throw new TaskUndecidedError('Decision: TIE', 'did not decide: a tie', dependentsMayRun);
        return 'Decision: A';
      },
    },
    { id: 'after', dependsOn: ['vote'], run: async ({ dependencies }) => (seen.push(dependencies.get('vote') as string), 'done') },
  ];
}

describe('undecided tasks', () => {
  it('is terminal; its dependents are skipped, and a retry that decides runs them', async () => {
    assert.ok(TERMINAL_STATUSES.has('undecided'));
    const seen: string[] = [];
    const s = new Scheduler(tasks(false, seen), { concurrency: 2 });
    const states = await s.start();
    assert.equal(states.get('vote')?.status, 'undecided');
    assert.equal(states.get('vote')?.reason, 'did not decide: a tie');
    assert.equal(states.get('vote')?.result, 'Decision: TIE');
    assert.equal(states.get('after')?.status, 'skipped');
    assert.equal(states.get('after')?.reason, 'dependency "vote" did not decide');
    assert.deepEqual(seen, []);

    assert.ok(s.retry('vote'));
    const again = await s.whenIdle();
    assert.equal(again.get('vote')?.status, 'succeeded');
    assert.equal(again.get('after')?.status, 'succeeded');
    assert.deepEqual(seen, ['Decision: A']);
  });

  it('with dependentsMayRun, the dependents run on the undecided result', async () => {
    const seen: string[] = [];
    const states = await new Scheduler(tasks(true, seen), { concurrency: 2 }).start();
    assert.equal(states.get('vote')?.status, 'undecided');
    assert.equal(states.get('after')?.status, 'succeeded');
    assert.deepEqual(seen, ['Decision: TIE']);
  });

  it('a run with an undecided task succeeds only when its strategy allows it', () => {
    const allowed = { votes: { allowUndecided: true } };
    assert.equal(settledRunStatus([{ status: 'succeeded' }, { status: 'undecided', strategy: allowed }]), 'succeeded');
    assert.equal(settledRunStatus([{ status: 'undecided' }, { status: 'skipped' }]), 'undecided');
    assert.equal(settledRunStatus([{ status: 'undecided' }, { status: 'failed' }]), 'failed');
    assert.equal(settledRunStatus([{ status: 'undecided' }, { status: 'cancelled' }]), 'cancelled');
    assert.equal(settledRunStatus([{ status: 'succeeded' }, { status: 'skipped' }]), 'cancelled');
  });
});
