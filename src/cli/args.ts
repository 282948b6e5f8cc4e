// A small argv parser for the CLI's flags: `--name value`, `--name=value`, boolean
// `--flag`, and positionals. Unknown flags are a usage error, never ignored silently.
import { CliError, EXIT_USAGE } from './io';

export interface FlagSpec {
  readonly [name: string]: 'string' | 'boolean';
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Record<string, string | boolean>;
}

export function parseArgs(argv: readonly string[], spec: FlagSpec, usage: string): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = spec[name];
    if (!kind) throw new CliError(`unknown option --${name}\n${usage}`, EXIT_USAGE);
    if (kind === 'boolean') {
      if (eq >= 0) throw new CliError(`--${name} takes no value\n${usage}`, EXIT_USAGE);
      flags[name] = true;
    } else {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new CliError(`--${name} needs a value\n${usage}`, EXIT_USAGE);
      flags[name] = value;
    }
  }
  return { positionals, flags };
}

/** A comma-separated list flag (`--only a,b`), trimmed, empty entries dropped. */
export function listFlag(v: string | boolean | undefined): string[] | undefined {
  if (typeof v !== 'string') return undefined;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

export function intFlag(v: string | boolean | undefined, name: string, min: number, max: number, usage: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min || n > max) {
    throw new CliError(`--${name} must be a whole number from ${min} to ${max}\n${usage}`, EXIT_USAGE);
  }
  return n;
}
