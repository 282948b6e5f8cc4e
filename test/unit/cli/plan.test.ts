import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { captureIO } from './helpers';

const repoRoot = path.resolve(__dirname, '../../..');

describe('cli: plan', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pa-plan-'));
    mkdirSync(path.join(dir, '.agents'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the four-step example waves: [docs, lint, tests] then [changelog]', async () => {
    const io = captureIO(repoRoot);
    assert.equal(await main(['plan', 'examples/four-step'], io), 0);
    assert.match(io.out, /Wave 1 {2}docs {2}· {2}lint {2}· {2}tests/);
    assert.match(io.out, /Wave 2 {2}changelog \(after tests\)/);
    assert.match(io.out, /Critical path\s+tests → changelog/);
  });

  it('a wave of hundreds of tasks names 20 of them, the critical path first, and counts the rest', async () => {
    let yaml = 'version: 1\ntasks:\n';
    for (let i = 0; i < 300; i++) yaml += `  t${i}: {prompt: x, owns: [out/t${i}.txt]}\n`;
    yaml += '  last: {prompt: x, owns: [out/last.txt], dependsOn: [t299]}\n';
    writeFileSync(path.join(dir, '.agents/tasks.yaml'), yaml);
    const io = captureIO(dir);
    assert.equal(await main(['plan'], io), 0);
    const wave1 = io.out.split('\n').find((l) => l.startsWith('  Wave 1 ')) ?? '';
    assert.equal(wave1.split('  ·  ').length, 21, wave1);
    assert.match(wave1, /^ {2}Wave 1 {2}t299 {2}· {2}t0 {2}· .* {2}· {2}… and 280 more$/);
    assert.match(io.out, /^ {2}Wave 2 {2}last \(after t299\)$/m);
    assert.match(io.out, /`plan --json` lists every task/);
    const json = captureIO(dir);
    assert.equal(await main(['plan', '--json'], json), 0);
    assert.equal(JSON.parse(json.out).waves[0].length, 300);
  });

  it('--json gives waves, critical path and predicted speedup', async () => {
    const io = captureIO(repoRoot);
    assert.equal(await main(['plan', 'examples/four-step', '--json'], io), 0);
    const j = JSON.parse(io.out);
    assert.deepEqual(j.waves, [['docs', 'lint', 'tests'], ['changelog']]);
    assert.deepEqual(j.criticalPath, ['tests', 'changelog']);
    assert.equal(j.predictedSpeedup, 2);
    assert.deepEqual(j.errors, []);
    assert.equal(j.tasks.length, 4);
  });

  it('an invalid task file: exit 1, FILE:LINE:COL on stderr, no stack trace', async () => {
    writeFileSync(path.join(dir, '.agents/tasks.yaml'), 'version: 1\ntasks:\n  a:\n    prompt: x\n');
    const io = captureIO(dir);
    assert.equal(await main(['plan'], io), 1);
    assert.match(io.err, /^\.agents\/tasks\.yaml:3:3: task "a": missing required key "owns"/m);
    assert.doesNotMatch(io.err, /\n\s+at /);
  });

  it('an ownership conflict is an error naming both tasks and a workspace file', async () => {
    writeFileSync(path.join(dir, 'app.ts'), '');
    writeFileSync(path.join(dir, '.agents/tasks.yaml'), 'version: 1\ntasks:\n  a:\n    prompt: x\n    owns: ["*.ts"]\n  b:\n    prompt: y\n    owns: ["app.*"]\n');
    const io = captureIO(dir);
    assert.equal(await main(['plan', '--json'], io), 1);
    const j = JSON.parse(io.out);
    assert.equal(j.errors.length, 1);
    assert.equal(j.errors[0].line, 6);
    assert.match(j.errors[0].message, /tasks "a" and "b" can run at the same time but both own "app.ts"/);
  });

  it('a missing task file says where it looked; --file overrides', async () => {
    const io = captureIO(dir);
    assert.equal(await main(['plan'], io), 1);
    assert.match(io.err, /no task file in .*: looked for \.agents\/tasks\.yaml, \.agents\/tasks\.yml, \.agents\/tasks\.json/);
    writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ version: 1, tasks: { a: { run: 'true', owns: ['x'] } } }));
    const io2 = captureIO(dir);
    assert.equal(await main(['plan', '--file', 'other.json'], io2), 0);
  });

  it('usage errors exit 2', async () => {
    const io = captureIO(dir);
    assert.equal(await main(['plan', '--frobnicate'], io), 2);
    assert.match(io.err, /unknown option --frobnicate/);
    assert.equal(await main(['plan', '--concurrency', '99'], captureIO(dir)), 2);
    assert.equal(await main(['nope'], captureIO(dir)), 2);
  });
});
