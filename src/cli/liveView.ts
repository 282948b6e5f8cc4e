// The live view of `run` on a terminal, redrawn in place at most ten times a second however
// many events the run streams. A run that fits the terminal shows one line per task; a
// larger one (a run of 1,000 tasks) shows its counts per status, then the running tasks
// and the failed ones, as many as the terminal has rows for. No line is wider than the
// terminal: a wrapped line would throw the cursor-up count of the next frame off.
import type { RunRecord, TaskRecord } from '../engine';
import { formatMs, formatUsd, statusMark } from './format';

export interface LiveTerminal {
  write(text: string): void;
  /** The terminal's size now (it may be resized during the run). */
  size(): { readonly rows: number; readonly columns: number };
}

/** What the view reads of a run (the engine's Run). */
export interface LiveSource {
  readonly record: RunRecord;
  onDidChangeTask(listener: () => void): { dispose(): void };
  onDidProgress(listener: () => void): { dispose(): void };
}

export interface LiveViewOptions {
  /** Says that Ctrl-C was pressed: the view says the run is being cancelled. */
  readonly interrupt?: AbortSignal;
  /** At most one redraw per this many ms (default 100). */
  readonly intervalMs?: number;
  /** The clock and the timer (tests pass their own). */
  readonly now?: () => number;
  readonly setTimer?: (fn: () => void, ms: number) => { clear(): void };
}

const realTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return { clear: () => clearTimeout(t) };
};

export class LiveView {
  private readonly subs: Array<{ dispose(): void }> = [];
  private drawn = 0;
  private last = '';
  private pending: { clear(): void } | undefined;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => { clear(): void };
  /** Frames written (a frame identical to the one on screen is not written again). */
  frames = 0;

  constructor(
    private readonly terminal: LiveTerminal,
    private readonly source: LiveSource,
    private readonly options: LiveViewOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 100;
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? realTimer;
    const schedule = () => (this.pending ??= this.setTimer(() => this.draw(), this.intervalMs));
    this.subs.push(source.onDidChangeTask(schedule), source.onDidProgress(schedule));
    options.interrupt?.addEventListener('abort', schedule, { once: true });
    this.draw();
  }

  private draw(): void {
    this.pending = undefined;
    const { rows, columns } = this.terminal.size();
    const lines = liveFrame(this.source.record, this.now(), rows, this.options.interrupt?.aborted === true);
    const width = Math.max(20, columns - 1);
    const text = lines.map((l) => `\x1b[2K${l.length > width ? l.slice(0, width - 1) + '…' : l}\n`).join('');
    if (text === this.last) return;
    const up = this.drawn ? `\x1b[${this.drawn}A` : '';
    // Redraw in place; `\x1b[J` clears lines left over from a longer previous frame.
    this.terminal.write(up + text + '\x1b[J');
    this.last = text;
    this.drawn = lines.length;
    this.frames++;
  }

  /** Draws the last state and stops listening. */
  dispose(): void {
    this.pending?.clear();
    this.draw();
    for (const s of this.subs) s.dispose();
  }
}

const ORDER: readonly TaskRecord['status'][] = ['succeeded', 'failed', 'undecided', 'cancelled', 'skipped', 'running', 'queued'];

/**
 * The lines of one frame for a terminal of `rows` rows: every task when they fit, else a
 * header with the counts, the running tasks (longest running first), then the failed ones.
 */
export function liveFrame(v: RunRecord, now: number, rows: number, cancelling: boolean): string[] {
  const room = Math.max(3, rows - 1);
  const notice = cancelling && v.tasks.some((t) => t.status === 'running') ? ['  Cancelling… finished work is kept (Ctrl-C again quits at once)'] : [];
  if (v.tasks.length + notice.length <= room) return [...v.tasks.map((t) => liveLine(t, now)), ...notice];
  const counts = new Map<string, number>();
  for (const t of v.tasks) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const done = v.tasks.length - (counts.get('running') ?? 0) - (counts.get('queued') ?? 0);
  const parts = ORDER.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
  const header = `  ${done}/${v.tasks.length} done · ${parts.join(' · ')} · ${formatMs(now - v.startedAt)}`;
  const running = v.tasks.filter((t) => t.status === 'running').sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0));
  const failed = v.tasks.filter((t) => t.status === 'failed' || t.status === 'undecided').sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0));
  const shown = [...running, ...failed];
  const space = room - 1 - notice.length;
  // The last row says how many are left out, when some are.
  const fit = shown.length <= space ? shown : shown.slice(0, space - 1);
  const rest = shown.length - fit.length;
  const more = rest ? [`  … and ${rest} more ${rest > failed.length ? 'running or failed' : 'failed'}`] : [];
  return [header, ...fit.map((t) => liveLine(t, now)), ...more, ...notice];
}

export function liveLine(t: TaskRecord, now: number): string {
  const elapsed = t.ms ?? (t.startedAt !== undefined ? now - t.startedAt : 0);
  const tokens = t.tokens.input + t.tokens.output;
  const tool = t.status === 'running' && t.progress?.currentTool ? ` · ${t.progress.currentTool}` : '';
  const reason = t.status === 'failed' || t.status === 'undecided' ? (t.error ?? t.reason) : undefined;
  // One row per line: an error's own line breaks would throw the cursor-up count off.
  const why = reason ? ` · ${reason.replace(/\s+/g, ' ')}` : '';
  return `  ${statusMark(t.status)} ${t.id.padEnd(14)} ${t.status.padEnd(9)} ${formatMs(elapsed).padStart(7)} · ${tokens} tok · ${formatUsd(t.costUsd)}${tool}${why}`;
}
