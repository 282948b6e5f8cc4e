// The task file "Create Task File" writes: the lesson's four steps. Two agents and a
// command run at once (they own disjoint files); the changelog waits for the tests.
// test/unit/vscode checks that it parses and plans without a single problem.

export const TASK_FILE_TEMPLATE_YAML = `# Parallel Agents task file. Each task owns the files it may write; tasks whose
# ownership does not overlap run at the same time. Show the plan with
# "Parallel Agents: Show Plan", then run with "Parallel Agents: Run All Tasks".
version: 1
concurrency: 3
tasks:
  unit-tests:
    title: Unit tests
    prompt: |
      Write unit tests for the public functions under src/. Put them under test/,
      one test file per source file, using the test framework the project already uses.
      Do not change the code under src/; if something looks wrong, say so in your summary.
    owns: [test/**]
    reads: [src/**, package.json]

  api-docs:
    title: API docs
    prompt: |
      Document the public API under src/ in docs/api/: one Markdown page per module,
      with each exported function's purpose, parameters, return value and an example.
    owns: [docs/api/**]
    reads: [src/**]

  lint:
    title: Lint report
    run: npm run lint --if-present > lint-report.txt 2>&1
    owns: [lint-report.txt]
    timeoutSeconds: 300

  changelog:
    title: Changelog
    prompt: |
      Add an entry at the top of CHANGELOG.md (create it if missing) describing the
      tests that were added, using the unit-tests task's summary.
    owns: [CHANGELOG.md]
    dependsOn: [unit-tests]
`;

/** Same tasks as JSON, for a workspace configured to use `.agents/tasks.json`. */
export function taskFileTemplateJson(): string {
  return (
    JSON.stringify(
      {
        version: 1,
        concurrency: 3,
        tasks: {
          'unit-tests': {
            title: 'Unit tests',
            prompt:
              'Write unit tests for the public functions under src/. Put them under test/, one test file per source file, using the test framework the project already uses. Do not change the code under src/; if something looks wrong, say so in your summary.',
            owns: ['test/**'],
            reads: ['src/**', 'package.json'],
          },
          'api-docs': {
            title: 'API docs',
            prompt:
              "Document the public API under src/ in docs/api/: one Markdown page per module, with each exported function's purpose, parameters, return value and an example.",
            owns: ['docs/api/**'],
            reads: ['src/**'],
          },
          lint: {
            title: 'Lint report',
            run: 'npm run lint --if-present > lint-report.txt 2>&1',
            owns: ['lint-report.txt'],
            timeoutSeconds: 300,
          },
          changelog: {
            title: 'Changelog',
            prompt:
              "Add an entry at the top of CHANGELOG.md (create it if missing) describing the tests that were added, using the unit-tests task's summary.",
            owns: ['CHANGELOG.md'],
            dependsOn: ['unit-tests'],
          },
        },
      },
      null,
      2,
    ) + '\n'
  );
}

export function taskFileTemplateFor(relativePath: string): string {
  return relativePath.toLowerCase().endsWith('.json') ? taskFileTemplateJson() : TASK_FILE_TEMPLATE_YAML;
}
