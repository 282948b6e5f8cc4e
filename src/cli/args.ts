// A small argv parser for the CLI's flags: `--name value`, `--name=value`, boolean
// `--flag`, and positionals. It accepts exactly the flags of the command's entry in
// commandSpecs.ts; anything else is a usage error with a suggestion, never ignored.
import { COMMANDS, type CommandSpec } from './commandSpecs';
import { usageLine } from './help';
import { CliError, EXIT_USAGE } from './io';
import { closest } from './suggest';

export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Record<string, string | boolean>;
}

export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  const usage = usageLine(spec);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(arg.startsWith('--') ? 2 : 1, eq < 0 ? undefined : eq);
    const flag = arg.startsWith('--') ? spec.flags.find((f) => f.name === name) : undefined;
    if (!flag) throw new CliError(`${unknownOption(spec, arg.slice(0, eq < 0 ? undefined : eq), name)}\n${usage}`, EXIT_USAGE);
    if (flag.kind === 'boolean') {
      if (eq >= 0) throw new CliError(`--${name} takes no value\n${usage}`, EXIT_USAGE);
      flags[name] = true;
    } else if (flag.kind === 'optional') {
      if (eq >= 0 && arg.slice(eq + 1) === '') throw new CliError(`--${name}= needs a value after "="\n${usage}`, EXIT_USAGE);
      flags[name] = eq >= 0 ? arg.slice(eq + 1) : true;
    } else {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new CliError(`--${name} needs a value\n${usage}`, EXIT_USAGE);
      flags[name] = value;
    }
  }
  return { positionals, flags };
}

/** "unknown option --jsno; did you mean --json?", or where the flag does belong. */
function unknownOption(spec: CommandSpec, written: string, name: string): string {
  const retired = spec.retired?.[name];
  if (retired !== undefined) return `--${name} is no longer an option of ${spec.name}: ${retired}`;
  const near = closest(name, spec.flags.map((f) => f.name));
  if (near !== undefined) return `unknown option ${written}; did you mean --${near}?`;
  const elsewhere = COMMANDS.filter((c) => c.flags.some((f) => f.name === name)).map((c) => c.name);
  if (elsewhere.length) return `${spec.name} has no option --${name} (${elsewhere.join(' and ')} ${elsewhere.length === 1 ? 'has' : 'have'} it)`;
  return `unknown option ${written}`;
}

/** A comma-separated list flag (`--only a,b`), trimmed, empty entries dropped. */
export function listFlag(v: string | boolean | undefined): string[] | undefined {
  if (typeof v !== 'string') return undefined;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

export function intFlag(v: string | boolean | undefined, name: string, min: number, max: number, spec: CommandSpec): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min || n > max) {
    throw new CliError(`--${name} must be a whole number from ${min} to ${max}\n${usageLine(spec)}`, EXIT_USAGE);
  }
  return n;
}
