import * as assert from 'node:assert/strict';
import { analyseTaskFileText, keyLength, lineStarts, offsetAt } from '../../../src/vscode/taskFileAnalysis';
import { TASK_FILE_TEMPLATE_YAML, taskFileTemplateJson } from '../../../src/vscode/taskFileTemplate';

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l === needle) + 1;

describe('vscode/taskFileAnalysis', () => {
  it('finds no problem in the YAML and JSON templates, which plan as 3 + 1 tasks', () => {
    for (const text of [TASK_FILE_TEMPLATE_YAML, taskFileTemplateJson()]) {
      const a = analyseTaskFileText('.agents/tasks.yaml', text);
      assert.deepEqual(a.problems, []);
      assert.deepEqual(a.plan?.waves, [['api-docs', 'lint', 'unit-tests'], ['changelog']]);
      assert.deepEqual(a.plan?.criticalPath, ['unit-tests', 'changelog']);
      assert.equal(a.taskFile?.tasks.find((t) => t.id === 'lint')?.kind, 'command');
    }
  });

  it('passes the parser\'s problems through with their offsets', () => {
    const text = TASK_FILE_TEMPLATE_YAML.replace('    owns: [docs/api/**]', '    own: [docs/api/**]');
    const a = analyseTaskFileText('t.yaml', text);
    assert.equal(a.taskFile, undefined);
    const p = a.problems.find((x) => x.message.includes('unknown key "own"'));
    assert.ok(p);
    assert.equal(text.slice(p.offset, p.endOffset), 'own');
    assert.equal(p.line, lineOf(text, '    own: [docs/api/**]'));
    assert.equal(p.column, 5);
    assert.equal(p.code, 'parse');
  });

  it('turns plan diagnostics (line/column only) into a range over the task key, with the other task as related', () => {
    const text = TASK_FILE_TEMPLATE_YAML.replace('    owns: [docs/api/**]', '    owns: [test/**]');
    const a = analyseTaskFileText('t.yaml', text);
    const p = a.problems.find((x) => x.code === 'ownership-conflict');
    assert.ok(p, JSON.stringify(a.problems));
    assert.equal(p.severity, 'error');
    assert.equal(text.slice(p.offset, p.endOffset), 'api-docs');
    assert.equal(p.line, lineOf(text, '  api-docs:'));
    assert.deepEqual(p.related?.map((r) => [r.taskId, text.slice(r.offset, r.endOffset)]), [['unit-tests', 'unit-tests']]);
  });

  it('reports inferred dependencies as warnings and keeps the plan', () => {
    const text = TASK_FILE_TEMPLATE_YAML.replace('    owns: [lint-report.txt]', '    owns: [src/**]');
    const a = analyseTaskFileText('t.yaml', text);
    assert.ok(a.plan);
    assert.ok(a.problems.length > 0);
    assert.ok(a.problems.every((p) => p.severity === 'warning' && p.code === 'inferred-dependency'));
  });

  it('applies the concurrency setting under the cap', () => {
    assert.equal(analyseTaskFileText('t', TASK_FILE_TEMPLATE_YAML).plan?.concurrency, 3);
    assert.equal(analyseTaskFileText('t', TASK_FILE_TEMPLATE_YAML, { concurrency: 1 }).plan?.concurrency, 1);
    assert.equal(analyseTaskFileText('t', TASK_FILE_TEMPLATE_YAML, { concurrency: 8, maxConcurrency: 2 }).plan?.concurrency, 2);
    assert.equal(analyseTaskFileText('t', TASK_FILE_TEMPLATE_YAML, { concurrency: 1 }).plan?.speedupBound, 1);
  });

  it('measures keys, plain and quoted', () => {
    assert.equal(keyLength('abc-d: 1', 0), 5);
    assert.equal(keyLength('"a b": 1', 0), 5);
    assert.equal(keyLength("'x': 1", 0), 3);
    const text = 'a\nbc\n  d: 1\n';
    assert.equal(offsetAt(lineStarts(text), text.length, 3, 3), text.indexOf('d:'));
    assert.equal(offsetAt(lineStarts(text), text.length, 99, 1), text.lastIndexOf('\n') + 1);
  });
});
