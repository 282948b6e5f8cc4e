// The pure parts of run_command: what the Agents view shows as the current tool, and the
// tool result the model reads.
import * as assert from 'node:assert/strict';
import { formatCommandResult, toolLabel } from '../../../src/agents/commandTool';

describe('agents/commandTool: labels and results', () => {
  it('labels run_command with its command line, cut; other tools by name', () => {
    assert.equal(toolLabel('read_file', { path: 'a' }), 'read_file');
    assert.equal(toolLabel('run_command', { command: 'npm   test\n -- --grep x' }), 'run_command: npm test -- --grep x');
    assert.equal(toolLabel('run_command', { command: 'x'.repeat(100) }), `run_command: ${'x'.repeat(59)}…`);
  });
  it('says how a command ended: cancelled, timed out, a signal, no output', () => {
    const base = { exitCode: null, timedOut: false, cancelled: false, wallMs: 1500, output: '', outputBytes: 0, changes: [] };
    assert.match(formatCommandResult({ ...base, cancelled: true }, [], [], 5000), /^Cancelled after 1\.5 s; the command and everything it started were ended\./);
    assert.match(formatCommandResult({ ...base, signal: 'SIGSEGV' }, [], [], 5000), /^Ended by SIGSEGV after 1\.5 s\.\n\nNo output\.\n\nNo tracked files changed\.$/);
  });
});
