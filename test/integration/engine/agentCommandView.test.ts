// An agent's command view is made while the agent already works (engine/commandViews.ts
// forAgent): real runs (real SDK against the fake API, real git, a real worktree view behind
// a sandbox factory that lets the test decide when the view is ready).
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startRun, type SandboxFactory } from '../../../src/engine';
import { createWorktreeCommandView } from '../../../src/git';
import { startFakeAnthropic, type FakeAnthropic } from '../../fake-anthropic';
import { git } from './fixture';

function repo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pa-agent-view-'));
  mkdirSync(path.join(dir, '.agents'));
  writeFileSync(path.join(dir, 'a.txt'), 'a\n');
  writeFileSync(path.join(dir, '.agents/tasks.yaml'), ['version: 1', 'tasks:', '  one:', '    prompt: one', '    owns: [out/**]', '    commands: true', ''].join('\n'));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

const script = {
  one: [
    { toolCalls: [{ name: 'write_file', input: { path: 'out/note.txt', content: 'written before any command\n' } }] },
    { toolCalls: [{ name: 'run_command', input: { command: 'mkdir -p out && cat out/note.txt a.txt > out/seen.txt' } }] },
    { text: 'done' },
  ],
};

/** Resolves when `fake` has received a request from task `id`, or after `ms` with false. */
async function requestArrives(fake: FakeAnthropic, id: string, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (fake.requests.some((r) => r.taskId === id)) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

/** The text of the tool result for the agent's run_command, from the request that carried it. */
function commandResult(fake: FakeAnthropic): { text: string; isError: boolean } | undefined {
  for (const r of fake.requests) {
    for (const m of r.messages as { content?: unknown }[]) {
      for (const b of Array.isArray(m.content) ? (m.content as Record<string, unknown>[]) : []) {
        if (b['type'] !== 'tool_result') continue;
        const c = b['content'];
        const text = typeof c === 'string' ? c : Array.isArray(c) ? c.map((x: { text?: string }) => x.text ?? '').join('') : '';
        if (/run_command|Exit code|could not be made/.test(text)) return { text, isError: b['is_error'] === true };
      }
    }
  }
  return undefined;
}

describe('engine: an agent starts before its command view is made', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic | undefined;
  let dir: string;
  afterEach(async () => {
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends its first turn while the view is still being made; its first command waits for the view and sees its earlier writes', async () => {
    dir = repo();
    fake = await startFakeAnthropic({ script });
    const served = fake;
    let requestCameFirst: boolean | undefined;
    const factory: SandboxFactory = {
      detect: async () => ({ available: true }),
      async createView(req) {
        // Before forAgent, the agent waited for this view: no request came in 3 s.
        requestCameFirst = await requestArrives(served, 'one', 3000);
        return createWorktreeCommandView({ ...req, fallbackReason: 'test' });
      },
    };
    const run = await startRun({ workspace: dir, apiKey: 'k', baseURL: fake.baseURL, maxRetries: 0, sandbox: 'auto', sandboxFactory: factory });
    const view = await run.done;
    run.dispose();
    const t = view.tasks.find((x) => x.id === 'one');
    assert.equal(t?.status, 'succeeded', t?.error);
    assert.equal(requestCameFirst, true);
    assert.equal(git(dir, 'show', `${t?.resultCommit}:out/seen.txt`), 'written before any command\na\n');
    assert.doesNotMatch(git(dir, 'worktree', 'list'), new RegExp(view.runId));
  });

  it('a view that cannot be made fails each command with the reason, says so once in the run log, and keeps the agent\'s work', async () => {
    dir = repo();
    fake = await startFakeAnthropic({ script });
    const logs: string[] = [];
    const factory: SandboxFactory = {
      detect: async () => ({ available: true }),
      createView: async () => {
        throw new Error('the shared base could not be locked (EACCES: /x/lock)');
      },
    };
    const run = await startRun({ workspace: dir, apiKey: 'k', baseURL: fake.baseURL, maxRetries: 0, sandbox: 'auto', sandboxFactory: factory, log: (level, m) => logs.push(`${level} ${m}`) });
    const view = await run.done;
    run.dispose();
    const t = view.tasks.find((x) => x.id === 'one');
    assert.equal(t?.status, 'succeeded', t?.error);
    assert.equal(git(dir, 'show', `${t?.resultCommit}:out/note.txt`), 'written before any command\n');
    const result = commandResult(fake);
    assert.equal(result?.isError, true);
    assert.match(result?.text ?? '', /could not be made \(the shared base could not be locked \(EACCES: \/x\/lock\)\)\. The command did not run; go on with the file tools/);
    assert.equal(logs.filter((l) => l.startsWith('error') && l.includes('could not be made')).length, 1, logs.join('\n'));
  });
});
