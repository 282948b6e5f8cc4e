import * as assert from 'node:assert/strict';
import { DEMO_LABEL, demoEndpoint, withDemoLabel } from '../../../src/vscode/demoMode';

describe('vscode/demoMode', () => {
  it('is on only with the flag and a base URL', () => {
    assert.equal(demoEndpoint({}), undefined);
    assert.equal(demoEndpoint({ ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' }), undefined);
    assert.equal(demoEndpoint({ PARALLEL_AGENTS_DEMO: '1' }), undefined);
    assert.equal(demoEndpoint({ PARALLEL_AGENTS_DEMO: '0', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' }), undefined);
    assert.deepEqual(demoEndpoint({ PARALLEL_AGENTS_DEMO: '1', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' }), { baseURL: 'http://127.0.0.1:9', apiKey: 'demo-placeholder-key' });
    assert.deepEqual(demoEndpoint({ PARALLEL_AGENTS_DEMO: 'true', ANTHROPIC_BASE_URL: 'http://x', ANTHROPIC_API_KEY: 'k' }), { baseURL: 'http://x', apiKey: 'k' });
  });

  it('labels agent tasks, not command tasks', () => {
    // After the lead (status or elapsed), so that what matters still shows at the default width.
    assert.equal(withDemoLabel('3s · edit_file', true, 'agent'), `3s · ${DEMO_LABEL} · edit_file`);
    assert.equal(withDemoLabel('queued', true, 'agent'), `queued · ${DEMO_LABEL}`);
    assert.equal(withDemoLabel('', true, 'agent'), DEMO_LABEL);
    assert.equal(withDemoLabel('3s', true, 'command'), '3s');
    assert.equal(withDemoLabel('3s', false, 'agent'), '3s');
  });
});
