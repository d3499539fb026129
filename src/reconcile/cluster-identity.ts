/**
 * What a cluster is, as Elasticsearch says it (issue 21): the cluster UUID of GET /. The lease is
 * keyed by it, so every escred writing one cluster, under any name and from any manifest, meets the
 * same lease; and a manifest naming one cluster twice is refused before any write, since each
 * name's plan would treat the other's tokens as its own. GET / is asked once per pass: the answer
 * is kept on the pass's connection for the observation that follows (no extra request).
 */
import { checkClusterInfo, type ClusterInfo } from '../cluster/check-cluster-info.js';
import type { ClusterConnection } from '../cluster/cluster-connection.js';
import { EscredError } from '../errors.js';
import type { DesiredCluster } from '../model.js';
import { DEFAULT_CLUSTER_PARALLELISM } from '../cluster/observe-cluster.js';
import { mapConcurrent } from '../support/map-concurrent.js';

export const CLUSTER_NAMED_TWICE_CODE = 'ESCRED_CLUSTER_NAMED_TWICE';
export const NO_CLUSTER_UUID_CODE = 'ESCRED_NO_CLUSTER_UUID';

export type Identity = { info: ClusterInfo } | { error: unknown };

/** GET / of each cluster and its checks (pin, version, serverless); a cluster that fails carries its error. */
export async function identifyClusters(
  clusters: readonly DesiredCluster[], connections: ReadonlyMap<string, ClusterConnection>,
): Promise<Map<string, Identity>> {
  const identities = await mapConcurrent(clusters, DEFAULT_CLUSTER_PARALLELISM, async (cluster): Promise<Identity> => {
    const connection = connections.get(cluster.name);
    if (!connection) return { error: new Error(`cluster ${cluster.name}: no connection`) };
    try {
      const info = await connection.info();
      checkClusterInfo(cluster, info);
      return { info: usableIdentity(cluster.name, info) };
    } catch (error) {
      return { error };
    }
  });
  return new Map(clusters.map((c, i) => [c.name, identities[i]!]));
}

/** `_na_` is what a node answers before a cluster has formed: not an identity two clusters may share. */
function usableIdentity(name: string, info: ClusterInfo): ClusterInfo {
  if (info.clusterUuid === '' || info.clusterUuid === '_na_') {
    throw new EscredError(NO_CLUSTER_UUID_CODE, `cluster ${name}: GET / answered cluster_uuid "${info.clusterUuid}" (no elected master yet?); ` +
      'escred keys its lease by the cluster UUID and writes nothing until the cluster has one', { isRetryable: true });
  }
  return info;
}

/** The clusters named twice in one manifest: one error naming every name and where it is declared. */
export function assertEachClusterOnce(clusters: readonly DesiredCluster[], uuidOf: (name: string) => string | undefined): void {
  const byUuid = new Map<string, DesiredCluster[]>();
  for (const cluster of clusters) {
    const uuid = uuidOf(cluster.name);
    if (uuid !== undefined) byUuid.set(uuid, [...(byUuid.get(uuid) ?? []), cluster]);
  }
  const twice = [...byUuid].filter(([, named]) => named.length > 1);
  if (twice.length === 0) return;
  const lines = twice.map(([uuid, named]) => `${named.map((c) => `${c.name} (${c.source.file}:${c.source.line}:${c.source.col})`).join(' and ')} ` +
    `are one Elasticsearch cluster (UUID ${uuid})`);
  throw new EscredError(CLUSTER_NAMED_TWICE_CODE, `the manifest names one cluster twice: ${lines.join('; ')}. Each name's plan would take ` +
    'the other\'s tokens for its own, and prune could delete them: declare each cluster once; nothing was written');
}

/** The pass's connection with GET / already answered: the observation reads the same answer. */
export function withKnownInfo(connection: ClusterConnection, info: ClusterInfo): ClusterConnection {
  return { ...connection, info: async () => info };
}
