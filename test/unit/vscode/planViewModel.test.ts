import * as assert from 'node:assert/strict';
import { parseWebviewMessage } from '../../../src/vscode/planProtocol';
import { buildPlanViewModel, LAYOUT } from '../../../src/vscode/planViewModel';
import { analyseTaskFileText } from '../../../src/vscode/taskFileAnalysis';
import { TASK_FILE_TEMPLATE_YAML } from '../../../src/vscode/taskFileTemplate';

function model(text: string) {
  const a = analyseTaskFileText('.agents/tasks.yaml', text);
  assert.ok(a.taskFile && a.plan, JSON.stringify(a.problems));
  return buildPlanViewModel('.agents/tasks.yaml', a.taskFile, a.plan, a.problems);
}

describe('vscode/planViewModel', () => {
  it('lays waves out as columns, in file order within a column', () => {
    const m = model(TASK_FILE_TEMPLATE_YAML);
    assert.deepEqual(m.columns.map((c) => c.label), ['Wave 1', 'Wave 2']);
    const at = (id: string) => m.nodes.find((n) => n.id === id);
    assert.equal(at('unit-tests')?.x, LAYOUT.marginX);
    assert.equal(at('changelog')?.x, LAYOUT.marginX + LAYOUT.nodeWidth + LAYOUT.columnGap);
    const firstColumn = m.nodes.filter((n) => n.wave === 1).sort((a, b) => a.y - b.y).map((n) => n.id);
    assert.deepEqual(firstColumn, ['unit-tests', 'api-docs', 'lint']);
    assert.equal(at('unit-tests')?.title, 'Unit tests');
    assert.equal(at('lint')?.kind, 'command');
    assert.ok(m.width >= 2 * LAYOUT.nodeWidth && m.height >= 3 * LAYOUT.nodeHeight);
  });

  it('marks the critical path\'s nodes and edges', () => {
    const m = model(TASK_FILE_TEMPLATE_YAML);
    assert.deepEqual(m.edges, [{ from: 'unit-tests', to: 'changelog', critical: true }]);
    assert.deepEqual(m.nodes.filter((n) => n.onCriticalPath).map((n) => n.id).sort(), ['changelog', 'unit-tests']);
    assert.equal(m.predictedSpeedup, 2);
    assert.equal(m.speedupBound, 2);
  });

  it('draws an import the code has between unordered tasks as an inferred edge, with its warning', () => {
    const text = 'version: 1\ntasks:\n  lib:\n    prompt: a\n    owns: [src/**]\n  tests:\n    prompt: b\n    owns: [test/**]\n';
    const imports = { imports: new Map([['test/a.test.js', ['src/a.js']]]), skipped: 0 };
    const a = analyseTaskFileText('.agents/tasks.yaml', text, { imports });
    assert.ok(a.taskFile && a.plan);
    const m = buildPlanViewModel('.agents/tasks.yaml', a.taskFile, a.plan, a.problems);
    assert.deepEqual(m.edges, [{ from: 'lib', to: 'tests', critical: false, inferred: true }]);
    assert.deepEqual(a.problems.map((p) => [p.code, p.severity, p.line]), [['import-dependency', 'warning', 6]]);
    assert.deepEqual(m.columns.map((c) => c.label), ['Wave 1'], 'an inferred edge orders nothing');
  });

  it('puts tasks caught in a cycle in a last "Cycle" column and carries the error', () => {
    const text = TASK_FILE_TEMPLATE_YAML.replace('    reads: [src/**, package.json]', '    reads: [src/**, package.json]\n    dependsOn: [changelog]');
    const m = model(text);
    assert.deepEqual(m.columns.map((c) => c.label), ['Wave 1', 'Cycle']);
    assert.deepEqual(m.nodes.filter((n) => n.wave === 0).map((n) => n.id).sort(), ['changelog', 'unit-tests']);
    assert.ok(m.problems.some((p) => p.severity === 'error' && /cycle/.test(p.message)));
  });
});

describe('vscode/planProtocol', () => {
  it('accepts the webview\'s messages and rejects anything else', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'openTask', taskId: 'unit-tests', extra: 1 }), { type: 'openTask', taskId: 'unit-tests' });
    assert.deepEqual(parseWebviewMessage({ type: 'openProblem', line: 3, column: 5 }), { type: 'openProblem', line: 3, column: 5 });
    for (const bad of [null, 'ready', {}, { type: 'runTask', taskId: '../x' }, { type: 'openProblem', line: 0, column: 1 }, { type: 'eval' }]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});
