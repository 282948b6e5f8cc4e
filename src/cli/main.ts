// The headless front end: the same engine as the extension, no VS Code.
import { CliError, EXIT_USAGE, type CliCommand, type CliIO } from './io';
import { planCommand } from './commands/plan';

const USAGE = `Parallel Agents: plan, run and merge several coding agents at once on one git workspace.

usage: parallel-agents <command> [options]

commands:
  plan [DIR] [--file F] [--json] [--concurrency N]    waves, critical path, predicted speedup, conflicts
  run [DIR] [--file F] [--only a,b] [--concurrency N] [--apply] [--json] [--max-cost USD]
  runs [DIR]                                          list past runs
  show [DIR] RUN [TASK]                               a run's tasks, changes, overlaps and violations
  apply [DIR] RUN [--only a,b]                        3-way merge a run's results into the working tree
  undo [DIR] RUN                                      restore the working tree as it was before apply
  choose [DIR] RUN TASK ATTEMPT                       make another attempt of a competitive task its result

exit codes: 0 ok · 1 invalid task file, failed task or unresolved conflict · 2 usage
The model endpoint comes from ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL.
`;

const commands: Record<string, () => Promise<CliCommand>> = {
  plan: async () => planCommand,
  run: async () => (await import('./commands/run')).runCommand,
  runs: async () => (await import('./commands/runs')).runsCommand,
  show: async () => (await import('./commands/show')).showCommand,
  apply: async () => (await import('./commands/apply')).applyCommand,
  undo: async () => (await import('./commands/undo')).undoCommand,
  choose: async () => (await import('./commands/choose')).chooseCommand,
};

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version') {
    io.stdout(`${process.env.PARALLEL_AGENTS_VERSION ?? 'dev'}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    io.stderr(`parallel-agents: unknown command "${name}"\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  try {
    return await (await load())(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`parallel-agents ${name}: ${e.message}\n`);
      return e.exitCode;
    }
    // An unexpected failure: say what happened without a stack trace unless asked.
    const msg = e instanceof Error ? e.message : String(e);
    io.stderr(`parallel-agents ${name}: ${msg}\n`);
    if (io.env.PARALLEL_AGENTS_DEBUG) io.stderr(`${(e as Error).stack ?? ''}\n`);
    return 1;
  }
}

if (require.main === module) {
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    // On a terminal the live display says so; elsewhere, say it here.
    if (!process.stdout.isTTY) process.stderr.write('\nparallel-agents: cancelling (finished work is kept); press Ctrl-C again to quit at once\n');
    controller.abort('cancelled with Ctrl-C');
  });
  const io: CliIO = {
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    interrupt: controller.signal,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`parallel-agents: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
