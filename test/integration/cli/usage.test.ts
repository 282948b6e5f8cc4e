// The built CLI as a new user meets it: help that lists every flag, suggestions for typos,
// a DIR that is missing or a file, no API key, and a reader that stops early.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { COMMANDS } from '../../../src/cli/commandSpecs';
import { COMMAND_LOADERS } from '../../../src/cli/main';
import { cleanupRepos, makeRepo } from '../git/helpers';
import { requireBuiltCli, runCli, STACK_TRACE } from './cliProcess';
import { cliIn, writeTaskFile } from './fixture';

/** The flags the README's CLI section documents, by command. */
const README_FLAGS: Record<string, string[]> = {
  plan: ['file', 'json', 'concurrency'],
  run: ['file', 'only', 'concurrency', 'apply', 'json', 'max-cost'],
  runs: ['json'],
  show: ['json'],
  apply: ['only', 'include-violations', 'json'],
  undo: ['force'],
  choose: [],
  prune: ['keep', 'older-than', 'force', 'dry-run'],
};

describe('cli: help, usage errors and first-run edges (dist/cli.js)', function () {
  this.timeout(60_000);
  let scratch: string;
  before(function () {
    requireBuiltCli(this);
  });
  beforeEach(() => (scratch = mkdtempSync(path.join(tmpdir(), 'pa-cli-usage-'))));
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));
  after(cleanupRepos);

  it('every command in the table has an implementation, and every implementation an entry', () => {
    assert.deepEqual(Object.keys(COMMAND_LOADERS).sort(), COMMANDS.map((c) => c.name).sort());
  });

  it('--help lists every command and every flag the README documents; each command has its own --help', async () => {
    const help = await runCli(['--help'], scratch); // the built CLI once, the rest in-process
    assert.equal(help.code, 0);
    for (const [command, flags] of Object.entries(README_FLAGS)) {
      const line = help.out.split('\n').find((l) => l.startsWith(`  ${command} `));
      assert.ok(line, `no line for ${command} in:\n${help.out}`);
      for (const f of flags) assert.match(line, new RegExp(`--${f}\\b`), `${command} --${f} missing from: ${line}`);
      const own = await cliIn(scratch, command, '--help');
      assert.equal(own.code, 0, own.err);
      assert.match(own.out, new RegExp(`^usage: parallel-agents ${command} `));
      for (const f of flags) assert.match(own.out, new RegExp(`^  --${f}\\b[^\\n]*?  +\\S`, 'm'), `${command} --help does not explain --${f}`);
    }
    assert.equal((await cliIn(scratch, 'help', 'undo')).out, (await cliIn(scratch, 'undo', '-h')).out);
  });

  it('a mistyped command or flag gets "did you mean"; a flag of another command or a retired one says so', async () => {
    const cmd = await cliIn(scratch, 'aply', 'last');
    assert.equal(cmd.code, 2);
    assert.match(cmd.err, /unknown command "aply"; did you mean "apply"\?/);
    const flag = await cliIn(scratch, 'plan', '--jsno');
    assert.equal(flag.code, 2);
    assert.match(flag.err, /unknown option --jsno; did you mean --json\?/);
    assert.match(flag.err, /usage: parallel-agents plan \[DIR\]/);
    assert.match((await cliIn(scratch, 'run', '--concurency', '2')).err, /did you mean --concurrency\?/);
    assert.match((await cliIn(scratch, 'plan', '--apply')).err, /plan has no option --apply \(run has it\)/);
    assert.match((await cliIn(scratch, 'apply', 'last', '--force')).err, /apply has no option --force \(undo and prune have it\)/);
    const retired = await cliIn(scratch, 'apply', 'last', '--discard-violations');
    assert.equal(retired.code, 2);
    assert.match(retired.err, /--discard-violations is no longer an option of apply: .*left out by default.*--include-violations/);
  });

  it('a DIR that does not exist, or is a file, is said so (not "no task file in …")', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    writeFileSync(path.join(scratch, 'tasks.yaml'), 'version: 1\n');
    const cases: Array<[string[], RegExp]> = [
      [['plan', 'nope'], /the directory nope does not exist/],
      [['run', 'nope'], /the directory nope does not exist/],
      [['runs', 'nope'], /the directory nope does not exist/],
      [['show', 'nope', 'last'], /the directory nope does not exist/],
      [['apply', 'nope', 'last'], /the directory nope does not exist/],
      [['undo', 'nope', 'last'], /the directory nope does not exist/],
      [['plan', 'tasks.yaml'], /tasks\.yaml is a file, not a directory; to use it as the task file, pass --file tasks\.yaml/],
      [['run', 'tasks.yaml'], /tasks\.yaml is a file, not a directory; to use it as the task file/],
      [['show', 'tasks.yaml', 'last'], /tasks\.yaml is a file, not a directory/],
      [['undo', 'tasks.yaml', 'last'], /tasks\.yaml is a file, not a directory/],
    ];
    for (const [args, expected] of cases) {
      const r = await cliIn(scratch, ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, expected, args.join(' '));
      assert.doesNotMatch(r.err, /no task file|not a git repository/, args.join(' '));
    }
    // A real folder still works as before.
    assert.equal((await cliIn(scratch, 'runs', t.dir)).code, 0);
  });

  it('run without an API key says how to watch the scripted demo, and never calls the test double a model', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    writeTaskFile(t.dir, {});
    writeFileSync(path.join(t.dir, '.agents', 'tasks.yaml'), 'version: 1\ntasks:\n  a:\n    prompt: say hi\n    owns: [a.txt]\n');
    const r = await runCli(['run'], t.dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /no API key: set ANTHROPIC_API_KEY/);
    assert.match(r.err, /scripted test double/);
    assert.match(r.err, /npx tsx test\/integration\/engine\/serveFourStep\.ts/);
    assert.match(r.err, /ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:PORT ANTHROPIC_API_KEY=test node dist\/cli\.js run examples\/four-step/);
    assert.match(r.err, /npm run demo/);
    assert.doesNotMatch(r.err, /\bAI\b|demo model/);
    assert.equal(t.git('for-each-ref', 'refs/parallel-agents'), '', 'nothing was started');
  });

  it('a reader that stops early (`| head`) ends no command with an EPIPE stack trace', async () => {
    const t = makeRepo({ 'a.txt': 'a\n' });
    writeTaskFile(t.dir, { gen: { run: 'for i in 1 2 3; do echo $i > f$i.txt; done', owns: ['f*.txt'] } });
    assert.equal((await runCli(['run'], t.dir)).code, 0);
    for (const args of [['--help'], ['show', 'last'], ['apply', 'last'], ['undo', 'last']]) {
      const r = await runCli(args, t.dir, { closeStdout: true });
      assert.doesNotMatch(r.err, STACK_TRACE, `${args.join(' ')}:\n${r.err}`);
      assert.doesNotMatch(r.err, /EPIPE/, args.join(' '));
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
    }
    // The undo ran to the end although nobody read what it printed.
    assert.equal(t.exists('f1.txt'), false);
  });
});
