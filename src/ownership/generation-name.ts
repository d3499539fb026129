/**
 * Rotated tokens keep their generation in the name, because the credentials API reports names
 * only: declared `ci` is realised as `ci-20261001T000000Z`. The suffix sorts lexically by time
 * and stays within Elasticsearch's name rule (letters, digits, '-').
 */
const SUFFIX = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
export const GENERATION_SUFFIX_LENGTH = '-20260101T000000Z'.length;

export function generationName(baseName: string, nowMs: number): string {
  const iso = new Date(nowMs).toISOString(); // 2026-10-01T00:00:00.000Z
  const compact = iso.slice(0, 19).replace(/[-:]/g, '') + 'Z';
  return `${baseName}-${compact}`;
}

/**
 * A generation name no token has yet: a rotation or revoke within the second the current generation
 * was made would otherwise name the new one after it (a 409, and --revoke-old or revoke would then
 * delete the one name both share). Later seconds are taken until one is free.
 */
export function freshGenerationName(baseName: string, nowMs: number, taken: readonly string[]): string {
  let at = nowMs;
  while (taken.includes(generationName(baseName, at))) at += 1000;
  return generationName(baseName, at);
}

/** The creation time encoded in `name` if it is a generation of `baseName`, else null. */
export function generationTime(baseName: string, name: string): number | null {
  if (!name.startsWith(`${baseName}-`)) return null;
  const match = SUFFIX.exec(name.slice(baseName.length + 1));
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  // Date.UTC rolls month 13 over into the next year: only a name escred could have written is a generation
  return Number.isNaN(ms) || generationName(baseName, ms) !== name ? null : ms;
}
