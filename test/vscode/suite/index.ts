// Entry of the extension-host test suite. VS Code loads the bundled form of this file
// (out/test/vscode/suite/index.js) and calls run(); it resolves when every test passed.
// Used by runInServer.mjs (the VS Code server + headless Chromium, offline) and by
// @vscode/test-electron on a desktop (npm run test:electron).
// Files named *.untrusted.test.js run only in an untrusted workspace, the others only
// in a trusted one: the runner starts VS Code once each way.
import { appendFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  const report = process.env.PA_TEST_REPORT;
  const write = (line: string) => {
    console.log(line);
    if (report) appendFileSync(report, line + '\n');
  };
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: LineReporter(write) });
  const untrusted = !vscode.workspace.isTrusted;
  const grep = process.env.PA_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const f of readdirSync(__dirname).sort()) {
    if (!f.endsWith('.test.js')) continue;
    if (f.endsWith('.untrusted.test.js') !== untrusted) continue;
    mocha.addFile(path.join(__dirname, f));
  }
  write(`suite: VS Code ${vscode.version}, ${untrusted ? 'untrusted' : 'trusted'} workspace ${vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '(none)'}`);
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} test(s) failed`);
}

/** A spec-like reporter whose every line goes through `write` (console and the report file). */
function LineReporter(write: (line: string) => void) {
  return class implements Mocha.reporters.Base {
    stats: Mocha.Stats = { suites: 0, tests: 0, passes: 0, pending: 0, failures: 0 };
    runner: Mocha.Runner;
    failures: Mocha.Test[] = [];
    constructor(runner: Mocha.Runner) {
      this.runner = runner;
      const C = Mocha.Runner.constants;
      let depth = 0;
      const indent = () => '  '.repeat(depth);
      runner.on(C.EVENT_SUITE_BEGIN, (s: Mocha.Suite) => {
        if (s.title) write(`${indent()}${s.title}`);
        depth++;
      });
      runner.on(C.EVENT_SUITE_END, () => depth--);
      runner.on(C.EVENT_TEST_PASS, (t: Mocha.Test) => {
        this.stats.passes++;
        write(`${indent()}✔ ${t.title} (${t.duration ?? 0}ms)`);
      });
      runner.on(C.EVENT_TEST_PENDING, (t: Mocha.Test) => {
        this.stats.pending++;
        write(`${indent()}- ${t.title} (skipped)`);
      });
      runner.on(C.EVENT_TEST_FAIL, (t: Mocha.Test, err: Error) => {
        this.stats.failures++;
        this.failures.push(t);
        write(`${indent()}✘ ${t.title}\n${indent()}  ${String(err?.stack ?? err).split('\n').join('\n' + indent() + '  ')}`);
      });
      runner.once(C.EVENT_RUN_END, () => {
        write(`\ntests: ${this.stats.passes} passed, ${this.stats.failures} failed, ${this.stats.pending} skipped`);
      });
    }
    epilogue(): void {}
    done(failures: number, fn?: (failures: number) => void): void {
      fn?.(failures);
    }
  };
}
