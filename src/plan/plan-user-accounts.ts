import type { CredentialIdentity, DesiredCluster, DesiredUserManagedSpec, ObservedAccount, ObservedUserManagedAccount } from '../model.js';
import { lastChangeOf, type AccountChangedBy } from './account-attribution.js';
import { kibanaAccountHold, kibanaDeletionNote } from './kibana-account-hold.js';
import type { AccountAction } from './account-actions.js';
import { isReservedNamespace, namespaceOf } from '../es/principal.js';
import { deletionVerdict } from '../ownership/deletion-verdict.js';
import { judgeTokenDelete, type WriteFacts } from '../ownership/write-rules.js';
import type { PlanAction, PlanWarning } from './plan-types.js';

export interface UserAccountPlan {
  accountActions: AccountAction[];
  /** token deletes of accounts being deleted: Elasticsearch refuses an account delete while tokens remain */
  tokenActions: PlanAction[];
  warnings: PlanWarning[];
}

/**
 * User-managed accounts of one cluster (spec user-managed-service-accounts.md section 9): create
 * what is declared and missing, update roles (as a set) and enabled, delete an undeclared account
 * only when `userManagedAccounts` owns it, prunes, does not protect it, and never in `elastic`.
 * An account to delete has its tokens deleted first in the same plan (never `force`, which leaves
 * tokens that block its re-creation), and only when every token it has is one escred made (its
 * value is in the sink): otherwise the account and all its tokens stay, with a warning naming them.
 */
export function planUserAccounts(
  cluster: DesiredCluster, observed: readonly ObservedUserManagedAccount[], credentials: readonly ObservedAccount[], facts: WriteFacts,
  self?: CredentialIdentity | null,
): UserAccountPlan {
  const plan: UserAccountPlan = { accountActions: [], tokenActions: [], warnings: [] };
  const byPrincipal = new Map(observed.map((a) => [a.principal, a]));
  const declared = new Set<string>();
  for (const account of cluster.serviceAccounts) {
    if (!account.userManaged) continue;
    declared.add(account.principal);
    const action = planDeclared(account.principal, account.userManaged, byPrincipal.get(account.principal), self);
    if (action) plan.accountActions.push(action);
  }
  for (const account of observed) {
    if (declared.has(account.principal) || isReservedNamespace(namespaceOf(account.principal))) continue;
    planUndeclared(cluster, account, credentials, facts, plan);
  }
  return plan;
}

/**
 * A declared account: roles (as a set), enabled, and the description where the manifest declares one. The
 * write carries what the cluster has for everything the manifest leaves out (issue 22: a PUT is wholesale).
 */
function planDeclared(
  principal: string, spec: DesiredUserManagedSpec, seen: ObservedUserManagedAccount | undefined, self?: CredentialIdentity | null,
): AccountAction | undefined {
  const declared = spec.description === undefined ? {} : { description: spec.description };
  if (!seen) {
    return { kind: 'create-account', principal, roles: spec.roles, isEnabled: spec.isEnabled ?? true, ...declared, reason: 'declared, not in the cluster' };
  }
  // left out of the manifest, the flag stays as the cluster has it: a hand-disabled account is not re-enabled
  const isEnabled = spec.isEnabled ?? seen.isEnabled;
  const have = new Set(seen.roles);
  const want = new Set(spec.roles);
  const rolesAdded = spec.roles.filter((r) => !have.has(r));
  const rolesRemoved = [...have].filter((r) => !want.has(r)).sort();
  const isDescriptionChanged = spec.description !== undefined && spec.description !== seen.description;
  if (rolesAdded.length + rolesRemoved.length === 0 && seen.isEnabled === isEnabled && !isDescriptionChanged) return undefined;
  const description = spec.description ?? seen.description;
  return { kind: 'update-account', principal, roles: spec.roles, isEnabled, rolesAdded, rolesRemoved,
    enabledBefore: seen.isEnabled, ...(description === undefined ? {} : { description }),
    ...(isDescriptionChanged ? { descriptionBefore: seen.description ?? null } : {}),
    ...(seen.keptFields ? { keptFields: seen.keptFields } : {}), ...changedByOf(seen, self), reason: 'differs from the manifest' };
}

function changedByOf(seen: ObservedUserManagedAccount, self: CredentialIdentity | null | undefined): { changedBy?: AccountChangedBy } {
  const changedBy = lastChangeOf(seen, self);
  return changedBy ? { changedBy } : {};
}

function planUndeclared(
  cluster: DesiredCluster, account: ObservedUserManagedAccount, credentials: readonly ObservedAccount[], facts: WriteFacts, plan: UserAccountPlan,
): void {
  const { principal } = account;
  const verdict = deletionVerdict(cluster.userManagedAccounts, principal);
  if (verdict.kind === 'protected') return;
  if (verdict.kind === 'unowned') {
    plan.warnings.push({ principal, code: 'ESCRED_UNOWNED_ACCOUNT',
      message: `user-managed service account ${principal} is not declared and no userManagedAccounts.owns pattern matches it: escred leaves it alone` });
    return;
  }
  const owner = verdict.owner;
  if (verdict.kind === 'not-pruned') {
    plan.warnings.push({ principal, code: 'ESCRED_ACCOUNT_NOT_PRUNED',
      message: `user-managed service account ${principal} matches owns '${owner}' but is not declared; prune is off, so it stays` });
    return;
  }
  const hold = kibanaAccountHold(account, owner);
  if (hold) {
    plan.warnings.push(hold);
    return;
  }
  const tokens = credentials.find((c) => c.principal === principal)?.indexTokens ?? [];
  // the account's own token rules left the manifest with it: only tokens escred can prove it made go (the write gate's rule)
  const holding = tokens.filter((token) => !judgeTokenDelete(cluster, principal, token, 'account-removal', facts).isAllowed);
  if (holding.length > 0) {
    plan.warnings.push({ principal, code: 'ESCRED_ACCOUNT_KEPT',
      message: `user-managed service account ${principal} is owned ('${owner}') and no longer declared, but it keeps tokens escred ` +
        `did not make (no value in its secret sink): ${holding.join(', ')}; Elasticsearch deletes an account only without tokens, ` +
        'so escred keeps it and all its tokens. Delete those tokens by hand (or declare the account again) and the next apply removes it' });
    return;
  }
  for (const token of tokens) {
    plan.tokenActions.push({ kind: 'delete', principal, token, reason: `its account ${principal} is deleted (owned, '${owner}')` });
  }
  plan.accountActions.push({ kind: 'delete-account', principal, reason: `owned ('${owner}') and not declared${kibanaDeletionNote(account)}` });
}
