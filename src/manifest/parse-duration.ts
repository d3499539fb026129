const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };
const DURATION = /^(?=\d)(?:(\d{1,6})d)?(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,6})s)?$/;

/**
 * "30d", "12h", "1d12h" -> milliseconds; undefined when not a duration. The same grammar as the
 * schema's `duration` pattern (units largest first, each at most once). src/plan/duration.ts only
 * formats durations, so parsing lives here, next to the only reader of written durations.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const [, d, h, m, s] = match;
  const parts: Array<[string | undefined, number]> = [[d, UNIT_MS['d']!], [h, UNIT_MS['h']!], [m, UNIT_MS['m']!], [s, UNIT_MS['s']!]];
  return parts.reduce((total, [count, size]) => total + (count === undefined ? 0 : Number(count) * size), 0);
}
