import type { DesiredAccount, DesiredCluster, DesiredState, ObservedAccount, ObservedCluster, ObservedUserManaged } from '../model.js';
import { leftoverTokens } from './leftover-tokens.js';
import { planUserAccounts } from './plan-user-accounts.js';
import { planAccountFileTokens } from './plan-account-file-tokens.js';
import { planAccountIndexTokens } from './plan-account-index-tokens.js';
import { observedDigest, observedParts } from './observed-digest.js';
import type { BuildPlanOptions } from './build-plan-options.js';
import { securedKey } from './secured-tokens.js';
import { PLAN_FORMAT_VERSION, summarize, type ClusterPlan, type ClusterPlanError, type Plan, type TokenKey } from './plan-types.js';

import { planRevocation, revocationOf } from './plan-revocations.js';

export type { BuildPlanOptions, ForcedRotation } from './build-plan-options.js';

export function tokenKey(key: TokenKey): string {
  return securedKey(key.cluster, key.principal, key.token);
}

/** Pure: everything it needs comes in as arguments (no clock, no network, no environment). */
export function buildPlan(desired: DesiredState, observed: readonly ObservedCluster[], options: BuildPlanOptions): Plan {
  const byName = new Map(observed.map((c) => [c.name, c]));
  const clusters = desired.clusters
    .filter((c) => byName.has(c.name))
    .map((cluster) => planCluster(cluster, byName.get(cluster.name)!, options));
  return { formatVersion: PLAN_FORMAT_VERSION, clusters, summary: summarize(clusters) };
}

/** The plan entry of a cluster that could not be observed, so that it is reported, not silently skipped. */
export function unobservedClusterPlan(cluster: string, error: ClusterPlanError): ClusterPlan {
  return { cluster, clusterUuid: '', version: '', observedDigest: '', actions: [], fileTokenDrift: [], warnings: [], error };
}

function planCluster(cluster: DesiredCluster, observed: ObservedCluster, options: BuildPlanOptions): ClusterPlan {
  const plan: ClusterPlan = {
    cluster: cluster.name,
    clusterUuid: observed.clusterUuid,
    version: observed.version,
    observedDigest: observedDigest(observed),
    observedParts: observedParts(observed),
    actions: [],
    fileTokenDrift: [],
    warnings: [],
  };
  if (options.revocations) return planClusterRevocations(plan, cluster, observed, options);
  const leftovers = leftoverTokens(cluster, observed);
  for (const account of cluster.serviceAccounts) {
    // leftover tokens the account's create deletes first: its declared tokens are then made anew
    const found = leftovers.deletable.has(account.principal) ? undefined : observed.serviceAccounts.find((a) => a.principal === account.principal);
    const observedAccount = found ?? emptyAccount(account);
    if (!account.userManaged && observed.accounts && !observed.accounts.includes(account.principal)) {
      plan.warnings.push({ principal: account.principal, code: 'ESCRED_UNKNOWN_ACCOUNT',
        message: `Elasticsearch ${observed.version} has no service account ${account.principal} ` +
          `(it has: ${observed.accounts.join(', ')}); nothing is planned for it` });
      continue;
    }
    const index = planAccountIndexTokens({ clusterName: cluster.name, account, observed: observedAccount, options });
    const files = planAccountFileTokens({ clusterName: cluster.name, account, observedCluster: observed, observed: observedAccount, options });
    plan.actions.push(...index.actions);
    plan.warnings.push(...index.warnings, ...files.warnings);
    plan.fileTokenDrift.push(...files.drift);
  }
  if (observed.userManaged) addUserAccounts(plan, cluster, observed, observed.userManaged, leftovers.deletable, options.sinkSecrets);
  return withDeletionLimit(plan, cluster, options, leftovers);
}

/** A revoke plans its named accounts' revocations and nothing else: no other token, file token or account. */
function planClusterRevocations(plan: ClusterPlan, cluster: DesiredCluster, observed: ObservedCluster, options: BuildPlanOptions): ClusterPlan {
  for (const account of cluster.serviceAccounts) {
    const revocation = revocationOf(options.revocations, { cluster: cluster.name, principal: account.principal });
    if (!revocation) continue;
    const observedAccount = observed.serviceAccounts.find((a) => a.principal === account.principal) ?? emptyAccount(account);
    const planned = planRevocation({ clusterName: cluster.name, account, observed: observedAccount, revocation, nowMs: options.nowMs,
      ...(options.sinkSecrets !== undefined ? { sinkSecrets: options.sinkSecrets } : {}) });
    plan.actions.push(...planned.actions);
    plan.warnings.push(...planned.warnings);
  }
  return plan;
}

/** maxDeletions over the plan's token and account deletions (a revoke's plan never comes here: its tokens were named one by one). */
function withDeletionLimit(plan: ClusterPlan, cluster: DesiredCluster, options: BuildPlanOptions, leftovers: ReturnType<typeof leftoverTokens>): ClusterPlan {
  const accountDeletions = (plan.accountActions ?? []).filter((a) => a.kind === 'delete-account').length;
  const leftoverDeletions = [...leftovers.deletable.values()].reduce((sum, tokens) => sum + tokens.length, 0);
  const deletions = plan.actions.filter((a) => a.kind === 'delete').length + accountDeletions + leftoverDeletions;
  const limit = options.maxDeletionsOverride ?? cluster.maxDeletions;
  if (deletions > limit) {
    plan.error = { code: 'ESCRED_MAX_DELETIONS',
      message: `the plan deletes ${deletions} ${accountDeletions > 0 ? 'tokens and accounts' : 'tokens'} on cluster ${cluster.name}, more than the limit of ${limit}; ` +
        `review the deletions, then raise maxDeletions or pass --max-deletions ${deletions}` };
  }
  // before max-deletions: whatever else is planned, this account's create could only fail
  if (leftovers.error) plan.error = leftovers.error;
  return plan;
}

/**
 * Accounts first in the plan's data, tokens of deleted accounts with the token actions; a write the
 * credentials cannot make (no manage_security) is a plan error before any call, where the cluster told.
 */
function addUserAccounts(
  plan: ClusterPlan, cluster: DesiredCluster, observed: ObservedCluster, userManaged: ObservedUserManaged, leftovers: ReadonlyMap<string, string[]>,
  sinkSecrets: ReadonlySet<string> | null | undefined,
): void {
  const facts = { isMadeThisRun: () => false,
    isInSink: (principal: string, token: string) => (sinkSecrets ? sinkSecrets.has(securedKey(cluster.name, principal, token)) : null) };
  const accounts = planUserAccounts(cluster, userManaged.accounts, observed.serviceAccounts, facts, userManaged.self);
  plan.accountActions = accounts.accountActions.map((action) => {
    const tokens = action.kind === 'create-account' ? leftovers.get(action.principal) : undefined;
    return tokens ? { ...action, leftoverTokens: tokens } : action;
  });
  plan.actions.push(...accounts.tokenActions);
  plan.warnings.push(...accounts.warnings);
  for (const role of userManaged.missingRoles ?? []) {
    const users = cluster.serviceAccounts.filter((a) => a.userManaged?.roles.includes(role)).map((a) => a.principal);
    plan.warnings.push({ code: 'ESCRED_ROLE_MISSING',
      message: `role ${role} (of ${users.join(', ')}) does not exist in the cluster: it grants nothing until it is created (a typo?)` });
  }
  const userManagedPrincipals = new Set([...cluster.serviceAccounts.filter((a) => a.userManaged).map((a) => a.principal),
    ...accounts.accountActions.map((a) => a.principal)]);
  const writes = accounts.accountActions.length + plan.actions.filter((a) => userManagedPrincipals.has(a.principal)).length;
  if (writes > 0 && userManaged.canManageSecurity === false) {
    plan.error = { code: 'ESCRED_PRIVILEGE_MANAGE_SECURITY',
      message: `writing user-managed service accounts and their tokens on cluster ${cluster.name} needs the manage_security ` +
        'cluster privilege, which these credentials lack (manage_service_account is not enough for them)' };
  }
}

function emptyAccount(account: DesiredAccount): ObservedAccount {
  return { principal: account.principal, indexTokens: [], fileTokens: {}, format: 'nodes',
    nodes: { total: 0, successful: 0, failed: 0, failures: [] } };
}
