// Builds runs for tests: a base snapshot and task results made through the real engine.
import { ObjectReader } from '../../../src/git/catFileBatch';
import { createRunId } from '../../../src/git/ids';
import { OverlayWorkspace } from '../../../src/git/overlayWorkspace';
import { openRepo, type GitRepo } from '../../../src/git/repo';
import { commitOverlay } from '../../../src/git/resultCommit';
import { snapshotWorkingTree } from '../../../src/git/snapshot';
import type { TestRepo } from './helpers';

export interface ScenarioTask {
  id: string;
  owns: string[];
  baseCommit: string;
  resultCommit: string;
}

export class Scenario {
  readonly tasks: ScenarioTask[] = [];
  private constructor(
    readonly t: TestRepo,
    readonly repo: GitRepo,
    readonly runId: string,
    readonly base: string,
    readonly reader: ObjectReader,
  ) {}

  static async start(t: TestRepo): Promise<Scenario> {
    const repo = await openRepo(t.dir);
    const runId = createRunId();
    const base = await snapshotWorkingTree(repo, runId);
    return new Scenario(t, repo, runId, base, new ObjectReader(repo));
  }

  /** A task whose overlay writes (string/Buffer) or deletes (null) files. */
  async task(id: string, owns: string[], files: Record<string, string | Buffer | null>, baseCommit = this.base): Promise<ScenarioTask> {
    const ws = new OverlayWorkspace(this.repo, this.reader, baseCommit);
    for (const [p, c] of Object.entries(files)) {
      if (c === null) await ws.deleteFile(p);
      else await ws.writeFile(p, c);
    }
    const resultCommit = await commitOverlay(this.repo, { runId: this.runId, taskId: id, baseCommit, workspace: ws, message: id });
    const task = { id, owns, baseCommit, resultCommit };
    this.tasks.push(task);
    return task;
  }

  dispose(): void {
    this.reader.dispose();
  }
}
