/**
 * Replicas share the clusters (issue 15): 3 replicas and 12 cluster leases on the emulator over
 * HTTPS end with 4 each; when one replica dies (stops beating and renewing), the other two take its
 * clusters once they have seen them unrenewed for the lease duration on their own clocks: 6 each.
 * Every lease document has exactly one holder at every step (the CAS writes see to it).
 */
import { describe, expect, it } from 'vitest';
import type { ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { getDocument } from '../../src/cluster/document-calls.js';
import { balanceLeases, fairShare } from '../../src/lease/balance-leases.js';
import type { LeaseManager } from '../../src/lease/lease-manager.js';
import type { LeaseRecord } from '../../src/lease/lease-record.js';
import { ReplicaRegistry } from '../../src/lease/replica-registry.js';
import type { EmulatorFixture } from '../cluster/emulator-fixture.js';
import { connect, fakeClock, manager, type FakeClock, useLeaseEmulator } from './lease-support.js';

const INDEX = 'escred-leases-balance';
const CLUSTERS = Array.from({ length: 12 }, (_, i) => `cluster-${i + 1}`);
const ROUND_MS = 2_000;

interface Replica {
  name: string;
  clock: FakeClock;
  registry: ReplicaRegistry;
  leases: Map<string, LeaseManager>;
}

describe('balanceLeases', () => {
  let fixture: EmulatorFixture;
  let conn: ClusterConnection;
  useLeaseEmulator((f, c) => {
    fixture = f;
    conn = c;
  });

  it.each([
    [12, 3, 4],
    [12, 2, 6],
    [12, 5, 3],
    [3, 0, 3],
  ])('fairShare(%i clusters, %i live) = %i', (clusters, live, share) => {
    expect(fairShare(clusters, live)).toBe(share);
  });

  it('3 replicas, 12 clusters: 4 each; one dies: the other two take its clusters, 6 each', async () => {
    const replica = (name: string, pid: number): Replica => {
      const clock = fakeClock();
      const who = { host: name, pid, clock };
      const leases = new Map(CLUSTERS.map((cluster) => [cluster, manager(conn, cluster, who, { index: INDEX })]));
      return { name, clock, leases, registry: new ReplicaRegistry({ connection: conn, holderId: `${name}-${pid}`, host: name, pid, index: INDEX, fleet: '', clock }) };
    };
    const replicas = [replica('r1', 1), replica('r2', 2), replica('r3', 3)];
    const heldBy = (r: Replica) => [...r.leases.values()].filter((lease) => lease.isHeld()).length;
    const round = async (live: Replica[]) => {
      for (const r of live) {
        await r.registry.beat();
        await balanceLeases(r.leases, r.registry.liveCount());
      }
      for (const r of replicas) await r.clock.sleep(ROUND_MS);
      // one holder per lease among the running replicas, and the cluster agrees with each
      const holders = await Promise.all(CLUSTERS.map(async (c) => ((await getDocument<LeaseRecord>(conn, INDEX, c)) as { source: LeaseRecord }).source.holderId));
      const claimed = live.flatMap((r) => [...r.leases].filter(([, lease]) => lease.isHeld()).map(([c]) => c));
      expect(new Set(claimed).size).toBe(claimed.length);
      for (const r of live) for (const [c, lease] of r.leases) if (lease.isHeld()) expect(holders[CLUSTERS.indexOf(c)]).toBe(`${r.name}-${r.name.slice(1)}`);
    };
    for (let i = 0; i < 3; i += 1) await round(replicas);
    expect(replicas.map(heldBy)).toEqual([4, 4, 4]);
    const [r1, r2, r3] = replicas as [Replica, Replica, Replica];
    // the lease duration plus one pass (and a round of slack for the release/take order)
    const rounds = Math.ceil(15_000 / ROUND_MS) + 2;
    for (let i = 0; i < rounds; i += 1) await round([r1, r2]);
    expect([heldBy(r1), heldBy(r2)]).toEqual([6, 6]);
    expect([r1.registry.liveCount(), r2.registry.liveCount()]).toEqual([2, 2]);
    // r3 believes it still holds its 4, but every write it tries is refused
    const stale = [...r3.leases.values()].find((lease) => lease.isHeld());
    await expect(stale?.renew()).rejects.toThrow(/lost the lease/);
  });
});
