// Requests for the agents of a task: one place that turns a task and the run's context
// into what runAgentTask needs.

/** The file tools of agents that change nothing (voters, judges). */
export const READ_ONLY_TOOLS = ['read_file', 'list_files', 'search'] as const;
