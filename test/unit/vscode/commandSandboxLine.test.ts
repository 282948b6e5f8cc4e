import * as assert from 'node:assert/strict';
import { commandSandboxLine } from '../../../src/vscode/commandSandboxLine';

describe('vscode/commandSandboxLine', () => {
  it('says nothing for a run whose agents ran no commands', () => {
    assert.equal(commandSandboxLine(undefined), undefined);
  });
  it('names the sandbox, or the fallback with its reason', () => {
    assert.match(commandSandboxLine({ mode: 'namespaces' }) ?? '', /in the sandbox/);
    const fallback = commandSandboxLine({ mode: 'worktree', reason: 'user namespaces are disabled' }) ?? '';
    assert.match(fallback, /per-task git worktrees, not isolated/);
    assert.match(fallback, /user namespaces are disabled/);
  });
});
