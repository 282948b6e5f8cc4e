// How a failed VS Code language-model request is classified (src/vscode/lmErrors.ts). The
// errors are shaped as VS Code's LanguageModelError is (an Error with `code` set to the name
// of its static constructor); the extension-host suite (lmModels.test.ts) sees real ones.
import assert from 'node:assert/strict';
import { classifyLmError } from '../../../src/vscode/lmErrors';

function lmError(code: string, message: string): Error {
  const e = new Error(message);
  e.name = 'LanguageModelError';
  return Object.assign(e, { code });
}

const MODEL = 'GPT-4o (copilot/gpt-4o)';

describe('vscode/lmErrors', () => {
  it('NoPermissions: auth, saying how to allow the model or use an API key instead', () => {
    const e = classifyLmError(lmError('NoPermissions', 'Language model cannot be used by x.'), MODEL);
    assert.equal(e.kind, 'auth');
    assert.match(e.message, /^VS Code did not allow Parallel Agents to use the language model GPT-4o \(copilot\/gpt-4o\) \(NoPermissions: Language model cannot be used by x\)\./);
    assert.match(e.message, /choose "Allow" when VS Code asks, or allow it under Accounts › Manage Language Model Access/);
    assert.match(e.message, /parallelAgents\.modelSource to "anthropic"/);
  });

  it('Blocked: a rate limit (the shared back-off)', () => {
    const e = classifyLmError(lmError('Blocked', 'quota exceeded'), MODEL);
    assert.equal(e.kind, 'rateLimit');
    assert.match(e.message, /refused the request for now \(Blocked: quota exceeded; a quota or rate limit\)/);
  });

  it('NotFound: fatal, naming the command that picks another model', () => {
    const e = classifyLmError(lmError('NotFound', ''), MODEL);
    assert.equal(e.kind, 'fatal');
    assert.equal(e.message, 'The language model GPT-4o (copilot/gpt-4o) is no longer available in VS Code (NotFound); choose another with "Parallel Agents: Choose VS Code Model…", then run again.');
  });

  it("a provider's own errors: rate limits and overloads by their words, the rest fatal with the provider's message", () => {
    assert.equal(classifyLmError(lmError('Unknown', 'Request failed: 429 Too Many Requests'), MODEL).kind, 'rateLimit');
    assert.equal(classifyLmError(new Error('Server overloaded, try later'), MODEL).kind, 'overloaded');
    const other = classifyLmError(lmError('Unknown', 'Bad request: tools malformed.'), MODEL);
    assert.equal(other.kind, 'fatal');
    assert.equal(other.message, 'The language model GPT-4o (copilot/gpt-4o) failed: Bad request: tools malformed.');
    assert.equal(classifyLmError(lmError('ContentFiltered', 'filtered'), MODEL).message, 'The language model GPT-4o (copilot/gpt-4o) failed (ContentFiltered): filtered.');
  });
});
