import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { formatProblem, loadTaskFile, parseTaskFileText } from '../../../src/core/taskFile';

/** Parses and returns the problems as "LINE:COL: message" (file name dropped). */
function problems(text: string, file = 'tasks.yaml'): string[] {
  return parseTaskFileText(file, text).problems.map((p) => formatProblem(p).slice(file.length + 1));
}

describe('task file: valid input', () => {
  it('reads tasks in file order with kinds, positions and defaults', () => {
    const r = parseTaskFileText(
      't.yaml',
      ['version: 1', 'model: m1', 'tasks:', '  lint:', '    run: npm run lint', '    owns: [lint-report.txt]', '  docs:', '    prompt: Write docs', '    owns: [docs/**]', '    dependsOn: [lint]', ''].join('\n'),
    );
    assert.deepEqual(r.problems, []);
    const f = r.taskFile!;
    assert.equal(f.concurrency, 3);
    assert.equal(f.model, 'm1');
    assert.deepEqual(f.tasks.map((t) => [t.id, t.kind, t.line, t.column]), [['lint', 'command', 4, 3], ['docs', 'agent', 7, 3]]);
    assert.deepEqual(f.tasks[1]!.dependsOn, ['lint']);
  });
  it('accepts JSON through the same parser', () => {
    const r = parseTaskFileText('t.json', '{"version": 1, "concurrency": 5, "tasks": {"a": {"prompt": "x", "owns": ["a/**"]}}}');
    assert.equal(r.taskFile?.concurrency, 5);
  });
  it('commands: the top-level value for every agent task, a task\'s own value wins; mounts and setup kept', () => {
    const r = parseTaskFileText(
      't.yaml',
      [
        'version: 1',
        'commands: true',
        'mounts: [node_modules, .venv]',
        'setup: npm ci',
        'tasks:',
        '  a: {prompt: x, owns: [a/**], network: true}',
        '  b: {prompt: x, owns: [b/**], commands: false}',
        '  c: {run: make, owns: [c/**]}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(r.problems, []);
    const f = r.taskFile!;
    assert.deepEqual(f.tasks.map((t) => [t.id, t.commands ?? false, t.network ?? false]), [['a', true, true], ['b', false, false], ['c', false, false]]);
    assert.deepEqual([f.mounts, f.setup], [['node_modules', '.venv'], 'npm ci']);
    const off = parseTaskFileText('t.yaml', 'version: 1\ntasks:\n  a: {prompt: x, owns: [a/**]}\n  b: {prompt: x, owns: [b/**], commands: true}\n');
    assert.deepEqual(off.taskFile!.tasks.map((t) => t.commands ?? false), [false, true]);
  });
  it('treats aggregate `from` as dependencies', () => {
    const r = parseTaskFileText('t.yaml', 'version: 1\ntasks:\n  a: {prompt: x, owns: [a]}\n  r:\n    aggregate: {from: [a]}\n    owns: [r.md]\n');
    assert.deepEqual(r.problems, []);
    assert.equal(r.taskFile?.tasks[1]?.kind, 'aggregate');
    assert.deepEqual(r.taskFile?.tasks[1]?.dependsOn, ['a']);
  });
});

describe('task file: bad input, every problem with its exact position', () => {
  it('YAML syntax error', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  a: {owns: [x]\n'), [
      '4:1: Flow map in block collection must be sufficiently indented and end with a }',
    ]);
  });
  it('wrong types point at the value', () => {
    assert.deepEqual(problems('version: 1\nconcurrency: "three"\ntasks:\n  a:\n    prompt: hi\n    owns: src/**\n'), [
      '2:14: concurrency: expected a number, got the string "three"',
      '6:11: task "a" owns: expected a list, got the string "src/**"',
    ]);
  });
  it('unknown keys point at the key and suggest the right one; missing owns points at the task', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  a:\n    prompt: hi\n    own: [x]\n    dependson: [b]\n'), [
      '3:3: task "a": missing required key "owns" (the globs this task may write, e.g. `owns: [src/feature/**]`)',
      '5:5: task "a": unknown key "own" (did you mean "owns"?)',
      '6:5: task "a": unknown key "dependson" (did you mean "dependsOn"?)',
    ]);
  });
  it('both prompt and run; neither', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  a:\n    prompt: hi\n    run: ls\n    owns: [a]\n  b:\n    owns: [b]\n'), [
      '5:5: task "a" has both `prompt` and `run`: a task is either an agent (`prompt`/`promptFile`), a command (`run`) or an aggregate',
      '7:3: task "b" has nothing to do: give it a `prompt` (or `promptFile`) for an agent, or `run` for a shell command',
    ]);
  });
  it('unknown dependsOn id points at the list item', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  tests:\n    prompt: hi\n    owns: [a]\n  c:\n    prompt: x\n    owns: [b]\n    dependsOn: [test]\n'), [
      '9:17: task "c" depends on unknown task "test" (did you mean "tests"?)',
    ]);
  });
  it('duplicate ids in JSON and YAML', () => {
    assert.deepEqual(problems('{"version": 1, "tasks": {"a": {"prompt": "x", "owns": ["a"]}, "a": {"prompt": "y", "owns": ["b"]}}}', 'tasks.json'), [
      '1:63: duplicate key "a": each key (and task id) may appear once',
    ]);
    assert.deepEqual(problems('version: 1\ntasks:\n  a:\n    prompt: x\n    owns: [a]\n  a:\n    prompt: y\n    owns: [b]\n'), [
      '6:3: duplicate key "a": each key (and task id) may appear once',
    ]);
  });
  it('reports all problems at once: version, concurrency cap, ids, strategies', () => {
    const text = [
      'version: 2',
      'concurrency: 12',
      'tasks:',
      '  "bad id":',
      '    prompt: x',
      '    owns: [a]',
      '    strategy: {type: competitive, attempts: 1}',
      '  v:',
      '    prompt: x',
      '    owns: [b]',
      '    strategy: {type: consensus, voters: 4}',
      '  w:',
      '    prompt: x',
      '    owns: [c]',
      '    strategy: {type: nope}',
      '',
    ].join('\n');
    assert.deepEqual(problems(text), [
      '1:10: version: version must be 1',
      '2:14: concurrency: concurrency is at most 8',
      '4:3: task id "bad id" may contain only letters, digits, "-" and "_"',
      '7:45: task "bad id" strategy.attempts: a competitive task needs at least 2 attempts',
      '11:41: task "v" strategy.voters: the number of voters must be odd, so a simple majority exists',
      '15:22: task "w" strategy.type: must be one of additive, aggregative, competitive, consensus; got the string "nope"',
    ]);
  });
  it('aggregate from an unknown task or itself', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  r:\n    aggregate: {from: [r, zz]}\n    owns: [r.md]\n'), [
      '4:24: aggregate task "r" cannot collect its own output',
      '4:27: aggregate task "r" collects unknown task "zz" (known tasks: r)',
    ]);
  });
  it('empty file, missing tasks, empty tasks', () => {
    assert.deepEqual(problems(''), ['1:1: the task file is empty; it needs `version: 1` and a `tasks:` map']);
    assert.deepEqual(problems('version: 1\n'), ['1:1: missing required key "tasks" (a map of task id → task)']);
    assert.deepEqual(problems('version: 1\ntasks: {}\n'), ['2:8: no tasks: add at least one task under `tasks:`']);
  });
  it('a self-dependency', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  a:\n    prompt: x\n    owns: [a]\n    dependsOn: [a]\n'), [
      '6:17: task "a" depends on itself',
    ]);
  });
  it('never throws, whatever the input', () => {
    for (const text of ['[1, 2]', '"just a string"', 'tasks: 5', 'version: 1\ntasks:\n  a: 3\n', '\t\tbad', '{{{{', 'a: &x [*x]']) {
      const r = parseTaskFileText('t.yaml', text);
      assert.ok(r.problems.length > 0, text);
      assert.equal(r.taskFile, undefined);
    }
  });
});

describe('task file: globs that leave the workspace', () => {
  const yaml = (owns: string, reads = '') =>
    ['version: 1', 'tasks:', '  a:', '    prompt: x', `    owns: ${owns}`, ...(reads ? [`    reads: ${reads}`] : []), ''].join('\n');
  const write = 'globs are relative to the workspace folder (the one that holds .agents/), and a task cannot write outside it';

  it('owns: [../**] is an error at the glob', () => {
    assert.deepEqual(problems(yaml('[src/**, ../**]')), [
      `5:20: task "a" owns "../**", which is outside the workspace: ${write}; remove it`,
    ]);
  });
  it('an absolute glob is an error that suggests the relative one', () => {
    assert.deepEqual(problems(yaml('[/etc/passwd]')), [
      `5:12: task "a" owns "/etc/passwd", an absolute path: ${write}; write "etc/passwd" if you mean a path inside the workspace, or remove it`,
    ]);
    assert.equal(problems(yaml('["C:\\\\Windows\\\\**"]')).length, 1);
  });
  it('reads: the same, and a .. that climbs out after going in', () => {
    assert.deepEqual(problems(yaml('[a/**]', '[docs/../../shared/*.md]')), [
      `6:13: task "a" reads "docs/../../shared/*.md", which is outside the workspace: ${write.replace('write', 'read')}; remove it`,
    ]);
  });
  it('a brace alternative outside the workspace is named', () => {
    assert.deepEqual(problems(yaml('["{src,../x}/**"]')), [
      `5:12: task "a" owns "{src,../x}/**", whose alternative "../x/**" is outside the workspace: ${write}; remove that alternative`,
    ]);
  });
  it('a .. after a wildcard cannot be resolved', () => {
    assert.deepEqual(problems(yaml('["**/../x"]')), [
      '5:12: task "a" owns "**/../x": a ".." after a wildcard may leave the workspace, and no workspace path contains ".."; write the glob without ".."',
    ]);
  });
  it('an excluded path outside the workspace, and a glob naming the workspace folder itself', () => {
    assert.deepEqual(problems(yaml('[src/**, "!../x", "."]')), [
      `5:20: task "a" owns "!../x", which is outside the workspace: ${write}; remove it`,
      '5:29: task "a" owns ".", which names the workspace folder itself and matches no file; write "**" for everything in it',
    ]);
  });
  it('./, ./src/** and src/../lib/** stay inside; so do negations of them', () => {
    assert.deepEqual(problems(yaml('["./", ./src/**, "!./src/gen/**", src/../lib/**]', '[./docs/*.md]')), []);
  });
  it('an aggregate report written outside the workspace', () => {
    assert.deepEqual(problems('version: 1\ntasks:\n  a: {prompt: x, owns: [a]}\n  r:\n    aggregate: {from: [a], into: ../r.md}\n    owns: [r.md]\n'), [
      '5:34: aggregate task "r" writes its report to "../r.md", outside the workspace; write it inside (e.g. `into: r.md`, owned by the task)',
    ]);
  });
});


describe('task file: every problem in one pass, the plan\'s too', () => {
  const overlap = (a: string, b: string, example: string, ga: string, gb: string) =>
    `task "${b}"`.length > 0 &&
    `tasks "${a}" and "${b}" can run at the same time but both own ${JSON.stringify(example)} ("${a}" owns ${JSON.stringify(ga)}, "${b}" owns ${JSON.stringify(gb)}); split the ownership so no path matches both, or add \`dependsOn: [${a}]\` to "${b}"`;

  it('an unknown key in one task does not hide an overlap between two others', () => {
    const text = ['version: 1', 'tasks:', '  a:', '    prompt: x', '    owns: [a.md]', '    promt: typo', '  b:', '    prompt: x', '    owns: [src/**]', '  c:', '    prompt: x', '    owns: ["**/*.ts"]', ''].join('\n');
    const r = parseTaskFileText('tasks.yaml', text);
    assert.equal(r.taskFile, undefined);
    assert.deepEqual(
      r.problems.map((p) => formatProblem(p).slice('tasks.yaml:'.length)),
      ['6:5: task "a": unknown key "promt" (did you mean "prompt"?)', `10:3: ${overlap('b', 'c', 'src/a.ts', 'src/**', '**/*.ts')}`],
    );
    const o = r.problems[1]!;
    assert.equal(text.slice(o.offset, o.endOffset), 'c', 'the overlap points at the task key');
    assert.deepEqual([o.code, o.tasks], ['ownership-conflict', ['c', 'b']]);
  });

  it('schema problems, cycles, unknown dependencies, outside globs and overlaps together', () => {
    const text = [
      'version: 1',
      'concurrency: 0',
      'tasks:',
      '  a:',
      '    prompt: x',
      '    owns: [../shared/**, docs/**]',
      '    dependsOn: [b]',
      '  b:',
      '    prompt: x',
      '    owns: [b/**]',
      '    dependsOn: [a, nope]',
      '  c:',
      '    prompt: x',
      '    owns: [docs/api.md]',
      '    reads: [b/**]',
      '',
    ].join('\n');
    assert.deepEqual(problems(text), [
      '2:14: concurrency: concurrency must be at least 1',
      '4:3: dependency cycle: a → b → a (each depends on the next); remove one of these dependsOn entries so the tasks can be ordered',
      '6:12: task "a" owns "../shared/**", which is outside the workspace: globs are relative to the workspace folder (the one that holds .agents/), and a task cannot write outside it; remove it',
      '11:20: task "b" depends on unknown task "nope" (known tasks: a, b, c)',
      '12:3: warning: task "c" reads "b/a", which task "b" may write, but nothing orders them; add `dependsOn: [b]` to "c" if it needs "b"\'s result',
      `12:3: ${overlap('a', 'c', 'docs/api.md', 'docs/**', 'docs/api.md')}`,
    ]);
  });

  it('warnings of the plan are reported too', () => {
    const text = 'version: 1\ntasks:\n  a: {prompt: x, owns: [src/**], extra: 1}\n  w: {prompt: x, owns: [api/**]}\n  r: {prompt: x, owns: [r.md], reads: [api/x.ts]}\n';
    assert.deepEqual(problems(text), [
      '3:34: task "a": unknown key "extra" (allowed: title, prompt, promptFile, run, aggregate, owns, reads, dependsOn, model, maxTurns, timeoutSeconds, budget, strategy, commands, network)',
      '5:3: warning: task "r" reads "api/x.ts", which task "w" may write, but nothing orders them; add `dependsOn: [w]` to "r" if it needs "w"\'s result',
    ]);
  });

  it('a task whose dependsOn is broken is left out, and so is what depends on it (its order is unknown)', () => {
    // m's dependsOn is not a list: m may come after a, and c after m; a and c must not be called concurrent.
    const text = 'version: 1\ntasks:\n  a: {prompt: x, owns: [src/**]}\n  m: {prompt: x, owns: [m], dependsOn: a}\n  c: {prompt: x, owns: [src/x.ts], dependsOn: [m]}\n';
    assert.deepEqual(problems(text), ['4:40: task "m" dependsOn: expected a list, got the string "a"']);
  });

  it('a task that is not a map still orders the tasks after it; its globs that are fine still count', () => {
    const text = 'version: 1\ntasks:\n  a: {prompt: x, owns: [src/**, /abs]}\n  b: 3\n  c: {prompt: x, owns: [src/x.ts], dependsOn: [b]}\n  d: {prompt: x, owns: [src/y.ts]}\n';
    const got = problems(text);
    assert.equal(got.length, 3, got.join('\n'));
    assert.match(got[0]!, /^3:33: task "a" owns "\/abs", an absolute path/);
    assert.match(got[1]!, /^4:6: task "b": expected a map, got number 3/);
    // c comes after b, whose order is unknown: no claim about c; d is checked
    assert.equal(got[2], `6:3: ${overlap('a', 'd', 'src/y.ts', 'src/**', 'src/y.ts')}`);
  });

  it('a valid file leaves the plan to the caller (no duplicates)', () => {
    const r = parseTaskFileText('t.yaml', 'version: 1\ntasks:\n  a: {prompt: x, owns: [src/**]}\n  b: {prompt: x, owns: [src/x.ts]}\n');
    assert.deepEqual(r.problems, []);
    assert.ok(r.taskFile);
  });

  it('a missing promptFile does not hide an overlap', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pa-taskfile-'));
    try {
      mkdirSync(path.join(dir, '.agents'));
      const file = path.join(dir, '.agents/tasks.yaml');
      writeFileSync(file, 'version: 1\ntasks:\n  a: {promptFile: nope.md, owns: [src/**]}\n  b: {prompt: x, owns: [src/x.ts]}\n');
      const r = await loadTaskFile(file, 'tasks.yaml');
      assert.equal(r.taskFile, undefined);
      assert.deepEqual(
        r.problems.map((p) => formatProblem(p).replace(dir, 'ROOT')),
        [
          'tasks.yaml:3:19: task "a": promptFile "nope.md" not found (paths are relative to the workspace root ROOT)',
          `tasks.yaml:4:3: ${overlap('a', 'b', 'src/x.ts', 'src/**', 'src/x.ts')}`,
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
