// Reads .agents/tasks.yaml (or .json) into validated tasks, reporting every problem at
// once as FILE:LINE:COL with the position of the node that caused it. JSON is parsed by
// the same YAML parser (JSON is YAML 1.2), which gives positions and duplicate-key
// detection for both.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isPair, isScalar } from 'yaml';
import type { z } from 'zod';
import { compileGlobs } from './glob';
import { globListProblems, intoProblem } from './taskFileGlobs';
import { partialPlanProblems, planProblems } from './taskFilePlan';
import { Positions, type PathKey, type Problem } from './taskFilePositions';
import {
  DEFAULT_CONCURRENCY,
  TASK_ID_PATTERN,
  taskFileSchema,
  type Task,
  type TaskFile,
  type TaskFileSpec,
  type TaskKind,
  type TaskSpec,
} from './taskSchema';

export const DEFAULT_TASK_FILES = ['.agents/tasks.yaml', '.agents/tasks.yml', '.agents/tasks.json'] as const;

export type { Problem, Severity } from './taskFilePositions';

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}

export interface ParseResult {
  /** Undefined when any error was found. */
  readonly taskFile?: TaskFile;
  /**
   * Every problem, sorted by position. When `taskFile` is undefined this includes the
   * plan's problems (overlaps, cycles, unordered reads) for the tasks that could be read,
   * since no caller gets a task file to plan; when it is present, the caller runs
   * `planTasks` (with the workspace's files for real example paths) and these are only
   * the parser's warnings.
   */
  readonly problems: readonly Problem[];
}

/** Parses and validates a task file's text. Never throws for bad input. */
export function parseTaskFileText(file: string, text: string): ParseResult {
  const pos = new Positions(file, text);
  const problems: Problem[] = [];

  for (const err of pos.doc.errors) {
    const message = err.code === 'DUPLICATE_KEY' ? duplicateKeyMessage(pos, err.pos) : cleanYamlMessage(err.message);
    problems.push(pos.problem('error', message, err.pos));
  }
  if (problems.length) return { problems };

  const raw: unknown = pos.doc.toJS({ maxAliasCount: 100 });
  if (raw === null || raw === undefined) {
    problems.push(pos.problem('error', 'the task file is empty; it needs `version: 1` and a `tasks:` map', [0, 0]));
    return { problems };
  }

  const parsed = taskFileSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(...zodProblems(pos, issue));
  }
  // Cross-field checks run on the raw data so that every problem is reported at once,
  // even when the schema already rejected something else.
  problems.push(...crossFieldProblems(pos, raw));
  if (problems.some((p) => p.severity === 'error') || !parsed.success) {
    // No task file for the callers to plan: the plan's checks run here, on what can be read.
    problems.push(...partialPlanProblems(pos, raw));
    return { problems: sortProblems(dedupe(problems)) };
  }
  return { taskFile: toTaskFile(pos, file, parsed.data), problems: sortProblems(problems) };
}

function duplicateKeyMessage(pos: Positions, range: [number, number]): string {
  // The error points at the key's first character; read the whole key from there.
  const rest = pos.text.slice(range[0]);
  const m = /^"((?:[^"\\]|\\.)*)"|^'([^']*)'|^([^:\s,{}[\]]+)/.exec(rest);
  const key = m ? (m[1] ?? m[2] ?? m[3] ?? '') : '';
  return key ? `duplicate key ${JSON.stringify(key)}: each key (and task id) may appear once` : 'duplicate key';
}

function cleanYamlMessage(m: string): string {
  // yaml appends "at line X, column Y" and a code excerpt; our prefix already says where.
  return m.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

function zodProblems(pos: Positions, issue: z.core.$ZodIssue): Problem[] {
  const p = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
  const where = describePath(p);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      pos.problem('error', `${where}unknown key ${JSON.stringify(key)}${suggestKey(p, key)}`, pos.keyRange(p, key)),
    );
  }
  // A missing required key is reported at its parent (the task's key, for tasks).
  const exists = pos.doc.hasIn(p);
  if (!exists && p.length) {
    const parent = p.slice(0, -1);
    const last = p[p.length - 1];
    const range = parent.length >= 2 && parent[0] === 'tasks' ? pos.keyRange(['tasks'], String(parent[1])) : pos.rangeAt(parent);
    if (issue.code === 'invalid_type' || issue.code === 'invalid_value') {
      return [pos.problem('error', `${describePath(parent)}missing required key ${JSON.stringify(last)}${missingHint(String(last))}`, range)];
    }
    return [pos.problem('error', `${where}${issue.message}`, range)];
  }
  return [pos.problem('error', `${where}${friendlyMessage(issue)}`, pos.rangeAt(p))];
}

function missingHint(key: string): string {
  switch (key) {
    case 'owns':
      return ' (the globs this task may write, e.g. `owns: [src/feature/**]`)';
    case 'version':
      return ' (add `version: 1` at the top)';
    case 'tasks':
      return ' (a map of task id → task)';
    default:
      return '';
  }
}

function friendlyMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const expected: Record<string, string> = { array: 'a list', object: 'a map', record: 'a map', string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true or false' };
    return `expected ${expected[issue.expected] ?? issue.expected}, got ${describeInput(issue.input)}`;
  }
  if (issue.code === 'invalid_union' && 'discriminator' in issue) {
    const got = isRecord(issue.input) ? issue.input.type : issue.input;
    return `must be one of additive, aggregative, competitive, consensus; got ${describeInput(got)}`;
  }
  return issue.message;
}

function describeInput(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${String(v)}`;
}

const TASK_KEYS = [
  'title', 'prompt', 'promptFile', 'run', 'aggregate', 'owns', 'reads', 'dependsOn', 'model', 'maxTurns',
  'timeoutSeconds', 'budget', 'strategy', 'commands', 'network',
];
const TOP_KEYS = ['version', 'model', 'concurrency', 'commands', 'mounts', 'setup', 'tasks', '$schema'];

function suggestKey(p: readonly PathKey[], key: string): string {
  const candidates = p.length === 0 ? TOP_KEYS : p.length === 2 && p[0] === 'tasks' ? TASK_KEYS : [];
  const best = candidates
    .map((c) => ({ c, d: editDistance(c.toLowerCase(), key.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)[0];
  if (best && best.d <= Math.max(1, Math.floor(key.length / 3))) return ` (did you mean ${JSON.stringify(best.c)}?)`;
  if (candidates.length) return ` (allowed: ${candidates.filter((c) => c !== '$schema').join(', ')})`;
  return '';
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0] as number;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j] as number;
      dp[j] = Math.min((dp[j] as number) + 1, (dp[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length] as number;
}

function describePath(p: readonly PathKey[]): string {
  if (!p.length) return '';
  if (p[0] === 'tasks' && p.length >= 2) {
    const rest = p.slice(2);
    return `task ${JSON.stringify(String(p[1]))}${rest.length ? ' ' + formatPath(rest) : ''}: `;
  }
  return `${formatPath(p)}: `;
}

function formatPath(p: readonly PathKey[]): string {
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function crossFieldProblems(pos: Positions, raw: unknown): Problem[] {
  const out: Problem[] = [];
  if (!isRecord(raw) || !isRecord(raw.tasks)) return out;
  const tasks = raw.tasks;
  const ids = new Set(Object.keys(tasks));
  if (ids.size === 0) {
    out.push(pos.problem('error', 'no tasks: add at least one task under `tasks:`', pos.rangeAt(['tasks'])));
  }
  for (const [id, t] of Object.entries(tasks)) {
    const keyRange = pos.keyRange(['tasks'], id);
    if (!TASK_ID_PATTERN.test(id)) {
      out.push(pos.problem('error', `task id ${JSON.stringify(id)} may contain only letters, digits, "-" and "_"`, keyRange));
    }
    if (!isRecord(t)) continue;
    const kinds = (['prompt', 'promptFile', 'run', 'aggregate'] as const).filter((k) => t[k] !== undefined);
    if (kinds.length === 0) {
      out.push(
        pos.problem(
          'error',
          `task ${JSON.stringify(id)} has nothing to do: give it a \`prompt\` (or \`promptFile\`) for an agent, or \`run\` for a shell command`,
          keyRange,
        ),
      );
    } else if (kinds.length > 1) {
      out.push(
        pos.problem(
          'error',
          `task ${JSON.stringify(id)} has both ${kinds.map((k) => `\`${k}\``).join(' and ')}: a task is either an agent (\`prompt\`/\`promptFile\`), a command (\`run\`) or an aggregate`,
          pos.keyRange(['tasks', id], kinds[1] as string),
        ),
      );
    }
    if (Array.isArray(t.dependsOn)) {
      t.dependsOn.forEach((dep, i) => {
        if (typeof dep !== 'string') return;
        if (dep === id) {
          out.push(pos.problem('error', `task ${JSON.stringify(id)} depends on itself`, pos.rangeAt(['tasks', id, 'dependsOn', i])));
        } else if (!ids.has(dep)) {
          out.push(
            pos.problem(
              'error',
              `task ${JSON.stringify(id)} depends on unknown task ${JSON.stringify(dep)}${suggestId(ids, dep)}`,
              pos.rangeAt(['tasks', id, 'dependsOn', i]),
            ),
          );
        }
      });
      const seen = new Set<string>();
      t.dependsOn.forEach((dep, i) => {
        if (typeof dep === 'string' && seen.has(dep)) {
          out.push(pos.problem('warning', `task ${JSON.stringify(id)} lists dependency ${JSON.stringify(dep)} twice`, pos.rangeAt(['tasks', id, 'dependsOn', i])));
        }
        if (typeof dep === 'string') seen.add(dep);
      });
    }
    if (isRecord(t.aggregate) && Array.isArray(t.aggregate.from)) {
      t.aggregate.from.forEach((from, i) => {
        if (typeof from !== 'string') return;
        const range = pos.rangeAt(['tasks', id, 'aggregate', 'from', i]);
        if (from === id) out.push(pos.problem('error', `aggregate task ${JSON.stringify(id)} cannot collect its own output`, range));
        else if (!ids.has(from)) {
          out.push(pos.problem('error', `aggregate task ${JSON.stringify(id)} collects unknown task ${JSON.stringify(from)}${suggestId(ids, from)}`, range));
        }
      });
    }
    out.push(...globListProblems(pos, id, 'owns', t.owns), ...globListProblems(pos, id, 'reads', t.reads));
    const outsideInto = isRecord(t.aggregate) && typeof t.aggregate.into === 'string' ? intoProblem(id, t.aggregate.into) : undefined;
    if (outsideInto) out.push(pos.problem('error', outsideInto, pos.rangeAt(['tasks', id, 'aggregate', 'into'])));
    else if (isRecord(t.aggregate) && typeof t.aggregate.into === 'string' && Array.isArray(t.owns) && t.owns.every((g) => typeof g === 'string')) {
      const into = t.aggregate.into;
      if (!compileGlobs(t.owns as string[]).matches(into)) {
        out.push(
          pos.problem(
            'error',
            `aggregate task ${JSON.stringify(id)} writes its report to ${JSON.stringify(into)}, which it does not own; add it to \`owns\` (e.g. \`owns: [${into}]\`)`,
            pos.rangeAt(['tasks', id, 'aggregate', 'into']),
          ),
        );
      }
    }
    if (t.aggregate !== undefined && isRecord(t.strategy) && (t.strategy.type === 'competitive' || t.strategy.type === 'consensus')) {
      out.push(
        pos.problem(
          'error',
          `task ${JSON.stringify(id)}: an aggregate collects other tasks' outputs and cannot also be ${t.strategy.type}; give the strategy to an agent task instead`,
          pos.rangeAt(['tasks', id, 'strategy']),
        ),
      );
    }
    if (t.strategy !== undefined && t.run !== undefined && isRecord(t.strategy) && t.strategy.type === 'consensus') {
      out.push(pos.problem('error', `task ${JSON.stringify(id)}: a consensus needs agents (\`prompt\`), not a command`, pos.rangeAt(['tasks', id, 'strategy'])));
    }
  }
  return out;
}

function suggestId(ids: Set<string>, wanted: string): string {
  const best = [...ids].map((c) => ({ c, d: editDistance(c, wanted) })).sort((a, b) => a.d - b.d)[0];
  if (best && best.d <= Math.max(1, Math.floor(wanted.length / 3))) return ` (did you mean ${JSON.stringify(best.c)}?)`;
  return ids.size ? ` (known tasks: ${[...ids].join(', ')})` : '';
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.offset}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.offset - b.offset || a.message.localeCompare(b.message));
}

function kindOf(t: TaskSpec): TaskKind {
  if (t.run !== undefined) return 'command';
  if (t.aggregate !== undefined) return 'aggregate';
  return 'agent';
}

function toTaskFile(pos: Positions, file: string, spec: TaskFileSpec): TaskFile {
  const tasks: Task[] = [];
  for (const pair of pos.pairs(['tasks'])) {
    if (!isScalar(pair.key) || !isPair(pair)) continue;
    const id = String(pair.key.value);
    const t = spec.tasks[id];
    if (!t) continue;
    const { line, col: column } = pair.key.range ? pos.lines.linePos(pair.key.range[0]) : { line: 1, col: 1 };
    const dependsOn = [...new Set([...(t.dependsOn ?? []), ...(t.aggregate?.from ?? [])])];
    tasks.push({
      id,
      kind: kindOf(t),
      ...(t.title !== undefined && { title: t.title }),
      ...(t.prompt !== undefined && { prompt: t.prompt }),
      ...(t.promptFile !== undefined && { promptFile: t.promptFile }),
      ...(t.run !== undefined && { run: t.run }),
      ...(t.aggregate !== undefined && { aggregate: t.aggregate }),
      owns: t.owns,
      reads: t.reads ?? [],
      dependsOn,
      ...(t.model !== undefined && { model: t.model }),
      ...(t.maxTurns !== undefined && { maxTurns: t.maxTurns }),
      ...(t.timeoutSeconds !== undefined && { timeoutSeconds: t.timeoutSeconds }),
      ...(t.budget !== undefined && { budget: t.budget }),
      ...(t.strategy !== undefined && { strategy: t.strategy }),
      ...((t.commands ?? spec.commands) && kindOf(t) === 'agent' && { commands: true }),
      ...(t.network !== undefined && { network: t.network }),
      line,
      column,
    });
  }
  return {
    path: file,
    ...(spec.model !== undefined && { model: spec.model }),
    concurrency: spec.concurrency ?? DEFAULT_CONCURRENCY,
    ...(spec.mounts !== undefined && { mounts: spec.mounts }),
    ...(spec.setup !== undefined && { setup: spec.setup }),
    tasks,
  };
}

export class TaskFileNotFoundError extends Error {
  constructor(readonly workspace: string, readonly tried: readonly string[]) {
    super(
      `no task file in ${workspace}: looked for ${tried.join(', ')}. Create .agents/tasks.yaml (see examples/four-step) or pass --file.`,
    );
  }
}

/** Finds the task file: an explicit path (relative to the workspace), else the defaults. */
export async function findTaskFile(workspace: string, explicit?: string): Promise<string> {
  const candidates = explicit ? [explicit] : [...DEFAULT_TASK_FILES];
  for (const c of candidates) {
    const full = path.resolve(workspace, c);
    try {
      const st = await fs.stat(full);
      if (st.isFile()) return full;
    } catch {
      // try the next one
    }
  }
  throw new TaskFileNotFoundError(workspace, candidates);
}

/**
 * Reads and validates a task file; loads `promptFile`s (a missing one is a problem at
 * the `promptFile` node). `displayPath` is what messages call the file.
 */
export async function loadTaskFile(fullPath: string, displayPath = fullPath): Promise<ParseResult> {
  let text: string;
  try {
    text = await fs.readFile(fullPath, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
    return { problems: [{ severity: 'error', message: `cannot read the task file: ${reason}`, file: displayPath, line: 1, column: 1, offset: 0, endOffset: 0 }] };
  }
  const result = parseTaskFileText(displayPath, text);
  if (!result.taskFile) return result;
  const root = workspaceRootOf(fullPath);
  const problems = [...result.problems];
  // Parsed again only for a problem's position: most task files have no promptFile.
  let positions: Positions | undefined;
  const pos = () => (positions ??= new Positions(displayPath, text));
  const tasks: Task[] = [];
  for (const t of result.taskFile.tasks) {
    if (t.promptFile === undefined) {
      tasks.push(t);
      continue;
    }
    try {
      const prompt = await fs.readFile(path.resolve(root, t.promptFile), 'utf8');
      tasks.push({ ...t, prompt });
    } catch {
      problems.push(
        pos().problem(
          'error',
          `task ${JSON.stringify(t.id)}: promptFile ${JSON.stringify(t.promptFile)} not found (paths are relative to the workspace root ${root})`,
          pos().rangeAt(['tasks', t.id, 'promptFile']),
        ),
      );
    }
  }
  if (problems.some((p) => p.severity === 'error')) {
    // As in parseTaskFileText: no task file for the caller to plan, so the plan's problems come along.
    return { problems: sortProblems([...problems, ...planProblems(pos(), result.taskFile)]) };
  }
  return { taskFile: { ...result.taskFile, tasks }, problems };
}

/** The workspace root for a task file: the parent of `.agents/`, else the file's folder. */
export function workspaceRootOf(taskFilePath: string): string {
  const dir = path.dirname(taskFilePath);
  return path.basename(dir) === '.agents' ? path.dirname(dir) : dir;
}
