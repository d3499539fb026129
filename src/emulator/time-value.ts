/**
 * Elasticsearch TimeValue parsing as the REST layer applies it to `timeout`, `master_timeout`
 * (TimeValue.parseTimeValue): a number with a unit (nanos, micros, ms, s, m, h, d), or -1 / 0.
 */
import { illegalArgument } from './es-errors.js';

const UNIT_MS: ReadonlyArray<[string, number]> = [
  ['nanos', 1e-6],
  ['micros', 1e-3],
  ['ms', 1],
  ['s', 1000],
  ['m', 60_000],
  ['h', 3_600_000],
  ['d', 86_400_000],
];

/** Milliseconds, or -1 for "no timeout". Throws ES's 400 for a value without a known unit. */
export function parseTimeValueMs(value: string | undefined, defaultMs: number, settingName: string): number {
  if (value === undefined) return defaultMs;
  const trimmed = value.trim().toLowerCase();
  if (trimmed === '-1') return -1;
  if (trimmed === '0') return 0;
  for (const [unit, factor] of UNIT_MS) {
    if (!trimmed.endsWith(unit)) continue;
    const number = trimmed.slice(0, -unit.length).trim();
    // 'ms', 'nanos' and 'micros' also end with 's': they are tried first.
    if (/^\d+(\.\d+)?$/.test(number)) return Number(number) * factor;
  }
  throw illegalArgument(`failed to parse setting [${settingName}] with value [${value}] as a time value: unit is missing or unrecognized`);
}
