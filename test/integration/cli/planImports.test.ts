// `parallel-agents plan` reports data dependencies read from the code (core/importGraph.ts).
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cliIn } from './fixture';

describe('plan: dependencies inferred from imports', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pa-plan-imports-'));
    const write = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    };
    write('src/slugify.js', "'use strict';\nmodule.exports = { slugify: (s) => s };\n");
    write('test/slugify.test.js', "const { slugify } = require('../src/slugify');\n");
    write(
      '.agents/tasks.yaml',
      'version: 1\ntasks:\n  lib:\n    prompt: change slugify\n    owns: [src/**]\n  tests:\n    prompt: test slugify\n    owns: [test/**]\n',
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('warns at the importing task, in text and in --json, and the plan still succeeds', async () => {
    const r = await cliIn(dir, 'plan');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /\.agents\/tasks\.yaml:6:3: warning: task "tests" owns "test\/slugify\.test\.js", which imports "src\/slugify\.js" that task "lib" owns/);
    const j = JSON.parse((await cliIn(dir, 'plan', '--json')).out);
    assert.deepEqual(j.warnings.map((w: { code: string; tasks: string[] }) => [w.code, w.tasks]), [['import-dependency', ['tests', 'lib']]]);
  });
});
