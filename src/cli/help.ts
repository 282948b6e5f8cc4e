// The help texts, printed from the command table (commandSpecs.ts) the parser uses.
import { COMMANDS, type CommandSpec, type FlagSpec } from './commandSpecs';

export function flagUsage(f: FlagSpec): string {
  if (f.kind === 'boolean') return `--${f.name}`;
  if (f.kind === 'optional') return `--${f.name}[=${f.value ?? 'VALUE'}]`;
  return `--${f.name} ${f.value ?? 'VALUE'}`;
}

/** `parallel-agents apply [DIR] RUN [--only a,b] [--json]` */
export function synopsis(spec: CommandSpec): string {
  return ['parallel-agents', spec.name, spec.args, ...spec.flags.map((f) => `[${flagUsage(f)}]`)].filter(Boolean).join(' ');
}

/** The line usage errors end with. */
export function usageLine(spec: CommandSpec): string {
  return `usage: ${synopsis(spec)}\n(\`parallel-agents ${spec.name} --help\` explains the options)`;
}

export function commandHelp(spec: CommandSpec): string {
  const rows = [...spec.flags.map((f) => [flagUsage(f), f.help] as const), ['-h, --help', 'this help'] as const];
  const width = Math.max(...rows.map(([u]) => u.length));
  const lines = [`usage: ${synopsis(spec)}`, '', capitalise(spec.summary) + '.', '', 'options:'];
  for (const [u, h] of rows) lines.push(`  ${u.padEnd(width)}  ${h}`);
  if (spec.details?.length) lines.push('', ...spec.details);
  return lines.join('\n') + '\n';
}

export function mainHelp(): string {
  const lines = [
    'Parallel Agents: plan, run and merge several coding agents at once on one git workspace.',
    '',
    'usage: parallel-agents <command> [options]',
    '',
    'commands:',
  ];
  for (const spec of COMMANDS) lines.push(`  ${synopsis(spec).replace(/^parallel-agents /, '')}`, `      ${spec.summary}`);
  lines.push(
    '',
    '`parallel-agents <command> --help` explains a command’s options. RUN may be "last" (the newest run).',
    'exit codes: 0 ok · 1 invalid task file, failed or undecided task, or unresolved conflict · 2 usage',
    'The model endpoint comes from ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL.',
    'The CLI runs agents on Anthropic\'s API only; VS Code\'s own models (setting parallelAgents.modelSource "vscode") are for the extension.',
  );
  return lines.join('\n') + '\n';
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
