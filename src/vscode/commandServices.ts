// What the command handlers (commands.ts, runCommands.ts, violationCommands.ts) are given:
// the services app.ts builds. In a module of its own so that the handler classes depend
// on it, never on each other.
import type * as vscode from 'vscode';
import type { ApiKeyStore } from './apiKeyStore';
import type { ConflictTracker } from './conflicts';
import type { PlanPanels } from './planPanel';
import type { RunPruner } from './runPruning';
import type { RunService } from './runService';
import type { TaskFiles } from './taskFiles';
import type { TranscriptView } from './transcriptView';
import type { ViolationReview } from './violations';

export interface CommandServices {
  readonly log: vscode.LogOutputChannel;
  readonly taskFiles: TaskFiles;
  readonly apiKeys: ApiKeyStore;
  readonly planPanels: PlanPanels;
  readonly runs: RunService;
  readonly conflicts: ConflictTracker;
  readonly transcripts: TranscriptView;
  readonly violations: ViolationReview;
  readonly pruner: RunPruner;
}
