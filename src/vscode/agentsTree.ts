// The Agents view: runs → tasks → changed files and the transcript; a competitive task's
// attempts (with their files) and a consensus task's voters. Elements are plain
// data (snapshots from RunService); getTreeItem builds the items; contextValue drives
// the inline actions in package.json; refreshes come coalesced from RunService.
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
import { Commands, TreeItemContexts } from './ids';
import type { RunService } from './runService';
import { currentTool, type RunSnapshot, type TaskSnapshot } from './runSnapshot';

export type AgentsNode =
  | { readonly type: 'run'; readonly run: RunSnapshot }
  | { readonly type: 'task'; readonly run: RunSnapshot; readonly task: TaskSnapshot }
  | { readonly type: 'file'; readonly run: RunSnapshot; readonly task: TaskSnapshot; readonly path: string }
  | { readonly type: 'transcript'; readonly run: RunSnapshot; readonly task: TaskSnapshot }
  | { readonly type: 'attempt'; readonly run: RunSnapshot; readonly task: TaskSnapshot; readonly attempt: AttemptRecord }
  | { readonly type: 'attemptFile'; readonly run: RunSnapshot; readonly task: TaskSnapshot; readonly attempt: AttemptRecord; readonly path: string }
  | { readonly type: 'voter'; readonly run: RunSnapshot; readonly task: TaskSnapshot; readonly ballot: Ballot };

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

export class AgentsTreeProvider extends Disposable implements vscode.TreeDataProvider<AgentsNode> {
  private readonly _onDidChangeTreeData = this._register(new Emitter<AgentsNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  /** Demo mode: agent tasks say "demo model" (their replies come from a scripted server). */
  private readonly demo: boolean;

  constructor(private readonly runs: RunService) {
    super();
    this.demo = runs.demo !== undefined;
    this._register(runs.onDidChange(() => this._onDidChangeTreeData.fire(undefined)));
  }

  getChildren(element?: AgentsNode): AgentsNode[] {
    if (!element) return this.runs.runs().map((run) => ({ type: 'run', run }));
    if (element.type === 'run') return element.run.tasks.map((task) => ({ type: 'task', run: element.run, task }));
    if (element.type === 'task') {
      const { run, task } = element;
      if (task.status === 'queued') return [];
      const attempts: AgentsNode[] = (task.strategy?.competitive?.attempts ?? []).map((attempt) => ({ type: 'attempt', run, task, attempt }));
      const voters: AgentsNode[] = (task.strategy?.votes?.ballots ?? []).map((ballot) => ({ type: 'voter', run, task, ballot }));
      const files: AgentsNode[] = (task.changed ?? []).map((p) => ({ type: 'file', run, task, path: p }));
      return [...attempts, ...voters, ...files, { type: 'transcript', run, task }];
    }
    if (element.type === 'attempt') {
      const { run, task, attempt } = element;
      return attempt.resultCommit ? attempt.changed.map((p) => ({ type: 'attemptFile', run, task, attempt, path: p })) : [];
    }
    return [];
  }

  getTreeItem(n: AgentsNode): vscode.TreeItem {
    switch (n.type) {
      case 'run':
        return runItem(n.run, this.demo);
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
    if (n.type === 'run') return undefined;
    if (n.type === 'task') return { type: 'run', run: n.run };
    if (n.type === 'attemptFile') return { type: 'attempt', run: n.run, task: n.task, attempt: n.attempt };
    return { type: 'task', run: n.run, task: n.task };
  }
}

function runItem(r: RunSnapshot, demo: boolean): vscode.TreeItem {
  const when = new Date(r.startedAt);
  const item = new vscode.TreeItem(`Run ${when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`, vscode.TreeItemCollapsibleState.Expanded);
  item.id = r.runId;
  const done = r.tasks.filter((t) => t.status === 'succeeded').length;
  const cost = r.tasks.reduce((s, t) => s + t.costUsd, 0);
  const wall = (r.finishedAt ?? Date.now()) - r.startedAt;
  const m = r.status === 'succeeded' ? measuredSpeedup(r.tasks, wall) : undefined;
  // What matters first (the default sidebar width shows ~30 characters); the rest is in the tooltip.
  const parts = [r.status === 'running' ? `${done}/${r.tasks.length} done` : r.status, formatDuration(wall)];
  if (r.applied) parts.push(r.applied.undone ? 'apply undone' : 'applied');
  item.description = withDemoLabel(parts.join(' · '), demo && r.tasks.some((t) => t.kind !== 'command'), 'agent');
  item.iconPath = icon(r.status);
  item.contextValue = r.status === 'running' && r.live ? TreeItemContexts.runActive : r.applied && !r.applied.undone ? TreeItemContexts.runApplied : TreeItemContexts.run;
  const tip = new vscode.MarkdownString(undefined, true);
  tip.appendMarkdown(`**Run ${r.runId}** — ${r.status}\n\n`);
  tip.appendMarkdown(`Started ${formatClock(r.startedAt)}${r.finishedAt ? `, took ${formatDuration(wall)}` : ''}\n\n`);
  tip.appendMarkdown(`Tasks: ${taskCounts(r.tasks)}${cost > 0 ? ` — ${formatCost(cost)}` : ''}\n\n`);
  if (m) tip.appendMarkdown(`Speedup: measured ${formatSpeedup(m.speedup)}${r.expectedSpeedup ? `, expected ${formatSpeedup(r.expectedSpeedup)}` : ''}\n\n`);
  if (r.applied) tip.appendMarkdown(`${r.applied.undone ? 'Apply undone' : 'Applied'} at ${formatClock(r.applied.at)}\n\n`);
  if (r.stopReason) tip.appendMarkdown(`Stopped: ${inVsCodeWords(r.stopReason)}\n\n`);
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
  const competitive = t.strategy?.competitive !== undefined;
  item.contextValue =
    t.status === 'running' ? TreeItemContexts.taskRunning
    : t.status === 'queued' ? TreeItemContexts.taskQueued
    : t.status === 'undecided' ? TreeItemContexts.taskUndecided
    : t.status === 'failed' || t.status === 'cancelled' ? (competitive ? TreeItemContexts.taskFailedCompetitive : TreeItemContexts.taskFailed)
    : competitive ? TreeItemContexts.taskDoneCompetitive
    : TreeItemContexts.taskDone;
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
  item.contextValue = a.winner ? TreeItemContexts.attemptChosen : a.status === 'succeeded' && a.resultCommit ? TreeItemContexts.attempt : TreeItemContexts.attemptFailed;
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
