// Which of VS Code's language models the agents run on (parallelAgents.modelSource "vscode"):
// the model named by parallelAgents.vscodeModel, else the first `vscode.lm.selectChatModels`
// returns; and the "Choose VS Code Model…" picker that sets both settings.
import * as vscode from 'vscode';
import { Settings } from './ids';

/** What the user knows a model by: "GPT-4o (copilot/gpt-4o)". */
export function describeLmModel(m: Pick<vscode.LanguageModelChat, 'name' | 'vendor' | 'family'>): string {
  return `${m.name || m.family} (${m.vendor}/${m.family})`;
}

/** A run on VS Code's models that cannot start; the message says what to do. */
export class LmSetupError extends Error {}

const NO_MODELS =
  'VS Code offers no language model to this extension: install and sign in to an extension that provides chat models ' +
  '(GitHub Copilot, for one), or run on an Anthropic API key ("Parallel Agents: Set API Key" and the setting parallelAgents.modelSource "anthropic")';

export interface LmChoice {
  readonly chosen: vscode.LanguageModelChat;
  readonly available: readonly vscode.LanguageModelChat[];
}

/** `preferred`: a model id (the vscodeModel setting); empty: the first model VS Code offers. */
export async function selectLmModel(preferred: string | undefined): Promise<LmChoice> {
  const available = await vscode.lm.selectChatModels();
  if (!available.length) throw new LmSetupError(NO_MODELS);
  if (!preferred) return { chosen: available[0] as vscode.LanguageModelChat, available };
  const chosen = available.find((m) => m.id === preferred);
  if (!chosen) {
    throw new LmSetupError(
      `the VS Code model "${preferred}" (setting parallelAgents.${Settings.vscodeModel}) is not available; VS Code offers ` +
        `${available.map((m) => `"${m.id}"`).join(', ')}: choose one with "Parallel Agents: Choose VS Code Model…"`,
    );
  }
  return { chosen, available };
}

/** The picker: every model VS Code offers, with vendor, family and name; the pick switches agents to it. */
export async function chooseLmModel(current: string | undefined): Promise<vscode.LanguageModelChat | undefined> {
  const models = await vscode.lm.selectChatModels();
  if (!models.length) {
    void vscode.window.showWarningMessage(`Parallel Agents: ${NO_MODELS}.`);
    return undefined;
  }
  const items = models.map((m) => ({
    label: m.name || m.family,
    description: `${m.vendor} · ${m.family}${m.id === current ? ' · current' : ''}`,
    detail: `id ${m.id}, up to ${m.maxInputTokens.toLocaleString('en-US')} input tokens`,
    model: m,
  }));
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Run agents on a VS Code model',
    placeHolder: 'Agent tasks run on this model, on its provider\'s terms (cost is not shown; prompt caching is Anthropic-only)',
    matchOnDescription: true,
  });
  if (!pick) return undefined;
  const c = vscode.workspace.getConfiguration(Settings.section);
  await c.update(Settings.modelSource, 'vscode', vscode.ConfigurationTarget.Global);
  await c.update(Settings.vscodeModel, pick.model.id, vscode.ConfigurationTarget.Global);
  return pick.model;
}
