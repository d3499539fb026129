import type { AuditPolicy } from '../model.js';
import type { Policy } from './generated/manifest-types.js';
import { parseDuration } from './parse-duration.js';

/** The manifest's `policy:` (the schema checked its shape): at the top of a file, the default of its clusters. */
export function normalizePolicy(raw: Policy | undefined): AuditPolicy | undefined {
  if (raw === undefined) return undefined;
  const maxAgeMs = raw.maxAge === undefined ? undefined : parseDuration(raw.maxAge);
  return { requireRotation: raw.requireRotation === true, forbidUnowned: raw.forbidUnowned === true, ...(maxAgeMs ? { maxAgeMs } : {}) };
}
