// The fan-in of live progress and transcripts when one task runs several agents
// (competitive attempts, voters, a judge).
import type { TaskProgress, TokenUsage, TranscriptEntry } from '../core';
import { addUsage, emptyUsage } from '../core';

/**
 * Several agents of one task report progress as one: tokens and cost are summed over the
 * parts (finished parts keep their final numbers), the current tool names its part.
 */
export class ProgressFanIn {
  private readonly parts = new Map<string, { tokens: TokenUsage; costUsd: number; turns: number }>();
  private readonly started = Date.now();

  constructor(
    private readonly taskId: string,
    private readonly emit: (p: TaskProgress) => void,
  ) {}

  /** The progress callback for one part ("attempt 2", "voter 3", "judge"). */
  part(name: string): (p: TaskProgress) => void {
    return (p) => {
      this.parts.set(name, { tokens: p.tokens, costUsd: p.costUsd, turns: p.turns });
      const total = this.total();
      this.emit({
        taskId: this.taskId,
        ...(p.currentTool !== undefined && { currentTool: `${name}: ${p.currentTool}` }),
        ...(p.textDelta !== undefined && { textDelta: p.textDelta }),
        tokens: total.tokens,
        costUsd: total.costUsd,
        turns: total.turns,
        elapsedMs: Date.now() - this.started,
      });
    };
  }

  /** Records a part's final numbers (so a part that streamed nothing still counts). */
  settle(name: string, tokens: TokenUsage, costUsd: number): void {
    const prev = this.parts.get(name);
    this.parts.set(name, { tokens, costUsd, turns: prev?.turns ?? 0 });
  }

  total(): { tokens: TokenUsage; costUsd: number; turns: number } {
    let tokens = emptyUsage();
    let costUsd = 0;
    let turns = 0;
    for (const p of this.parts.values()) {
      tokens = addUsage(tokens, p.tokens);
      costUsd += p.costUsd;
      turns += p.turns;
    }
    return { tokens, costUsd, turns };
  }
}

/** Transcript entries of one part of a task, tagged with the part (`{attempt: 2}`, `{voter: 3}`). */
export function taggedTranscript(
  onTranscript: (e: TranscriptEntry) => void,
  tag: Record<string, string | number | boolean>,
): (e: TranscriptEntry) => void {
  return (e) => {
    const data = typeof e.data === 'object' && e.data !== null && !Array.isArray(e.data) ? { ...tag, ...(e.data as object) } : { ...tag, value: e.data };
    onTranscript({ ...e, data });
  };
}
