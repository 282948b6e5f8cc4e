// Ownership violations under review (contract C2, issue 11 §5): never written until accepted.
import * as assert from 'node:assert/strict';
import { acceptedPaths, mergeFound, reviewItems, violationDescription, type ViolationState } from '../../../src/vscode/violationsModel';

describe('vscode/violationsModel', () => {
  const found = [
    { task: 'lint', path: 'stray.txt' },
    { task: 'lint', path: 'junk.txt' },
    { task: 'lint', path: '../outside.txt', outsideWorkspace: true as const },
  ];

  it('lists what a run wrote outside its owns, nothing accepted by default', () => {
    const s = mergeFound(undefined, found);
    assert.deepEqual(acceptedPaths(s), []);
    assert.deepEqual(reviewItems(s).map((i) => [i.path, i.decision ?? 'pending']), [
      ['../outside.txt', 'pending'],
      ['junk.txt', 'pending'],
      ['stray.txt', 'pending'],
    ]);
  });

  it('an accepted path goes to apply; a discarded one leaves the list; outside the workspace can never be accepted', () => {
    let s: ViolationState = mergeFound(undefined, found);
    s = { ...s, decisions: { 'stray.txt': 'accepted', 'junk.txt': 'discarded', '../outside.txt': 'accepted' } };
    assert.deepEqual(acceptedPaths(s), ['stray.txt']);
    assert.deepEqual(reviewItems(s).map((i) => i.path), ['../outside.txt', 'stray.txt']);
  });

  it("an apply's result updates what was written, and keeps the decisions", () => {
    let s: ViolationState = { ...mergeFound(undefined, found), decisions: { 'stray.txt': 'accepted' } };
    s = mergeFound(s, [{ task: 'lint', path: 'stray.txt', included: true }, { task: 'lint', path: 'junk.txt', included: false }]);
    const byPath = new Map(reviewItems(s).map((i) => [i.path, i]));
    assert.equal(byPath.get('stray.txt')?.written, true);
    assert.equal(byPath.get('junk.txt')?.written, false);
    assert.equal(byPath.get('stray.txt')?.decision, 'accepted');
    assert.ok(byPath.has('../outside.txt'));
  });

  it('says where each one stands', () => {
    const item = (extra: object) => ({ task: 'lint', path: 'x', ...extra });
    assert.equal(violationDescription(item({}), false), 'lint · not applied until you accept it');
    assert.equal(violationDescription(item({ decision: 'accepted' }), false), 'lint · accepted: written when you apply the run');
    assert.equal(violationDescription(item({ decision: 'accepted', written: false }), true), 'lint · accepted: apply the run again to write it');
    assert.equal(violationDescription(item({ decision: 'accepted', written: true }), true), 'lint · accepted and applied');
    assert.equal(violationDescription(item({ outsideWorkspace: true }), false), 'lint · outside the workspace: never applied');
  });
});
