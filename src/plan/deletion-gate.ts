import type { DesiredAccount } from '../model.js';
import type { RetiringGeneration } from './plan-rotation.js';
import type { PlanWarning } from './plan-types.js';
import { matchesGlob } from './glob.js';

/** Why a token may or may not be deleted: the one rule for undeclared tokens and rotated-out generations alike. */
export type DeletionVerdict =
  | { kind: 'allowed'; owner: string }
  | { kind: 'protected'; pattern: string }
  | { kind: 'unowned' }
  | { kind: 'not-pruned'; owner: string };

/**
 * A token is deleted only when an `owns` pattern matches it, the account has `prune: owned`, and
 * no `protect` pattern matches it (max-deletions is checked per cluster by the planner). Rotation
 * goes through here too: a name that looks like a generation proves nothing about who made it.
 * A user-managed account's own deletion follows the same rule, with the cluster's
 * `userManagedAccounts` ownership in place of the account's.
 */
export function deletionVerdict(account: Pick<DesiredAccount, 'owns' | 'prune' | 'protect'>, name: string): DeletionVerdict {
  const protector = account.protect.find((pattern) => matchesGlob(pattern, name));
  if (protector !== undefined) return { kind: 'protected', pattern: protector };
  const owner = account.owns.find((pattern) => matchesGlob(pattern, name));
  if (owner === undefined) return { kind: 'unowned' };
  return account.prune === 'owned' ? { kind: 'allowed', owner } : { kind: 'not-pruned', owner };
}

/**
 * A generation rotation retires is deleted (index token) or its line removed (file token) only when
 * the gate allows; otherwise this is the warning that says why it stays. Undefined: allowed.
 */
export function keptGenerationWarning(
  account: Pick<DesiredAccount, 'principal' | 'owns' | 'prune' | 'protect'>, base: string, generation: RetiringGeneration,
  kind: 'token' | 'file token',
): PlanWarning | undefined {
  const verdict = deletionVerdict(account, generation.name);
  if (verdict.kind === 'allowed') return undefined;
  const why = verdict.kind === 'protected' ? `protect '${verdict.pattern}' matches it`
    : verdict.kind === 'unowned' ? 'no owns pattern matches it'
      : `prune is off (it matches owns '${verdict.owner}')`;
  return { principal: account.principal, token: generation.name, code: 'ESCRED_GENERATION_KEPT',
    message: `${kind === 'file token' ? 'file token ' : ''}${generation.name} is no longer needed by rotating ${kind} ${base} ` +
      `(${generation.reason}), but ${why}: rotation deletes only under prune: owned what owns matches and protect does not; it stays` };
}
