/**
 * A pass that writes holds the lease of every cluster it writes (issue 15): taken before the plan
 * (so the plan is made from a state no other escred is changing), renewed by compare-and-set
 * right before the batch of writes and before any write once less than half the term is left (so
 * a holder paused longer than its lease finds out before its next write), released at the end.
 * The pending-create intents of a leased cluster go into its lease record (LeasedJournal); clusters
 * with `lease: off` keep the local journal.
 */
import type { ClusterConnection } from '../cluster/cluster-connection.js';
import type { DesiredCluster, DesiredState, ObservedCluster } from '../model.js';
import { keepRenewing } from '../lease/keep-renewing.js';
import type { LeaseClock } from '../lease/lease-clock.js';
import { LeasedJournal } from '../lease/leased-journal.js';
import { LeaseHeldError, LeasePermissionError, LeaseRecordError } from '../lease/lease-errors.js';
import { DEFAULT_LEASE_DURATION_MS, DEFAULT_LEASE_INDEX, DEFAULT_RETRY_PERIOD_MS, LeaseManager } from '../lease/lease-manager.js';
import type { Pass } from './open-pass.js';
import { securedKey } from '../plan/secured-tokens.js';
import { DEFAULT_CLUSTER_PARALLELISM } from '../cluster/observe-cluster.js';
import { mapConcurrent } from '../support/map-concurrent.js';
import { assertEachClusterOnce, identifyClusters, withKnownInfo } from './cluster-identity.js';
import type { LeaseHolder } from './reconcile-pass.js';

export interface ClusterLeaseOptions {
  index: string;
  leaseDurationMs: number;
  retryPeriodMs: number;
}

/** The manifest's `lease:` of one cluster as LeaseManager options; undefined for `lease: off`. */
export function leaseOptionsOf(cluster: DesiredCluster): ClusterLeaseOptions | undefined {
  if (cluster.lease === 'off') return undefined;
  const leaseDurationMs = cluster.lease?.durationMs ?? DEFAULT_LEASE_DURATION_MS;
  // a contender looks again every 2 s, or more often under a short lease (tests use 1.5 s)
  return { index: cluster.lease?.index ?? DEFAULT_LEASE_INDEX, leaseDurationMs, retryPeriodMs: Math.min(DEFAULT_RETRY_PERIOD_MS, leaseDurationMs / 4) };
}

/** A holder renews every third of its term: two renewals can fail before a contender may take over. */
export function renewIntervalOf(leaseDurationMs: number): number {
  return leaseDurationMs / 3;
}

/** One line per cluster without a lease, for every command that writes. */
export function leaseOffWarnings(desired: DesiredState): string[] {
  return desired.clusters.filter((c) => c.lease === 'off').map((c) =>
    `Warning: cluster ${c.name} has lease: off in the manifest: nothing stops another escred from writing to it at the same time ` +
    '(keep it off only where one writer runs by construction)');
}

export interface PassLeaseOptions {
  holderId: string;
  /** `--lease-wait`: how long to wait for a held lease; default 0 */
  waitMs?: number;
  clock?: LeaseClock;
}

export interface LeasedPass {
  /** the pass with fenced connections and the LeasedJournal */
  pass: Pass;
  /** CAS renewal of every lease: right before the batch of writes */
  renewAll(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Takes every lease the pass needs. LeaseHeldError (naming the other holder), LeasePermissionError
 * (the index and the privileges to grant) and LeaseRecordError stop the whole command, before any
 * token write, with the leases already taken given back. A cluster that does not answer is not
 * written: its connection fails every call with that error, so the plan reports the cluster as
 * failed (as it would without leases) and the other clusters go on.
 */
export async function holdPassLeases(original: Pass, options: PassLeaseOptions): Promise<LeasedPass> {
  const identified = await identifyLeased(original);
  if (identified.leased.length === 0) return { pass: identified.pass, renewAll: async () => undefined, release: async () => undefined };
  const { leased, unreachable } = identified;
  const managers = new Map(leased.map(({ name, uuid, settings, connection }) => [name, new LeaseManager({
    connection, id: uuid, legacyId: name, holderId: options.holderId, ...settings, ...(options.clock ? { clock: options.clock } : {}),
  })]));
  const results = await Promise.allSettled([...managers.values()].map((lease) => lease.acquire({ wait: options.waitMs ?? 0 })));
  const refusal = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && isRefusal(r.reason));
  if (refusal) {
    await Promise.allSettled([...managers.values()].map((lease) => lease.release()));
    throw refusal.reason;
  }
  [...managers.keys()].forEach((name, i) => {
    const result = results[i]!;
    if (result.status === 'rejected') unreachable.set(name, result.reason);
  });
  for (const name of unreachable.keys()) managers.delete(name);
  const pass = identified.pass;
  // a long plan or a slow sink must not let the term run out while this process is alive and well
  const renewers = [...managers].map(([name, lease]) => keepRenewing(lease, {
    intervalMs: renewIntervalOf(leased.find((l) => l.name === name)!.settings.leaseDurationMs), onLost: () => undefined,
  }));
  const connections = new Map([...pass.connections].map(([name, c]) => [name, unreachable.has(name) ? failingConnection(c, unreachable.get(name)) : c]));
  return {
    pass: withLeases({ ...pass, connections }, managers),
    renewAll: async () => {
      await Promise.all([...managers.values()].map((lease) => lease.renew()));
    },
    release: async () => {
      for (const renewer of renewers) void renewer.stop(); // not awaited: it may be asleep for a third of the term
      const released = await Promise.allSettled([...managers.values()].map((lease) => lease.release()));
      const failure = released.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    },
  };
}

interface IdentifiedLeases {
  /** the pass with GET / answered on the identified clusters' connections */
  pass: Pass;
  leased: Array<{ name: string; uuid: string; settings: ClusterLeaseOptions; connection: ClusterConnection }>;
  /** clusters whose GET / failed (or was refused: a wrong pin): no lease, and every call fails with why */
  unreachable: Map<string, unknown>;
}

/** GET / of every leased cluster (issue 21: the lease is keyed by its UUID); a cluster named twice stops the run here. */
async function identifyLeased(pass: Pass): Promise<IdentifiedLeases> {
  const clusters = pass.desired.clusters.filter((c) => leaseOptionsOf(c) !== undefined);
  const identities = await identifyClusters(clusters, pass.connections);
  const uuidOf = (name: string) => { const id = identities.get(name); return id && 'info' in id ? id.info.clusterUuid : undefined; };
  assertEachClusterOnce(clusters, uuidOf);
  const unreachable = new Map<string, unknown>();
  const connections = new Map(pass.connections);
  const leased: IdentifiedLeases['leased'] = [];
  for (const cluster of clusters) {
    const identity = identities.get(cluster.name)!;
    const connection = pass.connections.get(cluster.name)!;
    if ('error' in identity) {
      unreachable.set(cluster.name, identity.error);
      continue;
    }
    const known = withKnownInfo(connection, identity.info);
    connections.set(cluster.name, known);
    leased.push({ name: cluster.name, uuid: identity.info.clusterUuid, settings: leaseOptionsOf(cluster)!, connection: known });
  }
  return { pass: { ...pass, connections }, leased, unreachable };
}

/**
 * plan, and watch without --apply, take no lease but read the intents kept in the leases of the
 * clusters they observed (issue 21), keyed by the UUID the observation's GET / answered (no extra
 * GET /): a create whose value never reached a sink is planned as a replace, as apply would. A lease
 * that cannot be read (no answer, no read privilege on the lease index) adds nothing.
 */
export const READ_LEASE_INTENTS: LeaseHolder = async (pass, work) => work(withLeaseIntents(pass), async () => undefined);

export function withLeaseIntents(pass: Pass): Pass {
  const leaseIntents = async (observed: readonly ObservedCluster[]): Promise<ReadonlySet<string>> => {
    const keys = new Set<string>();
    const leased = pass.desired.clusters.flatMap((cluster) => {
      const settings = leaseOptionsOf(cluster);
      const uuid = observed.find((o) => o.name === cluster.name)?.clusterUuid;
      const connection = pass.connections.get(cluster.name);
      return settings && uuid && connection ? [{ name: cluster.name, uuid, settings, connection }] : [];
    });
    await mapConcurrent(leased, DEFAULT_CLUSTER_PARALLELISM, async ({ name, uuid, settings, connection }) => {
      const intents = await new LeaseManager({ connection, id: uuid, ...settings }).readIntents().catch(() => []);
      for (const intent of intents) keys.add(securedKey(name, intent.principal, intent.token));
    });
    return keys;
  };
  return { ...pass, leaseIntents };
}

function isRefusal(error: unknown): boolean {
  return error instanceof LeaseHeldError || error instanceof LeasePermissionError || error instanceof LeaseRecordError;
}

/** A cluster whose lease could not be had: every call fails with why, so nothing is written there. */
export function failingConnection(connection: ClusterConnection, why: unknown): ClusterConnection {
  const fail = async (): Promise<never> => {
    throw why;
  };
  return {
    clusterName: connection.clusterName, info: fail, getCredentials: fail, listNodes: fail, getServiceAccounts: fail, createToken: fail,
    deleteToken: fail, send: fail, putUserManagedAccount: fail, deleteUserManagedAccount: fail, authenticateBearer: fail,
    requestCount: () => connection.requestCount(), close: () => connection.close(),
  };
}

/** The pass writing through its leases: intents into the lease records, every write fenced. */
export function withLeases(pass: Pass, leases: ReadonlyMap<string, Pick<LeaseManager, 'ensureFresh' | 'addIntent' | 'clearIntent' | 'clearIntents' | 'heldIntents'>>): Pass {
  const connections = new Map([...pass.connections].map(([name, connection]) => {
    const lease = leases.get(name);
    return [name, lease ? fenceConnection(connection, lease) : connection] as const;
  }));
  return { ...pass, connections, journal: new LeasedJournal(pass.journal, leases) };
}

/**
 * Every write call first makes sure the term has at least half its length left, renewing (CAS)
 * when not: a holder that was paused past its lease learns it has lost the lease (LeaseLostError)
 * before the call, not after. Reads pass through.
 */
export function fenceConnection(connection: ClusterConnection, lease: Pick<LeaseManager, 'ensureFresh'>): ClusterConnection {
  const fenced = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    await lease.ensureFresh();
    return call(...args);
  };
  return {
    ...connection,
    createToken: fenced((...args: Parameters<ClusterConnection['createToken']>) => connection.createToken(...args)),
    deleteToken: fenced((...args: Parameters<ClusterConnection['deleteToken']>) => connection.deleteToken(...args)),
    putUserManagedAccount: fenced((...args: Parameters<ClusterConnection['putUserManagedAccount']>) => connection.putUserManagedAccount(...args)),
    deleteUserManagedAccount: fenced((...args: Parameters<ClusterConnection['deleteUserManagedAccount']>) => connection.deleteUserManagedAccount(...args)),
  };
}
