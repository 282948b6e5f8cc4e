import * as assert from 'node:assert/strict';
import { formatProblem, parseTaskFileText } from '../../../src/core/taskFile';

/** "LINE:COL: message" for every problem (file name dropped). */
function problems(text: string): string[] {
  return parseTaskFileText('tasks.yaml', text).problems.map((p) => formatProblem(p).slice('tasks.yaml:'.length));
}

describe('strategies in the task file: bad input at its exact position', () => {
  it('attempts: 1 points at the number', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  best:\n    prompt: do it\n    owns: [src/**]\n    strategy: {type: competitive, attempts: 1}\n'), [
      '6:45: task "best" strategy.attempts: a competitive task needs at least 2 attempts',
    ]);
  });
  it('attempts: 9 is too many', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  best:\n    prompt: do it\n    owns: [src/**]\n    strategy:\n      type: competitive\n      attempts: 9\n'), [
      '8:17: task "best" strategy.attempts: at most 8 attempts',
    ]);
  });
  it('an even number of voters points at the number', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  pick:\n    prompt: which?\n    owns: [notes/**]\n    strategy:\n      type: consensus\n      voters: 4\n'), [
      '8:15: task "pick" strategy.voters: the number of voters must be odd, so a simple majority exists',
    ]);
  });
  it('more than 9 voters', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  pick:\n    prompt: which?\n    owns: [notes/**]\n    strategy: {type: consensus, voters: 11}\n'), [
      '6:41: task "pick" strategy.voters: at most 9 voters',
    ]);
  });
  it('an aggregate collecting an unknown task and itself points at each list item', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  a: {prompt: x, owns: [a/**]}\n  report:\n    aggregate:\n      from: [a, b, report]\n    owns: [reports/**]\n'), [
      '6:17: aggregate task "report" collects unknown task "b" (did you mean "a"?)',
      '6:20: aggregate task "report" cannot collect its own output',
    ]);
  });
  it('`into` outside what the aggregate owns points at `into`', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  a: {prompt: x, owns: [a/**]}\n  report:\n    aggregate: {from: [a], into: docs/report.md, mode: concat}\n    owns: [reports/**]\n'), [
      '5:34: aggregate task "report" writes its report to "docs/report.md", which it does not own; add it to `owns` (e.g. `owns: [docs/report.md]`)',
    ]);
  });
  it('`into` inside what the aggregate owns is fine', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  a: {prompt: x, owns: [a/**]}\n  report:\n    aggregate: {from: [a], into: reports/all.md, mode: summarize}\n    owns: [reports/]\n'), []);
  });
  it('an aggregate cannot also be competitive', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  a: {prompt: x, owns: [a/**]}\n  report:\n    aggregate: {from: [a]}\n    owns: [reports/**]\n    strategy: {type: competitive, attempts: 2}\n'), [
      `7:15: task "report": an aggregate collects other tasks' outputs and cannot also be competitive; give the strategy to an agent task instead`,
    ]);
  });
  it('a consensus needs agents, not a command', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  pick:\n    run: echo yes\n    owns: [notes/**]\n    strategy: {type: consensus, voters: 3}\n'), [
      '6:15: task "pick": a consensus needs agents (`prompt`), not a command',
    ]);
  });
});
