/**
 * The manifest's `lease` (issue 15): at the top of a file, the default of that file's clusters; a
 * cluster's own `lease` wins. The schema checks the shape; this turns the duration into ms and
 * refuses a duration too short to renew in (a holder renews every third of it).
 */
import type { LeaseConfig } from '../model.js';
import { DIAGNOSTIC_CODES, errorAt } from './diagnostic.js';
import type { Lease } from './generated/manifest-types.js';
import type { DataPath } from './node-locator.js';
import type { NormalizeContext } from './normalize-context.js';

/** below this a renewal (one round trip) cannot be relied on to land within a third of the term */
export const MIN_LEASE_DURATION_MS = 300;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000 };

/** "15s", "1500ms", "1m" -> milliseconds (the schema's lease duration pattern) */
export function parseLeaseDuration(text: string): number | undefined {
  const match = /^(\d{1,7})(ms|s|m)$/.exec(text);
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : undefined;
}

export function normalizeLease(context: NormalizeContext, raw: Lease | undefined, path: DataPath): LeaseConfig | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'off') return 'off';
  const lease: Exclude<LeaseConfig, 'off'> = {};
  if (raw.index !== undefined) lease.index = raw.index;
  if (raw.duration !== undefined) {
    const durationMs = parseLeaseDuration(raw.duration);
    if (durationMs === undefined || durationMs < MIN_LEASE_DURATION_MS) {
      context.diagnostics.push(errorAt(context.locator.value([...path, 'duration']), DIAGNOSTIC_CODES.schema,
        `lease duration must be at least ${MIN_LEASE_DURATION_MS}ms, e.g. 15s`));
    } else {
      lease.durationMs = durationMs;
    }
  }
  return lease;
}
