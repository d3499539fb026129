/**
 * A daemon's knowledge of what each declared cluster is (issue 21): its UUID from GET /, asked once
 * when the cluster appears and again when a pass finds the answer changed, so that steady passes
 * cost no extra request (the observation's own GET / is the check). Also the default fleet name.
 */
import { createHash } from 'node:crypto';
import type { ClusterConnection } from '../cluster/cluster-connection.js';
import { EscredError } from '../errors.js';
import type { DesiredCluster, DesiredState } from '../model.js';
import { assertEachClusterOnce, identifyClusters } from '../reconcile/cluster-identity.js';

/**
 * Replicas of one manifest are one fleet: `m-` and 12 hex digits of a digest of what it reconciles,
 * each cluster's name and URLs and each account's principal and ownership. Token lists are left
 * out, so that the everyday edit (a token added) keeps the replicas one fleet while they pick it up
 * one after the other; two manifests that own different things are two fleets.
 */
export function defaultFleetOf(desired: DesiredState): string {
  const shape = desired.clusters.map((c) => ({
    name: c.name, urls: c.urls, accounts: c.serviceAccounts.map((a) => ({ principal: a.principal, prune: a.prune, owns: a.owns })),
  })).sort((a, b) => (a.name < b.name ? -1 : 1));
  return `m-${createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 12)}`;
}

export class WatchIdentities {
  private readonly uuids = new Map<string, string>();
  /** clusters whose GET / failed at the last refresh: no lease, the pass reports them failed */
  unidentified = new Map<string, unknown>();

  /** GET / of the clusters not known yet; a manifest naming one cluster twice throws (before any lease is taken for it). */
  async refresh(leased: readonly DesiredCluster[], connections: ReadonlyMap<string, ClusterConnection>): Promise<void> {
    const identities = await identifyClusters(leased.filter((c) => !this.uuids.has(c.name)), connections);
    this.unidentified = new Map();
    for (const [name, identity] of identities) {
      if ('info' in identity) this.uuids.set(name, identity.info.clusterUuid);
      else this.unidentified.set(name, identity.error);
    }
    assertEachClusterOnce(leased, (name) => this.uuids.get(name));
  }

  uuidOf(name: string): string | undefined {
    return this.uuids.get(name);
  }

  /**
   * The held cluster's connection for the pass: its GET / (the observation's first call) must still
   * answer with the UUID whose lease is held; otherwise the URL now reaches another cluster, nothing
   * is written there, and the next pass takes the lease of what it is now.
   */
  sameCluster(name: string, connection: ClusterConnection, uuid: string): ClusterConnection {
    return {
      ...connection,
      info: async () => {
        const info = await connection.info();
        if (info.clusterUuid === uuid) return info;
        this.uuids.delete(name);
        throw new EscredError('ESCRED_CLUSTER_CHANGED', `cluster ${name} now answers as cluster UUID ${info.clusterUuid}, not ${uuid} ` +
          'whose lease this replica holds: nothing is written there in this pass; the next one takes the lease of the cluster it is now', { isRetryable: true });
      },
    };
  }
}
