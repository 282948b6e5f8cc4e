// Builds the JSON Schema for .agents/tasks.{yaml,json} from the zod schema, so the
// editor's completion and validation can never drift from the parser.
import { z } from 'zod';
import { taskFileSchema } from '../src/core/taskSchema';

export function generateTaskFileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(taskFileSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://parallel-agents.dev/schemas/tasks.schema.json',
    title: 'Parallel Agents task file',
    description: 'Tasks for Parallel Agents: what each agent does, the files it owns, and what it depends on.',
  };
}
