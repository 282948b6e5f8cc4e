// A task's transcript (JSONL, one TranscriptEntry a line) as a readable Markdown document:
// the prompt, each turn with its text and tokens, tool calls with their inputs and
// results, commands with their output, the end — with local clock times, and the part of
// a strategy task (attempt, voter, judge) each entry belongs to. The raw JSONL stays the
// record; long texts are cut here and say so. Pure.
import type { TranscriptEntry } from '../core';
import { formatDuration } from './format';

export interface TranscriptFormatOptions {
  readonly title: string;
  /** The JSONL file, named in the header. */
  readonly rawPath: string;
  /** Lines of the JSONL that could not be read. */
  readonly skipped?: number;
  /** Clock time of an epoch-ms instant (default: local HH:MM:SS). */
  readonly clock?: (ms: number) => string;
  /** Lines a text keeps before it is cut (default 200). */
  readonly maxLines?: number;
}

export function parseTranscript(text: string): { entries: TranscriptEntry[]; skipped: number } {
  const entries: TranscriptEntry[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as TranscriptEntry;
      if (typeof e === 'object' && e !== null && typeof e.type === 'string') entries.push(e);
      else skipped++;
    } catch {
      skipped++; // a line cut by a crash, or not ours
    }
  }
  return { entries, skipped };
}

type Data = Record<string, unknown>;
const isRecord = (v: unknown): v is Data => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A stdout/stderr entry's text: a string, or `{value}` when tagged with its part. */
const chunk = (e: TranscriptEntry) => (typeof e.data === 'string' ? e.data : isRecord(e.data) ? (str(e.data['value']) ?? '') : '');

const localClock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** Which part of a strategy task an entry is from ("Attempt 2", "Voter 1", "Judge"). */
function partOf(d: unknown): string {
  if (!isRecord(d)) return '';
  if (d['judge'] !== undefined) return typeof d['judge'] === 'number' && d['judge'] > 1 ? `Judge (round ${d['judge']})` : 'Judge';
  if (typeof d['voter'] === 'number') return `Voter ${d['voter']}`;
  if (typeof d['attempt'] === 'number') return `Attempt ${d['attempt']}${d['score'] === true ? ' score' : ''}`;
  return '';
}

/** A fenced block whose fence no backtick run in the text can close. */
function fence(text: string, lang = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(Math.max(3, longest + 1));
  return `${f}${lang}\n${text.replace(/\n$/, '')}\n${f}`;
}

export function formatTranscript(entries: readonly TranscriptEntry[], o: TranscriptFormatOptions): string {
  const clock = o.clock ?? localClock;
  const maxLines = o.maxLines ?? 200;
  const cut = (text: string) => {
    const lines = text.replace(/\n$/, '').split('\n');
    return lines.length <= maxLines ? text : `${lines.slice(0, maxLines).join('\n')}\n… ${lines.length - maxLines} more lines (see the raw JSONL)`;
  };
  const out: string[] = [`# ${o.title}`, `Raw JSONL: \`${o.rawPath}\` (Open Raw Transcript)`];
  if (o.skipped) out.push(`> ${o.skipped} line${o.skipped === 1 ? '' : 's'} of the JSONL could not be read; the raw file has them.`);
  if (!entries.length) out.push('Nothing recorded yet.');
  const start = entries[0]?.at ?? 0;
  const turns = new Map<string, number>();
  const head = (level: 2 | 3, e: TranscriptEntry, what: string) => {
    const part = partOf(e.data);
    return `${'#'.repeat(level)} ${clock(e.at)} · ${part ? `${part} · ` : ''}${what}`;
  };

  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as TranscriptEntry;
    const d: Data = isRecord(e.data) ? e.data : { value: e.data };
    switch (e.type) {
      case 'system': {
        const tools = Array.isArray(d['tools']) ? (d['tools'] as unknown[]).map(String).join(', ') : '';
        out.push(head(2, e, 'Setup'), `Model ${str(d['model']) ?? '?'}${tools ? ` · tools: ${tools}` : ''}`);
        if (str(d['system'])) out.push('System prompt:', fence(cut(str(d['system']) as string)));
        break;
      }
      case 'user':
        out.push(head(2, e, 'Task prompt'), cut(str(d['text']) ?? JSON.stringify(d)));
        break;
      case 'assistant': {
        const part = partOf(e.data);
        const n = (turns.get(part) ?? 0) + 1;
        turns.set(part, n);
        const usage = isRecord(d['usage']) ? d['usage'] : {};
        const tokens = typeof usage['input_tokens'] === 'number' ? ` (${usage['input_tokens']} in · ${usage['output_tokens'] ?? 0} out tokens)` : '';
        out.push(head(2, e, `Turn ${n}${tokens}`));
        const blocks = Array.isArray(d['content']) ? (d['content'] as unknown[]).filter(isRecord) : [];
        for (const b of blocks) {
          if (b['type'] === 'text' && str(b['text'])?.trim()) out.push(cut(str(b['text']) as string));
          else if (b['type'] === 'thinking' && str(b['thinking'])) out.push(`> _Thinking:_ ${cut(str(b['thinking']) as string).replace(/\n/g, '\n> ')}`);
        }
        const stop = str(d['stop_reason']);
        if (stop && stop !== 'tool_use' && stop !== 'end_turn') out.push(`_Stopped: ${stop}_`);
        break;
      }
      case 'tool_use': {
        const input = isRecord(d['input']) ? d['input'] : {};
        const name = str(d['name']) ?? 'tool';
        // The heading names what the call is about; its content is a block; the rest is JSON.
        const key = ['path', 'pattern', 'command'].find((k) => str(input[k]) !== undefined);
        out.push(head(3, e, `${name}${key ? ` \`${str(input[key])}\`` : ''}`));
        if (str(input['content']) !== undefined) out.push(fence(cut(str(input['content']) as string)));
        const rest = Object.fromEntries(Object.entries(input).filter(([k]) => k !== 'content' && k !== key));
        if (Object.keys(rest).length) out.push('Input:', fence(cut(JSON.stringify(rest, null, 2)), 'json'));
        break;
      }
      case 'tool_result': {
        const content = typeof d['content'] === 'string' ? d['content'] : JSON.stringify(d['content'], null, 2);
        if (d['name'] === 'run_command' && d['is_error'] !== true) {
          // The command's outcome (exit code, time) leads; its output and changed files follow.
          const [outcome, ...rest] = content.split('\n\n');
          out.push(`**${outcome}**`, ...(rest.length ? [fence(cut(rest.join('\n\n')))] : []));
        } else out.push(d['is_error'] === true ? '**Error:**' : 'Result:', fence(cut(content)));
        break;
      }
      case 'stdout':
      case 'stderr': {
        // Chunks of one stream (and part) in a row read as one block.
        const part = partOf(e.data);
        let text = chunk(e);
        for (let next = entries[i + 1]; next && next.type === e.type && partOf(next.data) === part; next = entries[i + 1]) {
          text += chunk(next);
          i++;
        }
        out.push(head(3, e, e.type === 'stdout' ? 'Output' : 'stderr'), fence(cut(text)));
        break;
      }
      case 'event':
        out.push(...eventLines(e, d, head, start, cut));
        break;
      default:
        out.push(head(3, e, String(e.type)), fence(cut(JSON.stringify(e.data, null, 2)), 'json'));
    }
  }
  return out.join('\n\n') + '\n';
}

function eventLines(
  e: TranscriptEntry,
  d: Data,
  head: (level: 2 | 3, e: TranscriptEntry, what: string) => string,
  start: number,
  cut: (s: string) => string,
): string[] {
  const kind = str(d['kind']);
  if (kind === 'start') {
    return [head(2, e, 'Command'), fence(str(d['command']) ?? '', 'sh'), ...(str(d['cwd']) ? [`In \`${d['cwd']}\``] : [])];
  }
  if (kind === 'end') {
    const how = typeof d['exitCode'] === 'number' ? `exit code ${d['exitCode']}` : str(d['stopReason']);
    const lines = [head(2, e, `Ended: ${str(d['status']) ?? '?'}${how ? ` (${how})` : ''} after ${formatDuration(e.at - start)}`)];
    if (str(d['error'])) lines.push(cut(str(d['error']) as string));
    return lines;
  }
  if (kind === 'retry') return [head(3, e, 'Retry'), str(d['message']) ?? ''];
  if (kind === 'budget') return [head(3, e, `Stopped by a budget (${str(d['stopReason']) ?? '?'})`)];
  if (str(d['aggregate'])) {
    const from = Array.isArray(d['from']) ? (d['from'] as unknown[]).map(String).join(', ') : '';
    return [head(2, e, `Aggregate (${d['aggregate']}) of ${from}${str(d['into']) ? ` into ${d['into']}` : ''}`)];
  }
  return [head(3, e, 'Event'), fence(cut(JSON.stringify(e.data, null, 2)), 'json')];
}
