#!/usr/bin/env node
// The extension's part of package.json (contributes, activation, capabilities, icon and
// the VS Code scripts), kept here so it can be reviewed as code and re-applied. It
// rewrites only the keys the front end owns; run it under `flock /tmp/pa-npm.lock`.
// `--check` exits 1 when package.json differs from this (used by a unit test).
// Command titles are also in src/vscode/ids.ts (CommandTitles); a unit test keeps them equal.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const C = 'Parallel Agents';
const trusted = 'isWorkspaceTrusted';
const taskFileOpen = 'resourceDirname =~ /[\\\\/]\\.agents$/ && resourceFilename =~ /^tasks\\.(ya?ml|json)$/';

const cmd = (command, title, extra = {}) => ({ command, title, category: C, ...extra });

export const manifest = {
  main: './dist/extension.js',
  icon: 'media/icon.png',
  galleryBanner: { color: '#1f2a44', theme: 'dark' },
  extensionKind: ['workspace'],
  activationEvents: [
    'workspaceContains:.agents/tasks.yaml',
    'workspaceContains:.agents/tasks.json',
    'onWebviewPanel:parallelAgents.plan',
  ],
  capabilities: {
    untrustedWorkspaces: {
      supported: 'limited',
      description:
        'In Restricted Mode the task file is checked and planned, and past runs can be reviewed, but nothing runs: a run executes the task file\'s agents and shell commands, which write files in the workspace.',
      restrictedConfigurations: [
        'parallelAgents.taskFile',
        'parallelAgents.model',
        'parallelAgents.prices',
        'parallelAgents.maxCostPerRun',
        'parallelAgents.maxConcurrency',
        'parallelAgents.keepRuns',
      ],
    },
    virtualWorkspaces: { supported: false, description: 'Runs need a local git repository and file system.' },
  },
  contributes: {
    commands: [
      cmd('parallelAgents.createTaskFile', 'Create Task File', { icon: '$(new-file)' }),
      cmd('parallelAgents.showPlan', 'Show Plan', { icon: '$(type-hierarchy)' }),
      cmd('parallelAgents.setApiKey', 'Set API Key', { icon: '$(key)' }),
      cmd('parallelAgents.clearApiKey', 'Clear API Key'),
      cmd('parallelAgents.showLog', 'Show Log', { icon: '$(output)' }),
      cmd('parallelAgents.openTaskFile', 'Open Task File', { icon: '$(go-to-file)' }),
      cmd('parallelAgents.runTasks', 'Run All Tasks', { icon: '$(run-all)', enablement: trusted }),
      cmd('parallelAgents.runSelectedTasks', 'Run Selected Tasks…', { icon: '$(run)', enablement: trusted }),
      cmd('parallelAgents.runTask', 'Run Task', { icon: '$(play)', enablement: trusted }),
      cmd('parallelAgents.cancelTask', 'Cancel Task', { icon: '$(debug-stop)' }),
      cmd('parallelAgents.cancelRun', 'Cancel Run', { icon: '$(debug-stop)' }),
      cmd('parallelAgents.retryTask', 'Retry Task', { icon: '$(debug-restart)', enablement: trusted }),
      cmd('parallelAgents.openTaskChanges', 'Open Task Changes', { icon: '$(git-compare)' }),
      cmd('parallelAgents.openTranscript', 'Open Transcript', { icon: '$(comment-discussion)' }),
      cmd('parallelAgents.openRawTranscript', 'Open Raw Transcript (JSONL)', { icon: '$(json)' }),
      cmd('parallelAgents.applyRun', 'Apply Run', { icon: '$(check-all)', enablement: trusted }),
      cmd('parallelAgents.applyTask', 'Apply Task', { icon: '$(check)', enablement: trusted }),
      cmd('parallelAgents.undoApply', 'Undo Apply', { icon: '$(discard)', enablement: trusted }),
      cmd('parallelAgents.chooseAttempt', 'Choose Attempt…', { icon: '$(star-empty)', enablement: trusted }),
      cmd('parallelAgents.pruneRuns', 'Prune Old Runs…', { icon: '$(trash)', enablement: trusted }),
      cmd('parallelAgents.acceptViolation', 'Accept Ownership Violation', { icon: '$(check)', enablement: trusted }),
      cmd('parallelAgents.discardViolation', 'Discard Ownership Violation', { icon: '$(trash)' }),
      cmd('parallelAgents.proposeTasks', 'Plan Tasks from a Goal…', { icon: '$(sparkle)', enablement: trusted }),
      cmd('parallelAgents.chooseVscodeModel', 'Choose VS Code Model…', { icon: '$(sparkle)' }),
    ],
    viewsContainers: {
      activitybar: [{ id: 'parallelAgents', title: C, icon: 'media/parallel-agents.svg' }],
    },
    views: {
      parallelAgents: [
        { id: 'parallelAgents.agents', name: 'Agents', icon: 'media/parallel-agents.svg', contextualTitle: C },
        { id: 'parallelAgents.conflicts', name: 'Conflicts', icon: 'media/parallel-agents.svg', contextualTitle: C },
      ],
    },
    viewsWelcome: [
      {
        view: 'parallelAgents.agents',
        contents:
          'No task file in this workspace. A task file (.agents/tasks.yaml) lists what each agent should do and which files it owns, so that several agents can work at once without touching the same files.\n[Create Task File](command:parallelAgents.createTaskFile)\nThe template has four tasks: unit tests, API docs, a lint command and a changelog that waits for the tests.\nOr describe the goal in a sentence: a planner agent proposes the task file, the plan checks it, and you review it before anything runs.\n[Plan Tasks from a Goal…](command:parallelAgents.proposeTasks)',
        when: '!parallelAgents.hasTaskFile',
      },
      {
        view: 'parallelAgents.agents',
        contents:
          'Agent tasks need a model: an Anthropic API key (kept in VS Code\'s secret storage; ANTHROPIC_API_KEY from the environment also works), ' +
          'or one of the language models VS Code offers (GitHub Copilot\'s or another extension\'s), used with your consent and on its provider\'s terms.\n' +
          '[Set API Key](command:parallelAgents.setApiKey)\n[Use VS Code\'s Models](command:parallelAgents.chooseVscodeModel)',
        when: 'parallelAgents.hasTaskFile && !parallelAgents.hasApiKey && config.parallelAgents.modelSource != vscode && isWorkspaceTrusted',
      },
      {
        view: 'parallelAgents.agents',
        contents:
          'Runs are disabled in Restricted Mode: a run executes the task file\'s agents and shell commands, and they write files in this workspace. Checking the task file and showing the plan still work.\n[Show Plan](command:parallelAgents.showPlan)\n[Manage Workspace Trust](command:workbench.trust.manage)',
        when: '!isWorkspaceTrusted',
      },
      {
        view: 'parallelAgents.agents',
        contents:
          'No runs yet. Check the plan (waves, critical path, expected speedup), then run the tasks.\n[Show Plan](command:parallelAgents.showPlan)\n[Run All Tasks](command:parallelAgents.runTasks)',
        when: 'parallelAgents.hasTaskFile && isWorkspaceTrusted',
      },
      {
        view: 'parallelAgents.agents',
        contents:
          'Demo mode: the agents are answered by a scripted local server (the "demo model", a test double replaying fixed turns), not by an AI model. Set ANTHROPIC_API_KEY before npm run demo to use the real API.',
        when: 'parallelAgents.demo',
      },
      {
        view: 'parallelAgents.conflicts',
        contents:
          'No conflicts. Files an apply leaves with conflict markers are listed here, with actions to accept either side or both; so are changes a task made outside the files it owns (Ownership violations), none written until you accept it.',
      },
    ],
    menus: {
      commandPalette: [
        { command: 'parallelAgents.runTask', when: 'false' },
        { command: 'parallelAgents.cancelRun', when: 'parallelAgents.running' },
        { command: 'parallelAgents.showPlan', when: 'workbenchState != empty' },
        { command: 'parallelAgents.createTaskFile', when: 'workbenchState != empty' },
        { command: 'parallelAgents.proposeTasks', when: 'workbenchState != empty' },
        { command: 'parallelAgents.chooseAttempt', when: 'parallelAgents.hasRuns' },
        { command: 'parallelAgents.openRawTranscript', when: 'parallelAgents.hasRuns' },
        { command: 'parallelAgents.acceptViolation', when: 'parallelAgents.hasRuns' },
        { command: 'parallelAgents.discardViolation', when: 'parallelAgents.hasRuns' },
      ],
      'view/title': [
        { command: 'parallelAgents.runTasks', when: 'view == parallelAgents.agents && parallelAgents.hasTaskFile && !parallelAgents.running', group: 'navigation@1' },
        { command: 'parallelAgents.cancelRun', when: 'view == parallelAgents.agents && parallelAgents.running', group: 'navigation@1' },
        { command: 'parallelAgents.showPlan', when: 'view == parallelAgents.agents && parallelAgents.hasTaskFile', group: 'navigation@2' },
        { command: 'parallelAgents.proposeTasks', when: 'view == parallelAgents.agents && isWorkspaceTrusted', group: 'navigation@4' },
        { command: 'parallelAgents.openTaskFile', when: 'view == parallelAgents.agents && parallelAgents.hasTaskFile', group: 'navigation@3' },
        { command: 'parallelAgents.runSelectedTasks', when: 'view == parallelAgents.agents && parallelAgents.hasTaskFile', group: '1_run@1' },
        { command: 'parallelAgents.setApiKey', when: 'view == parallelAgents.agents', group: '2_config@1' },
        { command: 'parallelAgents.clearApiKey', when: 'view == parallelAgents.agents && parallelAgents.hasApiKey', group: '2_config@2' },
        { command: 'parallelAgents.chooseVscodeModel', when: 'view == parallelAgents.agents', group: '2_config@3' },
        { command: 'parallelAgents.showLog', when: 'view == parallelAgents.agents', group: '3_log@1' },
        { command: 'parallelAgents.pruneRuns', when: 'view == parallelAgents.agents && parallelAgents.hasRuns', group: '3_log@2' },
      ],
      'view/item/context': [
        { command: 'parallelAgents.cancelTask', when: 'view == parallelAgents.agents && viewItem =~ /^task-(running|queued)$/', group: 'inline@1' },
        { command: 'parallelAgents.retryTask', when: 'view == parallelAgents.agents && viewItem =~ /^task-failed(-competitive)?$/', group: 'inline@1' },
        { command: 'parallelAgents.openTaskChanges', when: 'view == parallelAgents.agents && viewItem =~ /^task-(done|failed)(-competitive)?$/', group: 'inline@2' },
        { command: 'parallelAgents.chooseAttempt', when: 'view == parallelAgents.agents && viewItem =~ /^task-(done|failed)-competitive$/', group: 'inline@3' },
        { command: 'parallelAgents.chooseAttempt', when: 'view == parallelAgents.agents && viewItem =~ /^task-(done|failed)-competitive$/', group: '2_apply@0' },
        { command: 'parallelAgents.chooseAttempt', when: 'view == parallelAgents.agents && viewItem == attempt', group: 'inline@1' },
        { command: 'parallelAgents.chooseAttempt', when: 'view == parallelAgents.agents && viewItem == attempt', group: '1_choose@1' },
        { command: 'parallelAgents.openTranscript', when: 'view == parallelAgents.agents && viewItem =~ /^task-/', group: '1_open@2' },
        { command: 'parallelAgents.openRawTranscript', when: 'view == parallelAgents.agents && viewItem =~ /^(task-|transcript$)/', group: '1_open@3' },
        { command: 'parallelAgents.openTaskChanges', when: 'view == parallelAgents.agents && viewItem =~ /^task-/', group: '1_open@1' },
        { command: 'parallelAgents.applyTask', when: 'view == parallelAgents.agents && viewItem =~ /^task-done(-competitive)?$/', group: '2_apply@1' },
        { command: 'parallelAgents.cancelRun', when: 'view == parallelAgents.agents && viewItem == run-active', group: 'inline@1' },
        { command: 'parallelAgents.applyRun', when: 'view == parallelAgents.agents && viewItem == run', group: 'inline@1' },
        { command: 'parallelAgents.applyRun', when: 'view == parallelAgents.agents && viewItem == run', group: '2_apply@1' },
        { command: 'parallelAgents.undoApply', when: 'view == parallelAgents.agents && viewItem == run-applied', group: 'inline@1' },
        { command: 'parallelAgents.undoApply', when: 'view == parallelAgents.agents && viewItem == run-applied', group: '2_apply@2' },
        { command: 'parallelAgents.acceptViolation', when: 'view == parallelAgents.conflicts && viewItem =~ /^violations?$/', group: 'inline@1' },
        { command: 'parallelAgents.discardViolation', when: 'view == parallelAgents.conflicts && viewItem =~ /^violation(s|-accepted|-outside)?$/', group: 'inline@2' },
      ],
      'editor/title': [
        { command: 'parallelAgents.showPlan', when: taskFileOpen, group: 'navigation' },
        // The readable transcript: its JSONL one click away.
        { command: 'parallelAgents.openRawTranscript', when: 'resourceScheme == parallel-agents-transcript', group: 'navigation' },
      ],
      'editor/context': [{ command: 'parallelAgents.showPlan', when: taskFileOpen, group: 'navigation@90' }],
    },
    configuration: {
      title: C,
      properties: {
        'parallelAgents.concurrency': {
          type: 'integer',
          default: 3,
          minimum: 1,
          maximum: 32,
          scope: 'resource',
          markdownDescription:
            'How many tasks run at once. When you leave it unset, the task file\'s `concurrency` applies. Never more than `#parallelAgents.maxConcurrency#` (8 unless you raise it).',
        },
        'parallelAgents.maxConcurrency': {
          type: 'integer',
          default: 8,
          minimum: 1,
          maximum: 32,
          scope: 'machine-overridable',
          markdownDescription: 'The cap on concurrent tasks, whatever the task file or `#parallelAgents.concurrency#` ask for. Each agent costs API rate limit and money.',
        },
        'parallelAgents.model': {
          type: 'string',
          default: '',
          scope: 'resource',
          markdownDescription: 'Model for agent tasks that name none (a task\'s `model`, then the task file\'s top-level `model`, win over this). Empty: the engine\'s default.',
        },
        'parallelAgents.modelSource': {
          type: 'string',
          enum: ['anthropic', 'vscode'],
          enumDescriptions: [
            'Anthropic\'s API with your API key (prompt caching, costs in USD).',
            'A language model VS Code offers (GitHub Copilot\'s or another extension\'s), with your consent and on its provider\'s terms: no API key, cost shown as unknown.',
          ],
          default: 'anthropic',
          scope: 'application',
          markdownDescription: 'Where agent tasks get their model. `vscode`: a model VS Code offers (pick one with **Parallel Agents: Choose VS Code Model…**). The CLI always uses Anthropic.',
        },
        'parallelAgents.vscodeModel': {
          type: 'string',
          default: '',
          scope: 'application',
          markdownDescription: 'Id of the VS Code model agent tasks run on when `#parallelAgents.modelSource#` is `vscode` (set by **Choose VS Code Model…**). Empty: the first model VS Code offers.',
        },
        'parallelAgents.taskFile': {
          type: 'string',
          default: '.agents/tasks.yaml',
          scope: 'resource',
          markdownDescription: 'The task file, relative to the workspace folder. With the default, `.agents/tasks.yml` and `.agents/tasks.json` are found too.',
        },
        'parallelAgents.prices': {
          type: 'object',
          default: {},
          scope: 'machine-overridable',
          additionalProperties: {
            type: 'object',
            properties: {
              input: { type: 'number', minimum: 0, description: 'USD per million input tokens' },
              output: { type: 'number', minimum: 0, description: 'USD per million output tokens' },
              cacheRead: { type: 'number', minimum: 0, description: 'USD per million cache-read tokens' },
              cacheWrite: { type: 'number', minimum: 0, description: 'USD per million cache-write tokens' },
            },
            additionalProperties: false,
          },
          markdownDescription: 'Prices per model, in USD per million tokens, overriding the built-in table (for cost shown in the Agents view and for `#parallelAgents.maxCostPerRun#`). Example: `{"claude-sonnet-4-5": {"input": 3, "output": 15}}`.',
        },
        'parallelAgents.maxCostPerRun': {
          type: ['number', 'null'],
          default: null,
          minimum: 0,
          scope: 'machine-overridable',
          markdownDescription: 'Stop starting tasks, and cancel running agents, once a run has cost this many US dollars. Empty: no limit beyond each task\'s `budget`.',
        },
        'parallelAgents.ownershipViolations': {
          type: 'string',
          enum: ['flag', 'discard'],
          default: 'flag',
          scope: 'resource',
          enumDescriptions: [
            'Keep changes a task made outside the files it owns for review: listed under Ownership violations in the Conflicts view, and not written into your files until you accept them.',
            'Drop changes a task made outside the files it owns: never listed, never written.',
          ],
          markdownDescription:
            'What happens to changes a command task made outside its `owns` globs (agent tasks are refused such writes as they make them). Either way, Apply Run never writes one you have not accepted.',
        },
        'parallelAgents.keepRuns': {
          type: 'integer',
          default: 20,
          minimum: 0,
          scope: 'resource',
          markdownDescription:
            'After each run, prune the runs beyond the newest N in the repository: their refs, journals, transcripts and apply records (an applied run\'s apply can then no longer be undone). A run with results that were never applied is never pruned this way. `0`: never prune automatically (\"Prune Old Runs…\" still does, when asked).',
        },
      },
    },
    jsonValidation: [{ fileMatch: ['**/.agents/tasks.json'], url: './schemas/tasks.schema.json' }],
    yamlValidation: [{ fileMatch: ['**/.agents/tasks.yaml', '**/.agents/tasks.yml'], url: './schemas/tasks.schema.json' }],
  },
};

export const scripts = {
  watch: 'node scripts/build.mjs --watch',
  'test:vscode': 'node scripts/vscode/test-vscode.mjs',
  'test:electron': 'node scripts/vscode/test-electron.mjs',
  screenshots: 'PA_UPDATE_SCREENSHOTS=1 node scripts/vscode/test-vscode.mjs --ui-only',
  package: 'node scripts/vscode/package.mjs',
  demo: 'node scripts/vscode/demo.mjs',
};

function apply(pkg) {
  const out = {};
  // Keep the manifest's key order; put the owned keys where they were, new ones after `main`.
  for (const [k, v] of Object.entries(pkg)) {
    out[k] = k in manifest ? manifest[k] : v;
    if (k === 'main') for (const [mk, mv] of Object.entries(manifest)) if (!(mk in pkg)) out[mk] = mv;
  }
  out.scripts = { ...pkg.scripts, ...scripts };
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = join(root, 'package.json');
  const text = readFileSync(file, 'utf8');
  const next = JSON.stringify(apply(JSON.parse(text)), null, 2) + '\n';
  if (process.argv.includes('--check')) {
    if (next !== text) {
      console.error('package.json differs from scripts/vscode/manifest.mjs; run: flock /tmp/pa-npm.lock node scripts/vscode/manifest.mjs');
      process.exit(1);
    }
    console.log('package.json: extension manifest up to date');
  } else {
    writeFileSync(file, next);
    console.log('package.json: extension manifest written');
  }
}
