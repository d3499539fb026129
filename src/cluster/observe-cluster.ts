import { EscredError, errorMessage } from '../errors.js';
import { builtInAccountsFor } from '../es/built-in-accounts.js';
import type { DesiredCluster, DesiredState, ObservedCluster, ObservedNode } from '../model.js';
import { mapConcurrent } from '../support/map-concurrent.js';
import { checkClusterInfo } from './check-cluster-info.js';
import { hasUserManagedAccounts, observeUserManaged, prunableUndeclaredAccounts } from './observe-user-managed.js';
import type { ClusterConnection } from './cluster-connection.js';
import { isHttpStatus } from './elasticsearch-error.js';

export interface ObserveClusterOptions {
  /** credentials GETs in flight at once; default all of them (the connection's socket pool still bounds it) */
  concurrency?: number;
}

/**
 * Clusters observed at once by default: Terraform's -parallelism, as apply's `--parallelism`. A plan
 * then takes about ceil(clusters / 10) waves of two round trips (GET /, then every account GET at once).
 */
export const DEFAULT_CLUSTER_PARALLELISM = 10;

/**
 * What one cluster has for the accounts the manifest declares: GET / and its checks first (a wrong
 * cluster is refused before anything else is read), then one credentials GET per account (never
 * per token). The node list is read only when file tokens are declared; nodes that fail to answer
 * stay in each account's `nodes.failures` (unknown, not absent).
 */
export async function observeCluster(
  connection: ClusterConnection, cluster: DesiredCluster, options: ObserveClusterOptions = {},
): Promise<ObservedCluster> {
  const info = await connection.info();
  checkClusterInfo(cluster, info);
  const hasFileTokens = cluster.serviceAccounts.some((account) => account.fileTokens.length > 0);
  // every account GET at once: a second round trip in all, however many accounts
  const concurrency = options.concurrency ?? Number.POSITIVE_INFINITY;
  const [serviceAccounts, nodes, accounts, userManaged] = await Promise.all([
    mapConcurrent(cluster.serviceAccounts, concurrency, (account) => connection.getCredentials(account.principal)),
    hasFileTokens ? readNodes(connection) : Promise.resolve(null),
    accountNamesIfNeeded(connection, cluster, info.version),
    hasUserManagedAccounts(cluster) ? observeUserManaged(connection, cluster, info.version) : Promise.resolve(undefined),
  ]);
  if (userManaged) {
    const extra = prunableUndeclaredAccounts(cluster, userManaged);
    serviceAccounts.push(...await mapConcurrent(extra, concurrency, (principal) => connection.getCredentials(principal)));
  }
  return {
    name: cluster.name,
    clusterUuid: info.clusterUuid,
    clusterName: info.clusterName,
    version: info.version,
    nodes,
    accounts,
    serviceAccounts,
    ...(userManaged ? { userManaged } : {}),
  };
}

/** Without `monitor` the node list is unreadable; the planner then compares counts only. */
async function readNodes(connection: ClusterConnection): Promise<ObservedNode[] | null> {
  try {
    return (await connection.listNodes()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    if (isHttpStatus(error, 403)) return null;
    throw error;
  }
}

/**
 * The service accounts are Elasticsearch's built-ins, fixed per version (spec section 5): when every
 * declared account is one that version has, asking costs a request and tells nothing new. Only a
 * name our table does not know for that version (a typo, or a newer Elasticsearch) is worth
 * checking against the cluster itself, which is authoritative.
 */
async function accountNamesIfNeeded(connection: ClusterConnection, cluster: DesiredCluster, version: string): Promise<string[] | null> {
  const known = builtInAccountsFor(version);
  // user-managed accounts are checked through their own listing (observe-user-managed.ts)
  if (cluster.serviceAccounts.every((account) => account.userManaged || known.includes(account.principal))) return known;
  return readAccountNames(connection);
}

/** Names of the accounts the cluster has, so plan can warn about a typo; null when not allowed to read them. */
async function readAccountNames(connection: ClusterConnection): Promise<string[] | null> {
  try {
    return Object.keys(await connection.getServiceAccounts()).sort();
  } catch (error) {
    if (isHttpStatus(error, 403)) return null;
    throw error;
  }
}

export interface ObservedClusterResult {
  cluster: string;
  observed?: ObservedCluster;
  error?: EscredError;
}

export interface ObserveClustersOptions {
  /** clusters observed at once; default DEFAULT_CLUSTER_PARALLELISM */
  concurrency?: number;
  /** credentials GETs in flight per cluster; default all at once */
  accountConcurrency?: number;
}

/** Observes every cluster of the manifest; one cluster failing does not stop the others. */
export async function observeClusters(
  desired: DesiredState, connections: ReadonlyMap<string, ClusterConnection>, options: ObserveClustersOptions = {},
): Promise<ObservedClusterResult[]> {
  return mapConcurrent(desired.clusters, options.concurrency ?? DEFAULT_CLUSTER_PARALLELISM, async (cluster) => {
    const connection = connections.get(cluster.name);
    if (!connection) {
      return { cluster: cluster.name, error: new EscredError('ESCRED_NO_CONNECTION', `cluster ${cluster.name}: no connection was opened`) };
    }
    try {
      const observeOptions = options.accountConcurrency === undefined ? {} : { concurrency: options.accountConcurrency };
      return { cluster: cluster.name, observed: await observeCluster(connection, cluster, observeOptions) };
    } catch (error) {
      return { cluster: cluster.name, error: asEscredError(cluster.name, error) };
    }
  });
}

function asEscredError(clusterName: string, error: unknown): EscredError {
  if (error instanceof EscredError) return error;
  return new EscredError('ESCRED_OBSERVE_FAILED', `cluster ${clusterName}: observing failed: ${errorMessage(error)}`, { cause: error, isRetryable: true });
}
