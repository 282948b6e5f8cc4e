// The VS Code layer's public API: the composition root and the handles activate() returns
// to the extension-host tests. No layer under src/ imports vscode (it and cli are the top,
// and peers). src/extension.ts is part of this layer, so it imports app.ts directly.
export { ParallelAgentsApp, type ParallelAgentsApi } from './app';
