import type { DesiredAccount } from '../model.js';
import { matchesGlob } from './glob.js';

/** Why a token (or account) may or may not be deleted: the one rule for the planner, the write gate and file-token lines. */
export type DeletionVerdict =
  | { kind: 'allowed'; owner: string }
  | { kind: 'protected'; pattern: string }
  | { kind: 'unowned' }
  | { kind: 'not-pruned'; owner: string };

/** The three fields the rule reads: an account's token rules, or the cluster's `userManagedAccounts`. */
export type OwnershipRules = Pick<DesiredAccount, 'owns' | 'prune' | 'protect'>;

/**
 * A name is deleted only when an `owns` pattern matches it, the rules say `prune: owned`, and no
 * `protect` pattern matches it (max-deletions is counted per cluster by the planner and the gate).
 * Rotation goes through here too: a name that looks like a generation proves nothing about who made it.
 * A user-managed account's own deletion follows the same rule, with the cluster's
 * `userManagedAccounts` ownership in place of the account's.
 */
export function deletionVerdict(rules: OwnershipRules, name: string): DeletionVerdict {
  const protector = rules.protect.find((pattern) => matchesGlob(pattern, name));
  if (protector !== undefined) return { kind: 'protected', pattern: protector };
  const owner = rules.owns.find((pattern) => matchesGlob(pattern, name));
  if (owner === undefined) return { kind: 'unowned' };
  return rules.prune === 'owned' ? { kind: 'allowed', owner } : { kind: 'not-pruned', owner };
}

/** The verdict in words, for warnings and refusals: "protect 'x' matches it". */
export function describeVerdict(verdict: Exclude<DeletionVerdict, { kind: 'allowed' }>): string {
  switch (verdict.kind) {
    case 'protected': return `protect '${verdict.pattern}' matches it`;
    case 'unowned': return 'no owns pattern matches it';
    case 'not-pruned': return `prune is off (it matches owns '${verdict.owner}')`;
  }
}
