// The Anthropic API key: SecretStorage first, `ANTHROPIC_API_KEY` as the fallback.
// The key itself is never logged or shown; only where it came from.
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../core';
import { ContextKeys, SecretKeys } from './ids';

export type ApiKeySource = 'secretStorage' | 'environment';

export class ApiKeyStore extends Disposable {
  private readonly _onDidChange = this._register(new Emitter<void>());
  readonly onDidChange = this._onDidChange.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    super();
    this._register(
      secrets.onDidChange((e) => {
        if (e.key === SecretKeys.anthropicApiKey) void this.refreshContext().then(() => this._onDidChange.fire());
      }),
    );
  }

  async get(): Promise<{ key: string; source: ApiKeySource } | undefined> {
    const stored = await this.secrets.get(SecretKeys.anthropicApiKey);
    if (stored) return { key: stored, source: 'secretStorage' };
    const fromEnv = this.env.ANTHROPIC_API_KEY?.trim();
    return fromEnv ? { key: fromEnv, source: 'environment' } : undefined;
  }

  async store(key: string): Promise<void> {
    await this.secrets.store(SecretKeys.anthropicApiKey, key.trim());
    this.log.info('API key stored in VS Code SecretStorage');
    await this.refreshContext();
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SecretKeys.anthropicApiKey);
    this.log.info('API key removed from VS Code SecretStorage');
    await this.refreshContext();
  }

  async refreshContext(): Promise<boolean> {
    const has = (await this.get()) !== undefined;
    await vscode.commands.executeCommand('setContext', ContextKeys.hasApiKey, has);
    return has;
  }
}

/** What the input box accepts; a key that does not look like Anthropic's is only warned about. */
export function validateApiKeyInput(value: string): vscode.InputBoxValidationMessage | undefined {
  const v = value.trim();
  if (!v) return { message: 'Paste the key (it starts with sk-ant-).', severity: vscode.InputBoxValidationSeverity.Error };
  if (/\s/.test(v)) return { message: 'An API key has no spaces.', severity: vscode.InputBoxValidationSeverity.Error };
  if (!v.startsWith('sk-')) {
    return { message: 'Anthropic keys usually start with sk-ant-; press Enter to store it anyway.', severity: vscode.InputBoxValidationSeverity.Warning };
  }
  return undefined;
}
