// The planner's `propose_tasks` tool. Its input schema is the task file's own zod schema
// (core/taskSchema.ts, without the editor-only `$schema` key), so the model is offered
// exactly what a task file accepts. The input is NOT validated here: it goes unchanged to
// `onProposal`, which checks it with the same parse and plan code as a hand-written file
// and so reports problems with the messages a user would see for that file. A proposal
// with errors comes back as an error result (the model revises); an accepted one, or a
// valid one with warnings, as a plain result.
import { ToolError } from '@anthropic-ai/sdk/lib/tools/ToolError';
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import { z } from 'zod';
import { taskFileSchema } from '../core';

export const PROPOSE_TASKS_TOOL_NAME = 'propose_tasks';

export interface ProposalVerdict {
  /** true: the proposal has errors; the result goes back as a tool error. */
  readonly isError: boolean;
  /** What the analysis found, and what to do next. */
  readonly message: string;
}

export interface ProposeTasksToolOptions {
  readonly onProposal: (input: unknown) => ProposalVerdict | Promise<ProposalVerdict>;
}

let inputSchemaCache: Record<string, unknown> | undefined;

/** The JSON Schema the model sees: the task file's, computed once per process. */
function proposalJsonSchema(): Record<string, unknown> {
  if (!inputSchemaCache) {
    // As scripts/generate-schema.ts builds the editor's schema; the meta `$schema` key is not part of a tool's input.
    const { $schema: _meta, ...schema } = z.toJSONSchema(taskFileSchema.omit({ $schema: true }), { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
    inputSchemaCache = schema;
  }
  return inputSchemaCache;
}

export function createProposeTasksTool(opts: ProposeTasksToolOptions): BetaRunnableTool<unknown> {
  const schema = proposalJsonSchema();
  const tool = {
    type: 'custom' as const,
    name: PROPOSE_TASKS_TOOL_NAME,
    description:
      'Propose the task file for the goal: its input is the task file itself (`version: 1`, `tasks`: a map of task id → task). ' +
      'The proposal is checked like a hand-written task file (ownership overlaps between tasks that can run at once, dependency ' +
      'cycles, unknown ids, globs outside the workspace, reads that nothing orders); the result lists what was found. Revise and ' +
      'call it again until the result says the proposal is accepted.',
    input_schema: schema as { type: 'object'; [k: string]: unknown },
    // Validation is the analysis' job (see above): the raw input goes through unchanged.
    parse: (input: unknown) => input,
    run: async (input: unknown) => {
      const verdict = await opts.onProposal(input);
      if (verdict.isError) throw new ToolError(verdict.message);
      return verdict.message;
    },
  };
  return tool as BetaRunnableTool<unknown>;
}
