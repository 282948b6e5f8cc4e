import type { Task, TaskFile } from '../../../src/core/taskSchema';

/** A task for hand-made graphs: `deps` and `owns` default to nothing shared. */
export function task(id: string, deps: string[] = [], extra: Partial<Task> = {}): Task {
  return { id, kind: 'agent', prompt: id, owns: [`${id}/**`], reads: [], dependsOn: deps, line: 1, column: 1, ...extra };
}

export function file(tasks: Task[], concurrency = 3): TaskFile {
  return { path: 'tasks.yaml', concurrency, tasks };
}
