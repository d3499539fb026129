import type { DesiredToken, RotationPolicy } from '../model.js';
import { formatDuration } from './duration.js';
import { generationName, generationTime } from './generation-name.js';
import type { PlanAction, PlanWarning, RotationInfo } from './plan-types.js';

export interface RotationInput {
  principal: string;
  token: DesiredToken & { rotate: RotationPolicy };
  observedNames: readonly string[];
  nowMs: number;
  /** `escred rotate`: make the next generation now */
  isForced?: boolean;
  /** `escred rotate --revoke-old`: delete every older generation in the same apply */
  isRevokingOld?: boolean;
}

export interface RotationDecision {
  actions: PlanAction[];
  warnings: PlanWarning[];
  /** observed names that are generations of this token (never pruned as undeclared) */
  generations: string[];
}

/**
 * Pure rotation rule. The newest generation is current. A new one is made when the current is
 * older than `every` (or when forced); older generations are deleted once the newest has existed
 * for `overlap`. Apply creates before it deletes, so the new secret reaches the sink first, and
 * this never deletes the only generation.
 */
export function planRotation(input: RotationInput): RotationDecision {
  const { principal, token, nowMs } = input;
  const { everyMs, overlapMs } = token.rotate;
  const generations = input.observedNames
    .map((name) => ({ name, time: generationTime(token.name, name) }))
    .filter((g): g is { name: string; time: number } => g.time !== null)
    .sort((a, b) => a.time - b.time || (a.name < b.name ? -1 : 1));
  const decision: RotationDecision = { actions: [], warnings: [], generations: generations.map((g) => g.name) };
  const newest = generations.at(-1);
  const rotation = { everyMs, overlapMs };
  if (!newest) {
    decision.actions.push({ kind: 'create', principal, token: generationName(token.name, nowMs),
      reason: `rotate: first generation of ${token.name}`, rotation });
    return decision;
  }
  // A generation stamped in the future (clock skew) counts as brand new, never as overdue.
  const ageMs = Math.max(0, nowMs - newest.time);
  const isDue = ageMs >= everyMs;
  if (isDue || input.isForced) {
    const why = input.isForced
      ? `rotate: forced by escred rotate (${newest.name} is ${formatDuration(ageMs)} old)`
      : `rotate: ${newest.name} is ${formatDuration(ageMs)} old, every ${formatDuration(everyMs)}`;
    decision.actions.push({ kind: 'create', principal, token: generationName(token.name, nowMs), reason: why,
      rotation: { ...rotation, generation: newest.name, ageMs } });
    if (!input.isRevokingOld) return decision;
    planDeletions(decision, principal, token, generations, `revoked by escred rotate --revoke-old`, rotation);
    return decision;
  }
  if (ageMs >= overlapMs && generations.length > 1) {
    const why = `rotated out: ${newest.name} has existed for ${formatDuration(ageMs)}, overlap ${formatDuration(overlapMs)}`;
    planDeletions(decision, principal, token, generations.slice(0, -1), why, { ...rotation, generation: newest.name, ageMs });
  }
  return decision;
}

function planDeletions(
  decision: RotationDecision,
  principal: string,
  token: DesiredToken,
  victims: ReadonlyArray<{ name: string }>,
  reason: string,
  rotation: RotationInfo,
): void {
  for (const { name } of victims) {
    if (token.isProtected) {
      decision.warnings.push({ principal, token: name, code: 'ESCRED_PROTECTED_GENERATION',
        message: `${name} is an older generation of protected token ${token.name}: kept; delete it by hand when its users have moved` });
      continue;
    }
    decision.actions.push({ kind: 'delete', principal, token: name, reason, rotation });
  }
}
