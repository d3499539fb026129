/**
 * The leases of every cluster one command writes (issue 15: apply, rotate and watch --apply hold
 * the lease of each cluster they write). All or nothing: when one cannot be had within the wait,
 * the ones already taken are given back and the error names the holder of the other.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ClusterConnection } from '../cluster/cluster-connection.js';
import { LeaseManager, type LeaseOptions } from './lease-manager.js';

export type LeaseSettings = Omit<LeaseOptions, 'connection' | 'id' | 'holderId'> & {
  /** one holder id for all the clusters of this process; default <host>-<pid>-<random> */
  holderId?: string;
  /** how long to wait for a held lease (`--lease-wait`); default 0: don't wait */
  waitMs?: number;
};

export class ClusterLeases {
  private constructor(private readonly leases: ReadonlyMap<string, LeaseManager>) {}

  /** Takes the lease of every connection's cluster (id: the manifest's cluster name). */
  static async acquire(connections: ReadonlyArray<Pick<ClusterConnection, 'clusterName' | 'send'>>, settings: LeaseSettings = {}): Promise<ClusterLeases> {
    const { waitMs = 0, holderId = `${settings.host ?? hostname()}-${settings.pid ?? process.pid}-${randomBytes(4).toString('hex')}`, ...options } = settings;
    const leases = new Map(connections.map((connection) => [connection.clusterName, new LeaseManager({ ...options, connection, holderId })]));
    const results = await Promise.allSettled([...leases.values()].map((lease) => lease.acquire({ wait: waitMs })));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) {
      await Promise.allSettled([...leases.values()].map((lease) => lease.release()));
      throw failure.reason;
    }
    return new ClusterLeases(leases);
  }

  get(cluster: string): LeaseManager | undefined {
    return this.leases.get(cluster);
  }

  /** By cluster name, for LeasedJournal and balanceLeases. */
  asMap(): ReadonlyMap<string, LeaseManager> {
    return this.leases;
  }

  /** A CAS renewal of each lease, right before a batch of writes: LeaseLostError (naming the cluster) when one moved on. */
  async renewAll(): Promise<void> {
    await Promise.all([...this.leases.values()].map((lease) => lease.renew()));
  }

  async releaseAll(): Promise<void> {
    const results = await Promise.allSettled([...this.leases.values()].map((lease) => lease.release()));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
  }
}
