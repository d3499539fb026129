/**
 * Calls for user-managed service accounts (Elasticsearch 9.6+, spec user-managed-service-accounts.md).
 * Each one goes through the connection's transport: same retries, timeouts and failover as tokens.
 */
import type { ObservedUserManagedAccount, UserManagedAccountSpec } from '../model.js';
import { isHttpStatus, isRecord } from './elasticsearch-error.js';
import { badResponse, type ClusterCaller } from './es-transport.js';
import { accountPath } from './service-paths.js';
import { parseAccountEntry } from './user-account-entry.js';

const CAPABILITY = 'user_managed_service_accounts';
const ACCOUNT_ROUTE = '/_security/service/{namespace}/{service}';

/**
 * The cluster says whether it can hold user-managed accounts (section 1.5): the capability, not the
 * version number, since multi-project clusters have the version and not the feature. A cluster
 * without the capabilities API (before 8.14) or without the route answers no.
 */
export async function supportsUserManagedAccounts(connection: ClusterCaller): Promise<boolean> {
  return hasCapability(connection, 'PUT', ACCOUNT_ROUTE);
}

/** `GET /_capabilities` for one route of the user-managed accounts: false where the API or the route is missing. */
export async function hasCapability(connection: ClusterCaller, method: string, route: string): Promise<boolean> {
  const path = `/_capabilities?method=${method}&path=${encodeURIComponent(route)}&capabilities=${CAPABILITY}`;
  const response = await connection.send('GET', path, { acceptStatuses: [400, 404, 405] });
  return response.status === 200 && isRecord(response.body) && response.body.supported === true;
}

/** Every user-managed account in one call: the default whole-cluster GET hides them (section 1.3). */
export async function getUserManagedAccounts(connection: ClusterCaller): Promise<ObservedUserManagedAccount[]> {
  const path = '/_security/service?type=user_managed';
  const { body } = await connection.send('GET', path);
  if (!isRecord(body)) throw badResponse(connection.clusterName, `GET ${path}`, 'not a JSON object');
  return Object.entries(body).filter(([, entry]) => isRecord(entry) && entry.type === 'user_managed')
    .map(([principal, entry]) => parseAccountEntry(principal, entry as Record<string, unknown>))
    .sort((a, b) => (a.principal < b.principal ? -1 : 1));
}

/**
 * PUT replaces the whole account (issue 22): `enabled` is always sent, since an omitted one means true, and so
 * is the description and every kept field, since an omitted one is lost.
 */
export async function putUserManagedAccount(
  connection: ClusterCaller, principal: string, spec: UserManagedAccountSpec,
): Promise<{ created: boolean }> {
  const { body } = await connection.send('PUT', accountPath(principal), { body: accountWriteBody(spec) });
  return { created: isRecord(body) && body.created === true };
}

export function accountWriteBody(spec: UserManagedAccountSpec): Record<string, unknown> {
  return { ...spec.keptFields, roles: spec.roles, enabled: spec.isEnabled, ...(spec.description === undefined ? {} : { description: spec.description }) };
}

/** Never `force`: a forced delete leaves tokens that block re-creation (section 1.2); 404 {found:false} is an answer. */
export async function deleteUserManagedAccount(connection: ClusterCaller, principal: string): Promise<{ found: boolean }> {
  const response = await connection.send('DELETE', accountPath(principal), { acceptStatuses: [404] });
  return { found: response.status !== 404 && !(isRecord(response.body) && response.body.found === false) };
}

/** Which of these cluster privileges the credentials hold; null when the cluster cannot tell (the call itself refused). */
export async function clusterPrivileges(connection: ClusterCaller, privileges: readonly string[]): Promise<Record<string, boolean> | null> {
  try {
    const { body } = await connection.send('POST', '/_security/user/_has_privileges', { body: { cluster: privileges } });
    if (!isRecord(body) || !isRecord(body.cluster)) return null;
    const held = body.cluster;
    return Object.fromEntries(privileges.map((p) => [p, held[p] === true]));
  } catch (error) {
    if (isHttpStatus(error, 403, 404)) return null;
    throw error;
  }
}

/**
 * Roles that do not exist grant nothing and are no error in Elasticsearch (section 4); the plan warns
 * about those it can see. Null when the credentials may not read roles.
 */
export async function missingRoles(connection: ClusterCaller, roles: readonly string[]): Promise<string[] | null> {
  if (roles.length === 0) return [];
  const path = `/_security/role/${roles.map(encodeURIComponent).join(',')}`;
  try {
    const response = await connection.send('GET', path, { acceptStatuses: [404] });
    const found = response.status === 200 && isRecord(response.body) ? new Set(Object.keys(response.body)) : new Set<string>();
    return roles.filter((role) => !found.has(role));
  } catch (error) {
    if (isHttpStatus(error, 403)) return null;
    throw error;
  }
}
