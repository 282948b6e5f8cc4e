// One status bar item: running / queued / conflict counts, or idle. Click = Agents view.
import * as vscode from 'vscode';
import { Disposable } from '../core';
import { DEMO_LABEL, DEMO_TOOLTIP } from './demoMode';
import { statusBarText, statusBarTooltip, type RunCounts } from './format';
import { focusViewCommand, Views } from './ids';

export class AgentsStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('parallelAgents.status', vscode.StatusBarAlignment.Left, 50));
  private counts: RunCounts = { running: 0, queued: 0, conflicts: 0 };

  /** `demo`: the agents are answered by the scripted demo server; the item says so. */
  constructor(private readonly demo = false) {
    super();
    this.item.name = 'Parallel Agents';
    this.item.command = focusViewCommand(Views.agents);
    this.render();
    this.item.show();
  }

  update(counts: RunCounts): void {
    if (counts.running === this.counts.running && counts.queued === this.counts.queued && counts.conflicts === this.counts.conflicts) return;
    this.counts = counts;
    this.render();
  }

  get text(): string {
    return this.item.text;
  }

  private render(): void {
    this.item.text = statusBarText(this.counts) + (this.demo ? ` · $(beaker) ${DEMO_LABEL}` : '');
    this.item.tooltip = statusBarTooltip(this.counts) + (this.demo ? `\n${DEMO_TOOLTIP}` : '');
    this.item.backgroundColor = this.counts.conflicts ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }
}
