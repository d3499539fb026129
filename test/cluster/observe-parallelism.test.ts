/**
 * Plan close to the network's limit (issue 16): per cluster GET / first, then every account GET at
 * once (two round trips, however many accounts); clusters DEFAULT_CLUSTER_PARALLELISM (10) at a time.
 * Counted on the real connection to the emulator, as calls in flight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterConnection, type ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { DEFAULT_CLUSTER_PARALLELISM, observeCluster, observeClusters } from '../../src/cluster/observe-cluster.js';
import { desiredAccount, desiredState } from '../support/state-builders.js';
import { emulatorCluster, startFixture, type EmulatorFixture } from './emulator-fixture.js';

// more accounts than any fixed per-cluster bound escred used to have (8); the extra ones simply have no tokens
const ACCOUNTS = ['elastic/auto-ops', 'elastic/fleet-server', 'elastic/fleet-server-remote', 'elastic/kibana', ...Array.from({ length: 8 }, (_, i) => `team/svc-${i}`)];

interface InFlight {
  now: number;
  most: number;
  /** what had been answered when the first account GET started */
  infoAnsweredBeforeAccounts?: boolean;
}

/** The connection, counting calls in flight (getCredentials and info) across every wrapped copy. */
function counting(connection: ClusterConnection, count: InFlight, which: 'getCredentials' | 'info'): ClusterConnection {
  const wrapped = connection[which].bind(connection) as (...args: unknown[]) => Promise<unknown>;
  return {
    ...connection,
    [which]: async (...args: unknown[]) => {
      count.now += 1;
      count.most = Math.max(count.most, count.now);
      try {
        return await wrapped(...args);
      } finally {
        count.now -= 1;
      }
    },
  } as ClusterConnection;
}

describe('observe: parallelism', () => {
  let fixture: EmulatorFixture;
  const opened: ClusterConnection[] = [];
  const connect = (name = 'test') => {
    const connection = createClusterConnection(emulatorCluster(fixture, [], { name }), { env: fixture.env });
    opened.push(connection);
    return connection;
  };
  beforeAll(async () => {
    fixture = await startFixture('9.4.0', 1);
    fixture.emu.setFaults({ latencyMs: 30 });
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await fixture?.stop();
  });

  it('every account GET of a cluster is in flight at once, after GET / answered', async () => {
    const count: InFlight = { now: 0, most: 0 };
    const base = connect();
    let isInfoAnswered = false;
    const connection = counting({ ...base, info: async () => {
      const info = await base.info();
      isInfoAnswered = true;
      return info;
    }, getCredentials: async (principal: string) => {
      count.infoAnsweredBeforeAccounts ??= isInfoAnswered;
      return base.getCredentials(principal);
    } } as ClusterConnection, count, 'getCredentials');
    const cluster = emulatorCluster(fixture, ACCOUNTS.map((principal) => desiredAccount(principal)));
    const observed = await observeCluster(connection, cluster);
    expect(observed.serviceAccounts.map((a) => a.principal)).toEqual(ACCOUNTS);
    expect(count.most).toBe(ACCOUNTS.length);
    expect(count.infoAnsweredBeforeAccounts).toBe(true);
  });

  it(`clusters: ${DEFAULT_CLUSTER_PARALLELISM} observed at once by default`, async () => {
    const count: InFlight = { now: 0, most: 0 };
    const clusters = Array.from({ length: DEFAULT_CLUSTER_PARALLELISM + 5 }, (_, i) =>
      emulatorCluster(fixture, [desiredAccount('elastic/kibana')], { name: `c-${i}`, clusterUuid: fixture.emu.clusterUuid }));
    const connections = new Map(clusters.map((c) => [c.name, counting(connect(c.name), count, 'info')] as const));
    const results = await observeClusters(desiredState(clusters), connections);
    expect(results.filter((r) => r.observed)).toHaveLength(clusters.length);
    expect(count.most).toBe(DEFAULT_CLUSTER_PARALLELISM);
  });
});
