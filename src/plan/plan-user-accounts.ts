import type { DesiredCluster, ObservedAccount, ObservedUserManagedAccount } from '../model.js';
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
): UserAccountPlan {
  const plan: UserAccountPlan = { accountActions: [], tokenActions: [], warnings: [] };
  const byPrincipal = new Map(observed.map((a) => [a.principal, a]));
  const declared = new Set<string>();
  for (const account of cluster.serviceAccounts) {
    if (!account.userManaged) continue;
    declared.add(account.principal);
    const action = planDeclared(account.principal, account.userManaged, byPrincipal.get(account.principal));
    if (action) plan.accountActions.push(action);
  }
  for (const account of observed) {
    if (declared.has(account.principal) || isReservedNamespace(namespaceOf(account.principal))) continue;
    planUndeclared(cluster, account.principal, credentials, facts, plan);
  }
  return plan;
}

function planDeclared(principal: string, spec: { roles: string[]; isEnabled: boolean }, seen: ObservedUserManagedAccount | undefined): AccountAction | undefined {
  if (!seen) return { kind: 'create-account', principal, roles: spec.roles, isEnabled: spec.isEnabled, reason: 'declared, not in the cluster' };
  const have = new Set(seen.roles);
  const want = new Set(spec.roles);
  const rolesAdded = spec.roles.filter((r) => !have.has(r));
  const rolesRemoved = [...have].filter((r) => !want.has(r)).sort();
  if (rolesAdded.length + rolesRemoved.length === 0 && seen.isEnabled === spec.isEnabled) return undefined;
  return { kind: 'update-account', principal, roles: spec.roles, isEnabled: spec.isEnabled, rolesAdded, rolesRemoved,
    enabledBefore: seen.isEnabled, reason: 'differs from the manifest' };
}

function planUndeclared(
  cluster: DesiredCluster, principal: string, credentials: readonly ObservedAccount[], facts: WriteFacts, plan: UserAccountPlan,
): void {
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
  plan.accountActions.push({ kind: 'delete-account', principal, reason: `owned ('${owner}') and not declared` });
}
