import * as assert from 'node:assert/strict';
import { appliedRefusal, errorMessage, inVsCodeWords, undoConfirmation, undoneMessage, undoneRefusal } from '../../../src/vscode/applyMessages';

describe('vscode/applyMessages', () => {
  it('asks before undoing over files changed after the apply, naming each and saying which were resolved with the CodeLens', () => {
    const c = undoConfirmation('r1', ['notes.md', 'CHANGELOG.md'], new Set(['CHANGELOG.md']));
    assert.equal(c.message, 'Undo the apply of run r1? 2 files changed after it.');
    assert.match(c.detail, /^CHANGELOG\.md \(you resolved its conflicts with the CodeLens\)\nnotes\.md\n\n/);
    assert.match(c.detail, /Undo Others puts back every other file and keeps these as they are now\. Undo Anyway puts these back too: the changes to them are lost\./);
    const one = undoConfirmation('r1', ['a.txt'], new Set());
    assert.equal(one.message, 'Undo the apply of run r1? 1 file changed after it.');
    const many = undoConfirmation('r1', Array.from({ length: 14 }, (_, i) => `f${i}`), new Set());
    assert.match(many.detail, /\n… and 4 more\n\n/);
  });

  it('says what an undo did, and what it kept', () => {
    assert.equal(undoneMessage('r1', { restored: ['a'], removed: ['b', 'c'], kept: [] }), 'Parallel Agents: undid the apply of run r1: 1 file restored, 2 removed.');
    assert.equal(undoneMessage('r1', { restored: [], removed: ['b'], kept: ['CHANGELOG.md'] }), 'Parallel Agents: undid the apply of run r1: 0 files restored, 1 removed; kept as you have it: CHANGELOG.md.');
    assert.equal(
      undoneMessage('r1', { restored: ['a'], removed: [], kept: [], skipped: [{ path: 'sub/x', reason: 'sub is a submodule' }] }),
      'Parallel Agents: undid the apply of run r1: 1 file restored, 0 removed; left alone: sub/x (sub is a submodule).',
    );
  });

  it('refuses a second apply in VS Code\'s words with a local time', () => {
    const at = new Date(2026, 0, 5, 9, 3).getTime();
    const m = appliedRefusal('r1', at, at + 1000);
    assert.match(m, /^run r1 was already applied at \d{1,2}:03( AM)?; undo that apply \(Undo Apply\) to apply it again\.$/);
    assert.match(undoneRefusal('r1', at, at), /^the apply of run r1 was already undone at \d{1,2}:03( AM)?: there is nothing to undo\.$/);
  });

  it('says the CLI commands of git-layer messages as VS Code commands', () => {
    assert.equal(
      errorMessage('Cannot apply', 'Writing src/a.js failed: EACCES. Run `parallel-agents undo 2026-1` to restore the working tree as it was before the apply.'),
      'Parallel Agents: Cannot apply: Writing src/a.js failed: EACCES. Undo Apply restores the working tree as it was before the apply.',
    );
    assert.equal(inVsCodeWords('There is no run r1 in /repo. `parallel-agents runs` lists the runs.'), 'There is no run r1 in /repo. the Agents view lists the runs.');
    assert.doesNotMatch(inVsCodeWords('undo it first (parallel-agents undo r1), then choose'), /parallel-agents/);
  });

  it('words an error once: "Cannot undo" is not said twice', () => {
    assert.equal(errorMessage('Cannot undo', 'Cannot undo the apply of run r1: it was removed.'), 'Parallel Agents: Cannot undo the apply of run r1: it was removed.');
    assert.equal(errorMessage('Cannot apply', 'no run r1'), 'Parallel Agents: Cannot apply: no run r1.');
    assert.equal(errorMessage('Cannot start the run', 'the task file has 2 problems.'), 'Parallel Agents: Cannot start the run: the task file has 2 problems.');
  });
});

import { applyReport } from '../../../src/vscode/applyMessages';

describe('vscode/applyMessages: the apply report', () => {
  const result = (extra: object = {}) => ({ applied: ['a', 'b'], merged: [], skipped: [], conflicts: [], binaryConflicts: [], violations: [], ...extra });

  it('counts what was written, merged, skipped and in conflict', () => {
    assert.equal(applyReport('r1', result({ merged: ['a'], conflicts: [{ path: 'c' }] })).message, 'Parallel Agents: applied run r1: 2 files written, 1 merged with your edits, 1 conflict.');
  });

  it('says the changes outside the owns were left out, and how to take them', () => {
    const r = applyReport('r1', result({ violations: [{ path: 'x', task: 't', included: false }, { path: 'y', task: 't', included: true }] }));
    assert.equal(r.leftOut, 1);
    assert.match(r.message, /, 1 change outside what its task owns left out: accept it under Ownership violations in the Conflicts view, then apply again\.$/);
    assert.match(applyReport('r1', result({ violations: [{ path: 'y', task: 't', included: true }] })).message, /2 files written, 1 change outside its task's owns included \(you accepted it\)\.$/);
  });
});
