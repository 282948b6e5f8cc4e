// The command sandbox (issue 13): where an agent's shell commands run. Between git and agents.
export { detectSandbox, type SandboxAvailability } from './detect';
export { SharedBase, type BaseEntryKind, type BaseUpdate } from './sharedBase';
export { createSandboxView, SandboxSetupError, viewUpperDir, type SandboxViewOptions, type ViewMount } from './sandboxView';
export { treeRemovalsSettled } from './removeTree';
