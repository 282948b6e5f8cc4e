// The run record read from journals: version 1 files written by the code before it (real
// runs, see test/fixtures/journal-v1/generate.ts) migrate into it; version 2 is the
// record itself, validated on the way in and without its live-only fields on the way out.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analysisInputs, applyInputs, parseRunRecord, taskOf, workspacePath, type RunRecord } from '../../../src/engine';
import { journalOf } from '../../../src/engine/runJournal';

const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/journal-v1', name), 'utf8'));
const subfolder = () => parseRunRecord(fixture('subfolder-strategies-applied.json'), 'subfolder.json', '/elsewhere');
const topLevel = () => parseRunRecord(fixture('toplevel-commands-failed.json'), 'toplevel.json', '/elsewhere');

describe('engine: the run record from journals', () => {
  it("a v1 journal of a sub-folder workspace: its folder found from the task file, every path repository-relative, attempts' too", () => {
    const r = subfolder();
    assert.equal(r.version, 2);
    assert.equal(r.repoRoot, '/repo'); // the journal's own root beats the reader's guess
    assert.equal(r.prefix, 'pkg/');
    assert.deepEqual(r.tasks.map((t) => t.id), ['review-bugs', 'review-style', 'review-report', 'review-summary', 'clamp', 'tagline', 'license', 'license-file', 'notes']);
    const clamp = taskOf(r, 'clamp')!;
    assert.deepEqual(clamp.owns, ['pkg/src/clamp.js']);
    assert.deepEqual(clamp.changed, ['pkg/src/clamp.js']);
    assert.deepEqual(clamp.strategy?.competitive?.attempts.map((a) => a.changed), [['pkg/src/clamp.js'], ['pkg/src/clamp.js'], ['pkg/src/clamp.js']]);
    assert.deepEqual(taskOf(r, 'notes')!.owns, ['pkg/log/', '!pkg/log/tmp/**']);
    assert.equal(workspacePath(r, 'pkg/src/clamp.js'), 'src/clamp.js');
    // Times as numbers; the apply the git layer mirrored in is kept as it was.
    assert.equal(r.startedAt, Date.parse('2026-12-01T11:23:00.426Z'));
    assert.equal(typeof clamp.startedAt, 'number');
    assert.equal(r.applied?.tasks.length, 9);
    assert.equal(r.applied?.undoneAt, undefined);
  });

  it('a v1 journal at the top level: no folder, a failed task keeps its error, apply takes the rest in dependency order', () => {
    const r = topLevel();
    assert.equal(r.prefix, '');
    assert.equal(r.status, 'failed');
    assert.match(taskOf(r, 'broken')?.error ?? '', /Exit code 3/);
    // The journal lists `second` before what it builds on.
    assert.deepEqual(r.tasks.map((t) => t.id), ['second', 'first', 'broken']);
    assert.deepEqual(applyInputs(r).map((t) => t.id), ['first', 'second']);
    // The failed task's work stays reviewable.
    assert.deepEqual(analysisInputs(r).map((t) => t.id), ['first', 'broken', 'second']);
  });

  it('version 2 round-trips through the journal without what only a live run has', () => {
    const r = subfolder();
    const live: RunRecord = {
      ...r,
      analysis: { runId: r.runId, tasks: [], overlaps: [], violations: [] } as unknown as RunRecord['analysis'],
      tasks: r.tasks.map((t) => ({ ...t, progress: { taskId: t.id, tokens: t.tokens, costUsd: 0, turns: 1, elapsedMs: 1 } })),
    };
    const stored = JSON.parse(JSON.stringify(journalOf(live))) as Record<string, unknown>;
    assert.equal(stored['analysis'], undefined);
    assert.ok((stored['tasks'] as Record<string, unknown>[]).every((t) => t['progress'] === undefined));
    assert.deepEqual(parseRunRecord(stored, 'x.json', '/repo'), r);
  });

  it('refuses a damaged or newer journal, saying which file and what to do', () => {
    const r = JSON.parse(JSON.stringify(journalOf(topLevel()))) as Record<string, unknown>;
    assert.throws(() => parseRunRecord({ ...r, version: 3 }, 'runs/x.json', '/repo'), /runs\/x\.json has version 3.*update/);
    assert.throws(() => parseRunRecord({ ...r, status: 'exploded' }, 'runs/x.json', '/repo'), /runs\/x\.json is damaged \(unknown status "exploded"\).*prune/);
    const tasks = (r['tasks'] as Record<string, unknown>[]).map((t) => ({ ...t, owns: 'f.txt' }));
    assert.throws(() => parseRunRecord({ ...r, tasks }, 'runs/x.json', '/repo'), /task second has no owns/);
  });
});
