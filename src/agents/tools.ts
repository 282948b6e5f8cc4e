// The agents' file tools (names and parameters are part of the product: users see them in
// transcripts): read_file, list_files, search, write_file, edit_file, delete_file.
// Each is a zod tool for the SDK's tool runner and works on the task's TaskWorkspace.
// A refused or failed call throws a ToolError, which the runner sends back as a
// `tool_result` with `is_error: true`; nothing is changed by a refused call.
import { ToolError } from '@anthropic-ai/sdk/lib/tools/ToolError';
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import { z } from 'zod';
import type { TaskWorkspace, WorkspaceEntry, AgentCommandView } from '../core';
import { normalizeGlob, compileGlobSource, compileSearchRegex, evaluatePatterns, PatternCostError } from '../core';
import { checkWrite, normalizeToolPath, type WritePolicy } from './pathGuard';
import { resolveToolPath, throughLinks } from './pathResolve';
import { createRunCommandTool } from './commandTool';

import type { ToolHooks, ToolName } from './toolHooks';

export { TOOL_NAMES, type HookedToolName, type ToolHooks, type ToolName } from './toolHooks';

export interface FileToolsOptions {
  workspace: TaskWorkspace;
  policy: WritePolicy;
  /** Once aborted, no write, edit or delete is applied any more. */
  signal: AbortSignal;
  hooks?: ToolHooks;
  /** Lines per read_file page (default 2000). */
  pageLines?: number;
  /** Bytes per read_file page (default 100 KB). */
  pageBytes?: number;
  /** Largest file read_file and edit_file take (default 16 MB): bigger ones are refused (use search). */
  maxFileBytes?: number;
  /** Entries list_files returns at most (default 2000). */
  maxListed?: number;
  /** Lines search returns at most (default 200). */
  maxSearchHits?: number;
  /**
   * Time one batch of pattern matching may take (search regexes, list_files and search globs;
   * default 3 s, see core/patternWorker.ts). A pattern that needs longer is refused as too costly.
   */
  patternBudgetMs?: number;
  /** Where run_command runs; without one the agent gets no run_command (commandTool.ts). */
  commandView?: AgentCommandView;
  /** The task's `network: true`, for run_command. */
  network?: boolean;
  /** Tokens left of the task's budget (run_command's output shrinks to fit). */
  remainingTokens?: () => number | undefined;
}

/**
 * Serialises the workspace mutations of one task and refuses them once the task is
 * cancelled. `settled()` resolves when no mutation is in flight.
 */
export class MutationFence {
  private inFlight = new Set<Promise<unknown>>();
  constructor(private readonly signal: AbortSignal) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.signal.aborted) throw new ToolError('The task was cancelled; nothing was changed.');
    const p = fn();
    this.inFlight.add(p);
    try {
      return await p;
    } finally {
      this.inFlight.delete(p);
    }
  }

  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

const BINARY_SNIFF = 8000;

function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, BINARY_SNIFF).includes(0);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function countOccurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** A pattern the model gave, compiled; its refusal (too long, invalid) as a tool error. */
function patternInput<T>(compile: () => T): T {
  try {
    return compile();
  } catch (e) {
    throw new ToolError((e as Error).message);
  }
}

/** Pattern evaluation whose "too costly" verdict goes back to the model as a tool error. */
async function bounded<T>(evaluate: () => Promise<T>): Promise<T> {
  try {
    return await evaluate();
  } catch (e) {
    if (e instanceof PatternCostError) throw new ToolError(e.message);
    throw e;
  }
}

function guardRead(raw: string): string {
  const n = normalizeToolPath(raw);
  if (!n.ok) throw new ToolError(`Refused: ${n.reason}.`);
  return n.path;
}

function guardWrite(raw: string, policy: WritePolicy, tool: string): string {
  const n = checkWrite(raw, policy);
  if (!n.ok) throw new ToolError(`${tool} refused: ${n.reason}`);
  return n.path;
}

const MAX_FILE_BYTES = 16 * 1024 * 1024;

function megabytes(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

async function readText(ws: TaskWorkspace, path: string, maxBytes: number): Promise<string> {
  const buf = await ws.readFile(path);
  if (!buf) throw new ToolError(`"${path}" does not exist. Use list_files to see which files there are.`);
  if (isBinary(buf)) {
    throw new ToolError(`"${path}" is a binary file (${plural(buf.length, 'byte')}); these tools read and edit text files only.`);
  }
  if (buf.length > maxBytes) {
    throw new ToolError(
      `"${path}" is ${megabytes(buf.length)}; read_file and edit_file take text files of at most ${megabytes(maxBytes)}. ` +
        'Use search (with a glob naming this file) to find the lines you need.',
    );
  }
  return buf.toString('utf8');
}

/** The file a read or an edit acts on: links inside the workspace followed, anything else a tool error. */
async function fileTarget(ws: TaskWorkspace, path: string, refused: (reason: string) => string): Promise<{ path: string; links: readonly string[]; executable: boolean }> {
  const r = await resolveToolPath(ws, path);
  if (!r.ok) throw new ToolError(refused(r.reason));
  if (!r.entry) {
    throw new ToolError(
      r.links.length ?
        `"${path}" is a symbolic link to "${r.path}", which does not exist.`
      : `"${path}" does not exist. Use list_files to see which files there are.`,
    );
  }
  if (r.entry.kind !== 'file') {
    throw new ToolError(`"${path}" is a directory${r.links.length ? ` (through symbolic links: "${r.path}")` : ''}. Use list_files with pattern "${r.path}/**" to see its files.`);
  }
  return { path: r.path, links: r.links, executable: r.entry.executable };
}

/**
 * Where a write, edit or delete lands: links inside the workspace followed (unless
 * `followLast` is false), and the target owned too. Refusals are tool errors.
 */
async function writeTarget(
  ws: TaskWorkspace,
  path: string,
  policy: WritePolicy,
  tool: string,
  followLast = true,
): Promise<{ path: string; links: readonly string[]; entry: WorkspaceEntry | undefined }> {
  const r = await resolveToolPath(ws, path, followLast);
  if (!r.ok) throw new ToolError(`${tool} refused: ${r.reason}. Nothing was changed.`);
  if (r.path !== path) {
    const owned = checkWrite(r.path, policy);
    if (!owned.ok) throw new ToolError(`${tool} refused: "${path}" leads through symbolic links to "${r.path}": ${owned.reason}`);
  }
  if (r.entry?.kind === 'folder') {
    throw new ToolError(`${tool} refused: "${r.path}" is a directory${tool === 'delete_file' ? '; delete_file deletes one file at a time' : ''}. Nothing was changed.`);
  }
  return { path: r.path, links: r.links, entry: r.entry };
}

/** The leading segments of a glob that have no glob syntax (`src/a` of `src/a/*.ts`). */
function literalPrefix(glob: string): string {
  const out: string[] = [];
  for (const seg of glob.split('/')) {
    if (/[*?[\]{}()!+@]/.test(seg)) break;
    out.push(seg);
  }
  return out.join('/');
}

/**
 * One page of a text file, with a note on how to read on when the page is not the whole file.
 * Walks the text with indexOf rather than splitting it, so a page of a big file costs the
 * page plus one scan for the line count, whatever `offset` the model asks for.
 */
export function readPage(text: string, path: string, offset = 1, limit = 2000, maxBytes = 100_000): string {
  if (text === '') return `("${path}" is empty)`;
  const total = countLines(text);
  if (offset > total) {
    throw new ToolError(`offset ${offset} is past the end of "${path}", which has ${plural(total, 'line')}.`);
  }
  let pos = 0;
  for (let skipped = 1; skipped < offset; skipped++) pos = text.indexOf('\n', pos) + 1;
  const out: string[] = [];
  let bytes = 0;
  let cut = false;
  for (let n = offset; n <= total && out.length < limit; n++) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    let line = text.slice(pos, Math.min(end, pos + 4001));
    if (end - pos > 4000) {
      line = line.slice(0, 4000) + ` … [line cut: ${end - pos} characters]`;
      cut = true;
    }
    const size = Buffer.byteLength(line) + 1;
    if (out.length > 0 && bytes + size > maxBytes) break;
    out.push(line);
    bytes += size;
    pos = end + 1;
  }
  const last = offset - 1 + out.length;
  if (offset === 1 && last === total && !cut) return text;
  const more =
    last < total ?
      ` To read on, call read_file with path "${path}" and offset ${last + 1}.`
    : ' This is the end of the file.';
  return `${out.join('\n')}\n\n[Lines ${offset}–${last} of ${total} of "${path}".${more}]`;
}

/** Lines of a text (a last line without a newline counts; the empty text has none). */
function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n : n + 1;
}

export interface FileTools {
  readonly tools: BetaRunnableTool<any>[];
  /** Resolves when no write, edit or delete is in flight. */
  readonly fence: MutationFence;
}

type ToolRun<I> = BetaRunnableTool<I>['run'];

// A tool's zod schema and its JSON schema are the same for every task: made once per tool
// name (converting is ~3 ms per task's tools, seconds at 1,000 tasks). What betaZodTool
// returns, with the conversion cached.
const schemaCache = new Map<ToolName, { readonly zod: z.ZodObject; readonly json: { type: 'object'; [k: string]: unknown } }>();

function cachedZodTool<S extends z.ZodObject>(name: ToolName, description: string, makeSchema: () => S, run: ToolRun<z.infer<S>>): BetaRunnableTool<z.infer<S>> {
  let cached = schemaCache.get(name);
  if (!cached) {
    const zod = makeSchema();
    const json = z.toJSONSchema(zod, { reused: 'ref' }) as { type: 'object'; [k: string]: unknown };
    cached = { zod, json };
    schemaCache.set(name, cached);
  }
  const zod = cached.zod as S;
  return { type: 'custom', name, input_schema: cached.json, description, run, parse: (args: unknown) => zod.parse(args) as z.infer<S> };
}

export function createFileTools(opts: FileToolsOptions): FileTools {
  const { workspace: ws, policy, hooks } = opts;
  const fence = new MutationFence(opts.signal);
  const listFiles = async () => (await ws.listFiles()).filter((f) => normalizeToolPath(f).ok);
  const budget = (signal: AbortSignal | undefined) => ({
    ...(opts.patternBudgetMs !== undefined && { budgetMs: opts.patternBudgetMs }),
    ...(signal && { signal }),
  });

  function define<S extends z.ZodObject>(
    name: ToolName,
    description: string,
    makeSchema: () => S,
    impl: (input: z.infer<S>, signal: AbortSignal | undefined) => Promise<string>,
  ): BetaRunnableTool<z.infer<S>> {
    return cachedZodTool(name, description, makeSchema, async (input, context) => {
      const id = context?.toolUse.id ?? '';
      hooks?.onStart?.(name, id, input);
      try {
        const out = await impl(input, context?.signal ?? undefined);
        hooks?.onEnd?.(name, id, out, false);
        return out;
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        hooks?.onEnd?.(name, id, msg, true);
        throw e instanceof ToolError ? e : new ToolError(`${name} failed: ${msg}`);
      }
    });
  }

  const maxFileBytes = opts.maxFileBytes ?? MAX_FILE_BYTES;
  const tools: BetaRunnableTool<any>[] = [
    define(
      'read_file',
      'Read a text file of the workspace. Paths are workspace-relative (e.g. "src/index.ts"). ' +
        'Big files come in pages: `offset` is the 1-based line to start at and `limit` the number of lines; ' +
        'the result says how to read on. Binary files and files over 16 MB are refused (search those). ' +
        'A symbolic link is followed when its target is inside the workspace (the result says so); ' +
        'a link leading outside it, and anything inside a git submodule, is refused.',
      () =>
        z.object({
        path: z.string().describe('Workspace-relative path of the file.'),
        offset: z.number().int().min(1).optional().describe('1-based line to start at (default 1).'),
        limit: z.number().int().min(1).optional().describe('How many lines to read at most (default 2000).'),
      }),
      async ({ path: raw, offset, limit }) => {
        const path = guardRead(raw);
        const target = await fileTarget(ws, path, (reason) => `Refused: ${reason}.`);
        const text = await readText(ws, target.path, maxFileBytes);
        const page = readPage(text, target.path, offset ?? 1, Math.min(limit ?? opts.pageLines ?? 2000, opts.pageLines ?? 2000), opts.pageBytes);
        if (!target.links.length) return page;
        return `${page}${page.endsWith('\n') ? '' : '\n'}\n["${path}" is a symbolic link; this is its target "${target.path}"${throughLinks(target.links.slice(1))}. Edits go to "${target.path}".]`;
      },
    ),
    define(
      'list_files',
      'List the files of the workspace, optionally only those matching a glob (picomatch syntax: ' +
        '"src/**/*.ts", "docs/"). A plain directory name lists everything below it. ' +
        'Symbolic links are listed as "path -> target (symbolic link)"; git submodules are not part of the workspace and are not listed.',
      () =>
        z.object({
        pattern: z.string().optional().describe('Glob of the files to list (default: every file).'),
      }),
      async ({ pattern }, signal) => {
        const all = await listFiles();
        let shown = all;
        let note = '';
        if (pattern && pattern.trim() && pattern.trim() !== '**') {
          let g = normalizeGlob(pattern.trim());
          // The pattern's leading plain folders may be a submodule (refused) or a link to a
          // folder (its target's files are listed); a plain path naming a link lists the link.
          const literal = literalPrefix(g).replace(/\/+$/, '');
          const whole = literal === g.replace(/\/+$/, '');
          if (literal && normalizeToolPath(literal).ok) {
            const where = await resolveToolPath(ws, literal, !whole);
            if (!where.ok) return `No files match "${pattern}": ${where.reason}.`;
            if (where.links.length) {
              g = where.path + g.slice(literal.length);
              note = `["${literal}" is a symbolic link to "${where.path}"; these are the files of "${where.path}".]\n`;
            }
          }
          const glob = patternInput(() => compileGlobSource([g]));
          const r = await bounded(() =>
            evaluatePatterns({ glob, items: all.map((path) => ({ path })) }, { what: `the glob ${JSON.stringify(pattern)}`, ...budget(signal) }),
          );
          shown = r.paths.map((i) => all[i] as string);
          if (!shown.length && !/[*?[\]{}()!]/.test(g)) {
            shown = all.filter((f) => f.startsWith(g.replace(/\/+$/, '') + '/'));
          }
        }
        if (!shown.length) return pattern ? `No files match "${pattern}".` : 'The workspace has no files.';
        const max = opts.maxListed ?? 2000;
        const links = await ws.listSymlinks();
        const head = shown
          .slice(0, max)
          .map((f) => (links.has(f) ? `${f} -> ${links.get(f)} (symbolic link)` : f))
          .join('\n');
        return note + (shown.length > max ? `${head}\n\n[${shown.length - max} more files not shown; narrow the pattern.]` : head);
      },
    ),
    define(
      'search',
      'Search the text files of the workspace for lines matching a JavaScript regular expression. ' +
        'Optionally only in files matching `glob`. Returns "path:line: text" lines (at most 200). ' +
        'A pattern that takes too long to evaluate (nested repetition such as "(a+)+" backtracks exponentially) ' +
        'is stopped and refused with an error; patterns are at most 2000 characters. ' +
        'Symbolic links are not searched (a target inside the workspace is, under its own path).',
      () =>
        z.object({
        pattern: z.string().min(1).describe('JavaScript regular expression, e.g. "function\\\\s+parse".'),
        glob: z.string().optional().describe('Only search files matching this glob, e.g. "src/**/*.ts".'),
      }),
      async ({ pattern, glob }, signal) => {
        patternInput(() => compileSearchRegex(pattern));
        if (glob) patternInput(() => compileGlobSource([glob]));
        const max = opts.maxSearchHits ?? 200;
        const hits = await bounded(() =>
          ws.search(pattern, {
            ...(glob ? { glob: normalizeGlob(glob) } : {}),
            maxResults: max + 1,
            ...budget(signal),
          }),
        );
        const visible = hits.filter((h) => normalizeToolPath(h.path).ok);
        if (!visible.length) return `No lines match ${JSON.stringify(pattern)}${glob ? ` in files matching "${glob}"` : ''}.`;
        const lines = visible
          .slice(0, max)
          .map((h) => `${h.path}:${h.line}: ${h.text.length > 300 ? h.text.slice(0, 300) + ' …' : h.text}`);
        if (visible.length > max) lines.push(`\n[More than ${max} matches; narrow the pattern or the glob.]`);
        return lines.join('\n');
      },
    ),
    define(
      'write_file',
      'Create or overwrite a file with the given content. Only paths this task owns can be written. ' +
        'Set `executable` to true for a script that must run (mode 755), false to clear it; ' +
        'without it an existing file keeps its mode and a new file is not executable. ' +
        'Writing a symbolic link writes its target (inside the workspace and owned by this task); the link stays as it is.',
      () =>
        z.object({
        path: z.string().describe('Workspace-relative path of the file.'),
        content: z.string().describe('The complete new content of the file.'),
        executable: z.boolean().optional().describe('true: executable (e.g. a shell script); false: not; omitted: keep the current mode.'),
      }),
      async ({ path: raw, content, executable }) => {
        const path = guardWrite(raw, policy, 'write_file');
        const target = await writeTarget(ws, path, policy, 'write_file');
        await fence.run(() => ws.writeFile(target.path, content, executable === undefined ? {} : { executable }));
        const lines = content === '' ? 0 : content.split('\n').length - (content.endsWith('\n') ? 1 : 0);
        const exec = executable ?? (target.entry?.kind === 'file' && target.entry.executable);
        return (
          `${target.entry ? 'Overwrote' : 'Created'} "${target.path}"${throughLinks(target.links)} ` +
          `(${plural(lines, 'line')}, ${plural(Buffer.byteLength(content), 'byte')}${exec ? ', executable' : ''}).`
        );
      },
    ),
    define(
      'edit_file',
      'Replace one exact piece of text in a file. `old_text` must occur exactly once in the file ' +
        '(include enough surrounding lines to make it unique); it is replaced by `new_text`. The file keeps its mode. ' +
        'Editing a symbolic link edits its target (inside the workspace and owned by this task).',
      () =>
        z.object({
        path: z.string().describe('Workspace-relative path of the file.'),
        old_text: z.string().describe('The exact text to replace, including whitespace.'),
        new_text: z.string().describe('The text to put in its place.'),
      }),
      async ({ path: raw, old_text, new_text }) => {
        const path = guardWrite(raw, policy, 'edit_file');
        if (old_text === '') throw new ToolError('edit_file needs a non-empty old_text; use write_file to create a file.');
        const target = await writeTarget(ws, path, policy, 'edit_file');
        if (!target.entry) {
          throw new ToolError(
            target.links.length ? `"${path}" is a symbolic link to "${target.path}", which does not exist.` : `"${path}" does not exist. Use write_file to create it.`,
          );
        }
        const text = await readText(ws, target.path, maxFileBytes);
        const n = countOccurrences(text, old_text);
        if (n === 0) {
          throw new ToolError(
            `old_text was not found in "${target.path}" (0 matches). Read the file again and copy the text exactly, whitespace included.`,
          );
        }
        if (n > 1) {
          throw new ToolError(
            `old_text matches ${n} places in "${target.path}"; it must match exactly one. Include more surrounding lines to make it unique.`,
          );
        }
        const i = text.indexOf(old_text);
        const next = text.slice(0, i) + new_text + text.slice(i + old_text.length);
        await fence.run(() => ws.writeFile(target.path, next));
        const line = text.slice(0, i).split('\n').length;
        return `Edited "${target.path}"${throughLinks(target.links)} at line ${line}.`;
      },
    ),
    define(
      'delete_file',
      'Delete a file. Only paths this task owns can be deleted. Deleting a symbolic link deletes the link, not its target.',
      () =>
        z.object({ path: z.string().describe('Workspace-relative path of the file.') }),
      async ({ path: raw }) => {
        const path = guardWrite(raw, policy, 'delete_file');
        const target = await writeTarget(ws, path, policy, 'delete_file', false);
        if (!target.entry) throw new ToolError(`"${path}" does not exist, so there is nothing to delete.`);
        await fence.run(() => ws.deleteFile(target.path));
        if (target.entry.kind === 'symlink') return `Deleted the symbolic link "${target.path}" (its target "${target.entry.target}" is unchanged).`;
        return `Deleted "${target.path}"${throughLinks(target.links)}.`;
      },
    ),
  ];
  if (opts.commandView) {
    tools.push(
      createRunCommandTool({
        view: opts.commandView,
        workspace: ws,
        policy,
        fence,
        signal: opts.signal,
        ...(hooks !== undefined && { hooks }),
        ...(opts.network !== undefined && { network: opts.network }),
        ...(opts.remainingTokens !== undefined && { remainingTokens: opts.remainingTokens }),
      }),
    );
  }
  return { tools, fence };
}
