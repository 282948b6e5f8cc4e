// Accept / Discard of ownership violations (the Conflicts view's "Ownership violations").
// Accepting one before the run is applied makes the apply write it; after an apply that
// left it out, it takes applying again (undo, then apply), which the message offers.
import * as vscode from 'vscode';
import { Disposable } from '../core';
import type { CommandServices } from './commandServices';
import type { ConflictNode } from './conflicts';
import { Commands } from './ids';
import type { RunCommands } from './runCommands';

/** A tree node, or `{runId, paths}` from code (tests). */
export type ViolationTarget = Extract<ConflictNode, { type: 'violation' | 'violations' }> | { readonly runId: string; readonly paths: readonly string[] };

function resolve(t: ViolationTarget | undefined): { runId: string; paths: string[] } | undefined {
  if (!t) return undefined;
  if ('paths' in t) return { runId: t.runId, paths: [...t.paths] };
  if (t.type === 'violation') return { runId: t.runId, paths: [t.item.path] };
  return { runId: t.runId, paths: t.items.filter((i) => !i.outsideWorkspace).map((i) => i.path) };
}

export class ViolationCommands extends Disposable {
  constructor(
    private readonly s: CommandServices,
    private readonly runCmds: RunCommands,
  ) {
    super();
    this._register(vscode.commands.registerCommand(Commands.acceptViolation, (t?: ViolationTarget) => this.accept(t)));
    this._register(vscode.commands.registerCommand(Commands.discardViolation, (t?: ViolationTarget) => this.discard(t)));
  }

  async accept(t?: ViolationTarget): Promise<boolean> {
    const target = resolve(t) ?? (await this.pick('accept'));
    if (!target?.paths.length) return false;
    this.s.violations.decide(target.runId, target.paths, 'accepted');
    const run = this.s.runs.find(target.runId);
    const names = target.paths.join(', ');
    if (run?.applied && !run.applied.undone) {
      const again = 'Apply Again';
      const pick = await vscode.window.showInformationMessage(
        `Parallel Agents: accepted ${names}. The apply of run ${target.runId} left ${target.paths.length === 1 ? 'it' : 'them'} out: apply the run again (undo, then apply) to write ${target.paths.length === 1 ? 'it' : 'them'}.`,
        again,
      );
      if (pick === again) return (await this.runCmds.applyAgain(target.runId)) !== undefined;
      return true;
    }
    void vscode.window.showInformationMessage(`Parallel Agents: accepted ${names}: written when you apply run ${target.runId}.`);
    return true;
  }

  async discard(t?: ViolationTarget): Promise<boolean> {
    const target = resolve(t) ?? (await this.pick('discard'));
    if (!target?.paths.length) return false;
    this.s.violations.decide(target.runId, target.paths, 'discarded');
    return true;
  }

  /** From the palette: pick among the violations under review. */
  private async pick(what: 'accept' | 'discard'): Promise<{ runId: string; paths: string[] } | undefined> {
    const items = this.s.violations.runs().flatMap((r) => r.items.filter((i) => !i.outsideWorkspace).map((i) => ({ label: i.path, description: `${i.task} · run ${r.runId}`, runId: r.runId })));
    if (!items.length) {
      void vscode.window.showInformationMessage('Parallel Agents: no ownership violation is waiting for review.');
      return undefined;
    }
    const picks = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: `Changes outside their task's owns to ${what}` });
    const first = picks?.[0];
    return first ? { runId: first.runId, paths: picks.filter((p) => p.runId === first.runId).map((p) => p.label) } : undefined;
  }
}
