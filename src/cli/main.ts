// The headless front end: the same engine as the extension, no VS Code.
import { COMMANDS, commandSpec } from './commandSpecs';
import { commandHelp, mainHelp } from './help';
import { CliError, EXIT_USAGE, type CliCommand, type CliIO } from './io';
import { planCommand } from './commands/plan';
import { closest } from './suggest';
import { processIO } from './processIO';

/** Loaders by command name; every name has its entry in commandSpecs.ts (a test checks both ways). */
export const COMMAND_LOADERS: Readonly<Record<string, () => Promise<CliCommand>>> = {
  plan: async () => planCommand,
  run: async () => (await import('./commands/run')).runCommand,
  propose: async () => (await import('./commands/propose')).proposeCommand,
  runs: async () => (await import('./commands/runs')).runsCommand,
  show: async () => (await import('./commands/show')).showCommand,
  apply: async () => (await import('./commands/apply')).applyCommand,
  undo: async () => (await import('./commands/undo')).undoCommand,
  choose: async () => (await import('./commands/choose')).chooseCommand,
  prune: async () => (await import('./commands/prune')).pruneCommand,
};

const wantsHelp = (argv: readonly string[]) => {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && COMMAND_LOADERS[topic]) {
      io.stdout(commandHelp(commandSpec(topic)));
      return 0;
    }
    io.stdout(mainHelp());
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version') {
    io.stdout(`${process.env.PARALLEL_AGENTS_VERSION ?? 'dev'}\n`);
    return 0;
  }
  const load = COMMAND_LOADERS[name];
  if (!load) {
    const near = closest(name, COMMANDS.map((c) => c.name));
    io.stderr(`parallel-agents: unknown command "${name}"${near ? `; did you mean "${near}"?` : ''}\n\n${mainHelp()}`);
    return EXIT_USAGE;
  }
  if (wantsHelp(rest)) {
    io.stdout(commandHelp(commandSpec(name)));
    return 0;
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
  main(process.argv.slice(2), processIO()).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`parallel-agents: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
