// Scripted turns for the planner (`propose`), served by the fake Messages API. A test double:
// these proposals are written by hand, nothing is generated. The demo's script answers the
// four-step example's goal; its first proposal leaves the changelog unordered after the tests
// (a warning the analysis catches), the second fixes it.
import type { ConversationView, FakeScript, FakeTurn } from './server';

/** The task id line's id of the planner (agents/plannerPrompt.ts: PLANNER_TASK_ID#PLANNER_INSTANCE.id). */
export const PLANNER_SCRIPT_ID = 'propose#planner';

export const FOUR_STEP_GOAL = 'add unit tests, update the API docs, run the linter and add a changelog entry';

type ProposalTask = Record<string, unknown>;

export function proposal(tasks: Record<string, ProposalTask>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { version: 1, ...extra, tasks };
}

export const propose = (input: unknown): FakeTurn => ({ toolCalls: [{ name: 'propose_tasks', input }] });

/** The four-step example's tasks, as the planner proposes them in the end. */
export function fourStepTasks(): Record<string, ProposalTask> {
  return {
    tests: {
      title: 'Write unit tests',
      prompt:
        'Write unit tests for src/slugify.js with node:test and node:assert in test/slugify.test.js. Cover ordinary words, ' +
        'accents, punctuation, repeated separators, empty input and the maxLength option. End with one line saying how many ' +
        'cases you covered.',
      owns: ['test/**'],
      // It runs the tests it wrote (run_command), as in examples/four-step.
      commands: true,
      reads: ['src/**'],
    },
    docs: {
      title: 'Update the API docs',
      prompt:
        'Document every exported function of src/slugify.js in docs/api.md: signature, parameters, return value and one ' +
        'example each. Keep the existing introduction.',
      owns: ['docs/**'],
      reads: ['src/**'],
    },
    lint: {
      title: 'Run the linter',
      run: 'node scripts/lint.js src > reports/lint.txt',
      owns: ['reports/**'],
    },
    changelog: {
      title: 'Changelog entry',
      prompt:
        'Add an entry at the top of CHANGELOG.md under "Unreleased" describing the new unit tests, using what the tests ' +
        'task reported about its coverage.',
      owns: ['CHANGELOG.md'],
      reads: ['test/**'],
      dependsOn: ['tests'],
    },
  };
}

const explore: FakeTurn[] = [
  { text: 'I will look at the project first.', toolCalls: [{ name: 'list_files', input: {} }] },
  { toolCalls: [{ name: 'read_file', input: { path: 'src/slugify.js' } }, { name: 'read_file', input: { path: 'package.json' } }] },
];

/** The demo's planner turns for FOUR_STEP_GOAL: explore, propose (one warning), fix, done. */
export function fourStepPlannerTurns(): FakeTurn[] {
  const first = fourStepTasks();
  const { dependsOn: _forgotten, ...changelog } = first.changelog as ProposalTask;
  return [
    ...explore,
    propose(proposal({ ...first, changelog }, { concurrency: 3 })),
    propose(proposal(fourStepTasks(), { concurrency: 3 })),
    { text: 'Proposed 4 tasks: tests, docs and lint at once, the changelog after the tests.' },
  ];
}

function systemHasGoal(view: ConversationView, goal: string): boolean {
  return view.system.toLowerCase().includes(`goal: ${goal.toLowerCase()}`);
}

/**
 * The demo server's planner: the four-step goal gets its script; any other goal gets a plain
 * answer saying the demo model has no script for it (so the planner ends without proposing).
 */
export function plannerDemoScript(): FakeScript {
  const turns = fourStepPlannerTurns();
  return {
    [PLANNER_SCRIPT_ID]: (view) =>
      systemHasGoal(view, FOUR_STEP_GOAL)
        ? turns[view.turn]
        : {
            text:
              `This is the demo model (a scripted test double, not an AI): it only has a plan for the goal "${FOUR_STEP_GOAL}". ` +
              'Set an API key to plan other goals.',
          },
  };
}
