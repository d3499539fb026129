import type { RotationPolicy } from '../model.js';
import { formatDuration } from './duration.js';
import { freshGenerationName, generationName, generationTime } from '../ownership/generation-name.js';
import type { PlanAction, PlanWarning, RotationInfo } from './plan-types.js';

export interface RotationInput {
  principal: string;
  token: { name: string; rotate: RotationPolicy };
  observedNames: readonly string[];
  nowMs: number;
  /**
   * false for a generation whose value nobody has: the sink says it lacks it (where it can tell),
   * or an interrupted apply never stored it. Such a name is never the current generation.
   */
  isSecured: (name: string) => boolean;
  /** names the account declares as tokens of their own: never generations, whatever they look like */
  declaredNames?: ReadonlySet<string>;
  /** `escred rotate`: make the next generation now */
  isForced?: boolean;
  /** `escred rotate --revoke-old`: retire every other generation in the same apply */
  isRevokingOld?: boolean;
}

/** A generation rotation wants gone; the caller deletes it only if the account's deletion gate allows. */
export interface RetiringGeneration {
  name: string;
  reason: string;
  rotation: RotationInfo;
}

export interface RotationDecision {
  /** at most one create: the next generation */
  actions: PlanAction[];
  retiring: RetiringGeneration[];
  warnings: PlanWarning[];
  /** observed names that are generations of this token (claimed: never planned again as undeclared tokens) */
  generations: string[];
}

interface Generation {
  name: string;
  time: number;
}

/**
 * Pure rotation rule. The current generation is the newest one whose value is secured. A new one
 * is made when there is none, when the current is older than `every`, or when forced; the others
 * retire once the current has existed for `overlap`. Apply creates before it deletes, so the new
 * secret reaches the sink first, and the current generation never retires.
 */
export function planRotation(input: RotationInput): RotationDecision {
  const { principal, token, nowMs } = input;
  const generations = generationsOf(input);
  const decision: RotationDecision = { actions: [], retiring: [], warnings: [], generations: generations.map((g) => g.name) };
  const unsecured = generations.filter((g) => !input.isSecured(g.name));
  for (const { name } of unsecured) {
    decision.warnings.push({ principal, token: name, code: 'ESCRED_GENERATION_NOT_SECURED',
      message: `${name} looks like a generation of ${token.name}, but the secret sink has no value for it ` +
        '(made outside escred, or its value was lost): it is not used as the current generation' });
  }
  const current = generations.filter((g) => input.isSecured(g.name)).at(-1);
  const rotation = { everyMs: token.rotate.everyMs, overlapMs: token.rotate.overlapMs };
  if (!current) {
    const reason = generations.length === 0 ? `rotate: first generation of ${token.name}`
      : `rotate: no generation of ${token.name} has its value in the secret sink`;
    decision.actions.push({ kind: 'create', principal, token: generationName(token.name, nowMs), reason, rotation });
    return decision;
  }
  // A generation stamped in the future (clock skew) counts as brand new, never as overdue.
  const ageMs = Math.max(0, nowMs - current.time);
  const others = generations.filter((g) => g !== current);
  const info = { ...rotation, generation: current.name, ageMs };
  if (ageMs >= rotation.everyMs || input.isForced) {
    const reason = input.isForced
      ? `rotate: forced by escred rotate (${current.name} is ${formatDuration(ageMs)} old)`
      : `rotate: ${current.name} is ${formatDuration(ageMs)} old, every ${formatDuration(rotation.everyMs)}`;
    decision.actions.push({ kind: 'create', principal, token: freshGenerationName(token.name, nowMs, input.observedNames), reason, rotation: info });
    if (input.isRevokingOld) retire(decision, [...others, current], () => 'revoked by escred rotate --revoke-old', info);
    return decision;
  }
  if (ageMs >= rotation.overlapMs) {
    retire(decision, others, (g) => input.isSecured(g.name)
      ? `rotated out: ${current.name} has existed for ${formatDuration(ageMs)}, overlap ${formatDuration(rotation.overlapMs)}`
      : `not the current generation of ${token.name} (${current.name}) and the secret sink has no value for it`, info);
  }
  return decision;
}

function generationsOf(input: RotationInput): Generation[] {
  return input.observedNames
    .filter((name) => !input.declaredNames?.has(name))
    .map((name) => ({ name, time: generationTime(input.token.name, name) }))
    .filter((g): g is Generation => g.time !== null)
    .sort((a, b) => a.time - b.time || (a.name < b.name ? -1 : 1));
}

function retire(decision: RotationDecision, victims: readonly Generation[], reason: (g: Generation) => string, rotation: RotationInfo): void {
  for (const generation of victims) decision.retiring.push({ name: generation.name, reason: reason(generation), rotation });
}
