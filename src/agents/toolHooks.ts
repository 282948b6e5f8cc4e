// The agents' tool names and the hooks through which every tool reports its calls (the
// runner turns them into transcript entries and the current tool): apart from tools.ts so
// that run_command (commandTool.ts), which tools.ts adds, shares them without a circle.
export const TOOL_NAMES = ['read_file', 'list_files', 'search', 'write_file', 'edit_file', 'delete_file'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** The tools that report through ToolHooks: the file tools and run_command (commandTool.ts). */
export type HookedToolName = ToolName | 'run_command';

export interface ToolHooks {
  onStart?(name: HookedToolName, id: string, input: unknown): void;
  onEnd?(name: HookedToolName, id: string, content: string, isError: boolean): void;
}
