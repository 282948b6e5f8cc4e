// Durations on the command line: `30m`, `12h`, `7d` (also `45s`, `2w`).
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds, or undefined when the text is not a whole number followed by s, m, h, d or w. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)\s*([smhdw])$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = UNIT_MS[(m[2] as string).toLowerCase()] as number;
  return n > 0 ? n * unit : undefined;
}
