// The CLI layer's public API: the `parallel-agents` entry point, callable in-process with
// any CliIO (the bench and tests drive it so). No layer under src/ imports cli (it and
// vscode are the top, and peers); dist/cli.js is built from main.ts, not from here.
export { main, COMMAND_LOADERS } from './main';
export { processIO } from './processIO';
export { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIO } from './io';
