// What the CLI tests build: task files, runs recorded by hand (a journal over a real base
// snapshot), and the CLI called in-process.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { JournalV1 } from '../../../src/engine';
import { createRunId, currentOwner, openRepo, snapshotWorkingTree, writeJournal } from '../../../src/git';
import { captureIO } from '../../unit/cli/helpers';

/** The CLI in this process (a process each would take a second on a busy machine). */
export async function cliIn(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(cwd);
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

/** A task file in `dir`/.agents/tasks.yaml from a `{ id: { run, owns } }` table. */
export function writeTaskFile(dir: string, tasks: Record<string, { run: string; owns: string[]; dependsOn?: string[] }>, concurrency?: number): void {
  mkdirSync(path.join(dir, '.agents'), { recursive: true });
  const lines = ['version: 1', ...(concurrency !== undefined ? [`concurrency: ${concurrency}`] : []), 'tasks:'];
  for (const [id, t] of Object.entries(tasks)) {
    lines.push(`  ${id}:`, `    run: ${JSON.stringify(t.run)}`, `    owns: ${JSON.stringify(t.owns)}`);
    if (t.dependsOn) lines.push(`    dependsOn: ${JSON.stringify(t.dependsOn)}`);
  }
  writeFileSync(path.join(dir, '.agents', 'tasks.yaml'), lines.join('\n') + '\n');
}

/**
 * A finished run of `dir`'s repository as its (version 1) journal says, over a real base snapshot of
 * the working tree; `tasks(base)` gets the base commit (for tasks that "changed nothing").
 */
export async function recordRun(dir: string, status: JournalV1['status'], tasks: (base: string) => JournalV1['tasks']): Promise<string> {
  const repo = await openRepo(dir);
  const runId = createRunId();
  const base = await snapshotWorkingTree(repo, runId);
  const now = new Date().toISOString();
  const journal: JournalV1 = {
    version: 1,
    runId,
    startedAt: now,
    finishedAt: now,
    status,
    owner: currentOwner(),
    baseCommit: base,
    concurrency: 3,
    taskFile: '.agents/tasks.yaml',
    tasks: tasks(base),
  };
  await writeJournal(repo, journal);
  return runId;
}
