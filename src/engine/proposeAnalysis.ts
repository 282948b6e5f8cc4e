// One round of the planner's loop: a proposal (the `propose_tasks` input) is written out as
// YAML and that text is parsed and planned exactly like a hand-written task file
// (core/taskFile.ts, core/plan.ts), so the planner is told what a user would be told about
// the same file. Added on top: the task-count cap, and no promptFile (the prompt
// belongs in the proposal). The import graph, when given, is the plan's (core/importGraph.ts).
import { Document, isScalar, Scalar, visit } from 'yaml';
import { planTasks, type Plan, parseTaskFileText } from '../core';
import type { TaskFile, ImportGraph } from '../core';

export interface ProposalFinding {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** The analysis' code (`ownership-conflict`, `cycle`, `inferred-dependency`, `import-dependency`, …); absent for the parser's. */
  readonly code?: string;
  readonly tasks?: readonly string[];
  /** Position in `yaml`. */
  readonly line: number;
  readonly column: number;
}

export interface CheckedProposal {
  /** The proposal as task-file text (what --write and Save write). */
  readonly yaml: string;
  /** Present when there are no errors. */
  readonly taskFile?: TaskFile;
  readonly plan?: Plan;
  readonly errors: readonly ProposalFinding[];
  readonly warnings: readonly ProposalFinding[];
}

export interface CheckProposalOptions {
  /** Workspace-relative path the file would be saved as (messages name it). */
  readonly taskFilePath: string;
  readonly maxTasks: number;
  /** The workspace's files, for real example paths. */
  readonly files?: readonly string[];
  /** The workspace's import graph: imports between unordered tasks become warnings. */
  readonly imports?: ImportGraph;
  /** Shown in the file's header comment. */
  readonly goal?: string;
}

const TASK_KEY_ORDER = ['title', 'prompt', 'promptFile', 'run', 'aggregate', 'owns', 'reads', 'dependsOn', 'model', 'maxTurns', 'timeoutSeconds', 'budget', 'strategy'];
const TOP_KEY_ORDER = ['version', 'model', 'concurrency', 'tasks'];

export function checkProposal(input: unknown, opts: CheckProposalOptions): CheckedProposal {
  const yaml = proposalYaml(input, opts.goal);
  const parsed = parseTaskFileText(opts.taskFilePath, yaml);
  const errors: ProposalFinding[] = [];
  const warnings: ProposalFinding[] = [];
  for (const p of parsed.problems) {
    const f = { severity: p.severity, message: p.message, ...(p.code !== undefined && { code: p.code }), ...(p.tasks && { tasks: p.tasks }), line: p.line, column: p.column };
    (p.severity === 'error' ? errors : warnings).push(f);
  }
  const taskFile = parsed.taskFile;
  if (!taskFile) return { yaml, errors, warnings };

  for (const t of taskFile.tasks) {
    if (t.promptFile !== undefined) {
      errors.push({ severity: 'error', message: `task "${t.id}": write the prompt itself in \`prompt\`, not a \`promptFile\``, tasks: [t.id], line: t.line, column: t.column });
    }
  }
  if (taskFile.tasks.length > opts.maxTasks) {
    errors.push({
      severity: 'error',
      message: `the proposal has ${taskFile.tasks.length} tasks; at most ${opts.maxTasks} are allowed: merge the smallest ones`,
      line: 1,
      column: 1,
    });
  }
  const plan = planTasks(taskFile, { ...(opts.files && { files: opts.files }), ...(opts.imports && { imports: opts.imports }) });
  const found = [...plan.errors, ...plan.warnings];
  for (const d of found) {
    const f = { severity: d.severity, message: d.message, code: d.code, tasks: d.tasks, line: d.line ?? 1, column: d.column ?? 1 };
    (d.severity === 'error' ? errors : warnings).push(f);
  }
  return errors.length ? { yaml, errors, warnings } : { yaml, taskFile, plan, errors, warnings };
}

/** The proposal as YAML: keys in the order people write them, prompts as block text, the goal on top. */
export function proposalYaml(input: unknown, goal?: string): string {
  const doc = new Document(ordered(input));
  // Written the way the examples are: short lists inline, prompts as block text.
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((i) => isScalar(i) && String(i.value).length < 40) && node.items.length <= 4) node.flow = true;
    },
    Pair(_, pair) {
      if (!isScalar(pair.key) || !isScalar(pair.value) || typeof pair.value.value !== 'string') return;
      const text = pair.value.value;
      if (text.includes('\n')) pair.value.type = Scalar.BLOCK_LITERAL;
      else if (text.length > 60) pair.value.type = Scalar.BLOCK_FOLDED;
    },
  });
  const header = goal?.trim() ? `Proposed by the planner for the goal: ${goal.trim().replace(/\s+/g, ' ')}` : 'Proposed by the planner';
  doc.commentBefore = ` ${header}\n Review it before you run it: the plan's checks passed, the task split is the model's.`;
  return doc.toString({ lineWidth: 100, flowCollectionPadding: false });
}

function ordered(input: unknown): unknown {
  if (!isRecord(input)) return input;
  const top = sortKeys(input, TOP_KEY_ORDER);
  if (isRecord(top.tasks)) {
    top.tasks = Object.fromEntries(Object.entries(top.tasks).map(([id, t]) => [id, isRecord(t) ? sortKeys(t, TASK_KEY_ORDER) : t]));
  }
  return top;
}

function sortKeys(o: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => rank(a) - rank(b)));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
