import { EscredError } from '../errors.js';
import type { DesiredCluster, ObservedAccount, ObservedUserManaged } from '../model.js';
import { isReservedNamespace, namespaceOf } from '../es/principal.js';
import { deletionVerdict } from '../ownership/deletion-verdict.js';
import type { ClusterConnection } from './cluster-connection.js';
import { escredIdentity } from './escred-identity.js';
import { listUserManagedAccounts } from './query-user-accounts.js';
import { clusterPrivileges, missingRoles, supportsUserManagedAccounts } from './user-account-calls.js';

/** Whether this cluster's manifest declares or owns user-managed accounts: only then is anything read. */
export function hasUserManagedAccounts(cluster: DesiredCluster): boolean {
  return cluster.serviceAccounts.some((a) => a.userManaged) || cluster.userManagedAccounts.owns.length > 0;
}

/**
 * What the plan needs about user-managed accounts: the capability (an older cluster is a plan error naming
 * its version and what it lacks), the list (the query API's capability, then one page per 1,000 accounts),
 * the declared roles that are missing, whether the credentials may write (manage_security), and who
 * escred's credentials are (to tell escred's own edits from a person's in drift reports).
 */
export async function observeUserManaged(
  connection: ClusterConnection, cluster: DesiredCluster, version: string,
): Promise<ObservedUserManaged> {
  if (!(await supportsUserManagedAccounts(connection))) {
    const named = cluster.serviceAccounts.filter((a) => a.userManaged).map((a) => a.principal);
    throw new EscredError('ESCRED_USER_MANAGED_UNSUPPORTED',
      `cluster ${cluster.name} (Elasticsearch ${version}) does not support user-managed service accounts: it lacks the ` +
      `capability user_managed_service_accounts (Elasticsearch 9.6 or later)${named.length > 0 ? `; cannot manage ${named.join(', ')}` : ''}`);
  }
  const roles = [...new Set(cluster.serviceAccounts.flatMap((a) => a.userManaged?.roles ?? []))].sort();
  const [accounts, missing, privileges, self] = await Promise.all([
    listUserManagedAccounts(connection),
    missingRoles(connection, roles),
    clusterPrivileges(connection, ['manage_security']),
    escredIdentity(connection),
  ]);
  return { accounts, missingRoles: missing, canManageSecurity: privileges ? privileges.manage_security === true : null, self };
}

/**
 * Undeclared accounts the manifest owns and prunes: their tokens must be read, since Elasticsearch
 * refuses to delete an account while it has tokens (and escred never forces).
 */
export function prunableUndeclaredAccounts(cluster: DesiredCluster, observed: ObservedUserManaged): string[] {
  const declared = new Set(cluster.serviceAccounts.map((a) => a.principal));
  // the planner's rule (plan-user-accounts.ts), so that exactly the accounts it may delete have their tokens read
  return observed.accounts.map((a) => a.principal)
    .filter((p) => !declared.has(p) && !isReservedNamespace(namespaceOf(p)) && deletionVerdict(cluster.userManagedAccounts, p).kind === 'allowed');
}

