// The Agents view: runs → tasks → changed files and the transcript; a competitive task's
// attempts (with their files) and a consensus task's voters. Elements are plain
// data (snapshots from RunService); getTreeItem builds the items; contextValue drives
// the inline actions in package.json. Refreshes come coalesced from RunService and name
// the runs that changed: VS Code then re-reads those runs' subtrees (a large run's groups
// of done tasks stay closed), not the whole tree nor every task of every run.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../core';
import { DEMO_LABEL, DEMO_TOOLTIP, withDemoLabel } from './demoMode';
import type { AttemptRecord, Ballot } from '../core';
import {
  attemptDescription,
  attemptLabel,
  attemptTooltip,
  ballotDescription,
  ballotTooltip,
  formatClock,
  formatCost,
  formatDuration,
  formatSpeedup,
  measuredSpeedup,
  strategyDescription,
  strategyTooltip,
  taskDescription,
  taskTooltipLines,
  type TaskLine,
} from './format';
import { inVsCodeWords } from './applyMessages';
import { taskCounts } from './runMessages';
import { attemptContext, childrenOf, OPEN_GROUPS, parentOf, runContext, taskContext, tasksByStatus, type AgentsNode } from './agentsTreeModel';
import { Commands, TreeItemContexts } from './ids';
import type { RunService } from './runService';
import { currentTool, type RunChanges, type RunSnapshot, type TaskSnapshot } from './runSnapshot';
import { commandSandboxLine } from './commandSandboxLine';

export type { AgentsNode } from './agentsTreeModel';

const STATUS_ICON: Record<string, [string, string?]> = {
  queued: ['clock', 'descriptionForeground'],
  running: ['sync~spin', 'charts.blue'],
  succeeded: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash', 'descriptionForeground'],
  skipped: ['debug-step-over', 'descriptionForeground'],
  interrupted: ['warning', 'editorWarning.foreground'],
  // A consensus that did not decide: neither a success nor a failure.
  undecided: ['question', 'editorWarning.foreground'],
};

function icon(status: string): vscode.ThemeIcon {
  const [id, color] = STATUS_ICON[status] ?? ['circle-outline'];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

type RunNode = { type: 'run'; run: RunSnapshot };

export class AgentsTreeProvider extends Disposable implements vscode.TreeDataProvider<AgentsNode> {
  private readonly _onDidChangeTreeData = this._register(new Emitter<AgentsNode | AgentsNode[] | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  /** Demo mode: agent tasks say "demo model" (their replies come from a scripted server). */
  private readonly demo: boolean;
  /**
   * The run elements handed to VS Code, by run id: VS Code knows elements by identity, so a
   * refresh of one run fires the very object it was given (kept up to date in place).
   */
  private runNodes = new Map<string, RunNode>();

  constructor(private readonly runs: RunService) {
    super();
    this.demo = runs.demo !== undefined;
    this._register(runs.onDidChange((c) => this.refresh(c)));
  }

  private refresh(c: RunChanges): void {
    if (c.all) return this._onDidChangeTreeData.fire(undefined);
    // A run VS Code was never given needs no refresh: it reads it fresh when it first asks.
    const nodes = [...c.runs].flatMap((id) => this.runNodes.get(id) ?? []);
    if (nodes.length) this._onDidChangeTreeData.fire(nodes);
  }

  getChildren(element?: AgentsNode): AgentsNode[] {
    if (!element) {
      const next = new Map<string, RunNode>();
      for (const run of this.runs.runs()) {
        const n = this.runNodes.get(run.runId) ?? { type: 'run', run };
        n.run = run;
        next.set(run.runId, n);
      }
      this.runNodes = next;
      return [...next.values()];
    }
    return childrenOf(this.current(element), () => this.runs.runs());
  }

  /** A run element (and a group of one) as its run stands now: VS Code refreshes the elements it was given. */
  private current(n: AgentsNode): AgentsNode {
    if (n.type !== 'run' && n.type !== 'group') return n;
    const run = this.runs.find(n.run.runId);
    if (!run || run === n.run) return n;
    if (n.type === 'group') return { ...n, run };
    const own = this.runNodes.get(run.runId);
    if (own) own.run = run;
    return { type: 'run', run };
  }

  getTreeItem(element: AgentsNode): vscode.TreeItem {
    const n = this.current(element);
    switch (n.type) {
      case 'run':
        return runItem(n.run, this.demo);
      case 'group':
        return groupItem(n.run, n.status);
      case 'task':
        return taskItem(n.run, n.task, this.demo);
      case 'file': {
        const item = new vscode.TreeItem(vscode.Uri.file(path.join(n.run.repoRoot, n.path)), vscode.TreeItemCollapsibleState.None);
        item.id = `${n.run.runId}/${n.task.id}/file/${n.path}`;
        item.description = path.posix.dirname(n.path) === '.' ? '' : path.posix.dirname(n.path);
        item.contextValue = TreeItemContexts.changedFile;
        item.tooltip = `${n.path}: changed by ${n.task.id}. Click to compare with the run's base.`;
        item.command = { title: 'Open Change', command: Commands.openTaskChanges, arguments: [n] };
        return item;
      }
      case 'attempt':
        return attemptItem(n.run, n.task, n.attempt);
      case 'attemptFile': {
        const item = new vscode.TreeItem(vscode.Uri.file(path.join(n.run.repoRoot, n.path)), vscode.TreeItemCollapsibleState.None);
        item.id = `${n.run.runId}/${n.task.id}/attempt/${n.attempt.attempt}/file/${n.path}`;
        item.description = path.posix.dirname(n.path) === '.' ? '' : path.posix.dirname(n.path);
        item.contextValue = TreeItemContexts.changedFile;
        item.tooltip = `${n.path}: changed by attempt ${n.attempt.attempt} of ${n.task.id}. Click to compare with the task's base.`;
        item.command = { title: 'Open Change', command: Commands.openTaskChanges, arguments: [n] };
        return item;
      }
      case 'voter':
        return voterItem(n.run, n.task, n.ballot);
      case 'transcript': {
        const item = new vscode.TreeItem('Transcript', vscode.TreeItemCollapsibleState.None);
        item.id = `${n.run.runId}/${n.task.id}/transcript`;
        item.iconPath = new vscode.ThemeIcon('comment-discussion');
        item.contextValue = TreeItemContexts.transcript;
        item.command = { title: 'Open Transcript', command: Commands.openTranscript, arguments: [n] };
        return item;
      }
    }
  }

  getParent(n: AgentsNode): AgentsNode | undefined {
    return parentOf(n);
  }
}

const GROUP_LABEL: Record<string, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
  undecided: 'Undecided',
};

function groupItem(r: RunSnapshot, status: TaskSnapshot['status']): vscode.TreeItem {
  const count = tasksByStatus(r).get(status)?.length ?? 0;
  const open = OPEN_GROUPS.has(status) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(GROUP_LABEL[status] ?? status, open);
  item.id = `${r.runId}/status/${status}`;
  item.description = String(count);
  item.iconPath = icon(status);
  item.tooltip = `${count} of the run's ${r.tasks.length} tasks: ${status}`;
  return item;
}

function runItem(r: RunSnapshot, demo: boolean): vscode.TreeItem {
  const when = new Date(r.startedAt);
  const item = new vscode.TreeItem(`Run ${when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`, vscode.TreeItemCollapsibleState.Expanded);
  item.id = r.runId;
  const done = tasksByStatus(r).get('succeeded')?.length ?? 0;
  const cost = r.tasks.reduce((s, t) => s + t.costUsd, 0);
  const wall = (r.finishedAt ?? Date.now()) - r.startedAt;
  const m = r.status === 'succeeded' ? measuredSpeedup(r.tasks, wall) : undefined;
  // What matters first (the default sidebar width shows ~30 characters); the rest is in the tooltip.
  const parts = [r.status === 'running' ? `${done}/${r.tasks.length} done` : r.status, formatDuration(wall)];
  if (r.applied) parts.push(r.applied.undone ? 'apply undone' : 'applied');
  item.description = withDemoLabel(parts.join(' · '), demo && r.tasks.some((t) => t.kind !== 'command'), 'agent');
  item.iconPath = icon(r.status);
  item.contextValue = runContext(r);
  const tip = new vscode.MarkdownString(undefined, true);
  tip.appendMarkdown(`**Run ${r.runId}** — ${r.status}\n\n`);
  tip.appendMarkdown(`Started ${formatClock(r.startedAt)}${r.finishedAt ? `, took ${formatDuration(wall)}` : ''}\n\n`);
  const onVscode = r.modelSource === 'vscode';
  tip.appendMarkdown(`Tasks: ${taskCounts(r.tasks)}${onVscode ? ' — cost unknown' : cost > 0 ? ` — ${formatCost(cost)}` : ''}\n\n`);
  if (r.modelLabel) tip.appendMarkdown(`Model: ${r.modelLabel}${onVscode ? " (on its provider's terms)" : ''}\n\n`);
  if (m) tip.appendMarkdown(`Speedup: measured ${formatSpeedup(m.speedup)}${r.expectedSpeedup ? `, expected ${formatSpeedup(r.expectedSpeedup)}` : ''}\n\n`);
  if (r.applied) tip.appendMarkdown(`${r.applied.undone ? 'Apply undone' : 'Applied'} at ${formatClock(r.applied.at)}\n\n`);
  if (r.stopReason) tip.appendMarkdown(`Stopped: ${inVsCodeWords(r.stopReason)}\n\n`);
  const commands = commandSandboxLine(r.commandSandbox);
  if (commands) tip.appendText(commands).appendMarkdown('\n\n');
  tip.appendMarkdown(`Base commit \`${r.baseCommit.slice(0, 10)}\``);
  if (demo) tip.appendMarkdown(`\n\n${DEMO_TOOLTIP}`);
  item.tooltip = tip;
  return item;
}

function taskItem(r: RunSnapshot, t: TaskSnapshot, demo: boolean): vscode.TreeItem {
  const hasChildren = t.status !== 'queued';
  const item = new vscode.TreeItem(t.id, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `${r.runId}/${t.id}`;
  item.iconPath = icon(t.status);
  const described = [taskDescription(line(t), Date.now()), strategyDescription(t.strategy)].filter(Boolean).join(' · ');
  item.description = withDemoLabel(described, demo, t.kind);
  item.contextValue = taskContext(t);
  const tip = new vscode.MarkdownString(undefined, true);
  tip.appendMarkdown(`**${t.id}**${t.title ? ` — ${t.title}` : ''} (${t.kind}${demo && t.kind !== 'command' ? `, ${DEMO_LABEL}` : ''})\n\n`);
  if (demo && t.kind !== 'command') tip.appendMarkdown(`${DEMO_TOOLTIP}\n\n`);
  for (const l of taskTooltipLines(line(t), Date.now())) tip.appendMarkdown(`${l}\n\n`);
  if (t.owns.length) tip.appendMarkdown(`Owns: ${t.owns.map((g) => `\`${g}\``).join(', ')}\n\n`);
  if (t.error ?? t.reason) tip.appendMarkdown(`${t.status === 'failed' ? 'Error' : t.status === 'undecided' ? 'Why' : 'Reason'}: ${t.error ?? t.reason}\n\n`);
  for (const line of strategyTooltip(t.strategy)) tip.appendMarkdown(`${line}\n\n`);
  if (t.output) tip.appendMarkdown(`---\n\n${t.output.length > 600 ? t.output.slice(0, 600) + '…' : t.output}`);
  item.tooltip = tip;
  return item;
}

const line = (t: TaskSnapshot): TaskLine => {
  const tool = currentTool(t);
  return { ...t, ...(tool !== undefined && { currentTool: tool }), ...(t.changed && { changedCount: t.changed.length }) };
};

const ATTEMPT_ICON: Record<AttemptRecord['status'], [string, string]> = {
  succeeded: ['circle-large-outline', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash', 'descriptionForeground'],
};

function attemptItem(r: RunSnapshot, t: TaskSnapshot, a: AttemptRecord): vscode.TreeItem {
  const item = new vscode.TreeItem(attemptLabel(a), a.resultCommit && a.changed.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `${r.runId}/${t.id}/attempt/${a.attempt}`;
  item.description = attemptDescription(a);
  const [id, color] = a.winner ? ['star-full', 'charts.yellow'] : ATTEMPT_ICON[a.status];
  item.iconPath = new vscode.ThemeIcon(id, new vscode.ThemeColor(color));
  item.contextValue = attemptContext(a);
  item.tooltip = attemptTooltip(a, t.strategy?.competitive ?? { decidedBy: '' });
  return item;
}

function voterItem(r: RunSnapshot, t: TaskSnapshot, b: Ballot): vscode.TreeItem {
  const votes = t.strategy?.votes;
  const item = new vscode.TreeItem(`Voter ${b.voter}`, vscode.TreeItemCollapsibleState.None);
  item.id = `${r.runId}/${t.id}/voter/${b.voter}`;
  item.description = ballotDescription(b, votes?.weighted ?? false);
  const decided = b.choice !== null && b.choice === votes?.decision;
  item.iconPath = new vscode.ThemeIcon(b.choice === null ? 'circle-slash' : 'person', decided ? new vscode.ThemeColor('testing.iconPassed') : undefined);
  item.contextValue = TreeItemContexts.voter;
  item.tooltip = ballotTooltip(b);
  return item;
}
