// One whole run on the 100,000-file repository: `startRun({apply: true})` with 8 agents, each
// writing one file (two turns: write_file, then a summary), against the fake API with no
// added latency — so the time measured is the engine's own: setup checks, snapshot, agents,
// result commits, analysis and apply.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { startRun } from '../src/engine';
import { startFakeAnthropic, type FakeAnthropic, type FakeScript } from '../test/fake-anthropic';
import { now } from './stats';

export const WHOLE_RUN_AGENTS = 8;

export function wholeRunScript(agents = WHOLE_RUN_AGENTS): FakeScript {
  const script: FakeScript = {};
  for (let k = 1; k <= agents; k++) {
    script[`agent${k}`] = [
      { toolCalls: [{ name: 'write_file', input: { path: `out/agent${k}.txt`, content: `written by agent ${k}\n` } }] },
      { text: `Wrote out/agent${k}.txt.` },
    ];
  }
  return script;
}

export function startWholeRunFake(latencyMs = 0): Promise<FakeAnthropic> {
  return startFakeAnthropic({ script: wholeRunScript(), latencyMs, apiKey: 'bench-key' });
}

export interface WholeRunTiming {
  readonly wallMs: number;
  /** startRun() returning: checks, leftovers, snapshot, journal. */
  readonly setupMs: number;
  /** From the run's start to the last agent done. */
  readonly agentsMs: number;
  /** Last task done → done resolved: analysis, journal, apply. */
  readonly finishMs: number;
}

/** Runs it once; throws unless every agent succeeded and every file was applied. */
export async function wholeRunOnce(dir: string, fake: FakeAnthropic): Promise<WholeRunTiming> {
  const t0 = now();
  const e0 = Date.now();
  const run = await startRun({ workspace: dir, apply: true, apiKey: 'bench-key', baseURL: fake.baseURL, maxRetries: 0, concurrency: WHOLE_RUN_AGENTS });
  const t1 = now();
  const view = await run.done;
  const wallMs = now() - t0;
  run.dispose();
  const bad = view.tasks.filter((t) => t.status !== 'succeeded');
  if (bad.length) throw new Error(`whole run: ${bad.map((t) => `${t.id} ${t.status} ${t.error ?? ''}`).join('; ')}`);
  for (let k = 1; k <= WHOLE_RUN_AGENTS; k++) {
    if (!existsSync(path.join(dir, `out/agent${k}.txt`))) throw new Error(`whole run: out/agent${k}.txt was not applied`);
  }
  const lastDone = Math.max(...view.tasks.map((t) => t.finishedAt ?? 0));
  return {
    wallMs,
    setupMs: t1 - t0,
    agentsMs: lastDone - (e0 + (t1 - t0)),
    finishMs: e0 + wallMs - lastDone,
  };
}
