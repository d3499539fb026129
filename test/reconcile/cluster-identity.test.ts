/**
 * What a cluster is (issue 21): its UUID from GET /. `_na_` (no elected master) is no identity; one
 * cluster under two names is one error naming both places; a daemon's held cluster that now answers
 * with another UUID fails its observation (nothing is written) and is asked again next pass; the
 * default fleet follows what a manifest reconciles, not its token lists. The connections here are
 * stand-ins at the ClusterConnection port: the emulator cannot answer `_na_` or change its UUID.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterConnection, ClusterInfo } from '../../src/cluster/cluster-connection.js';
import { assertEachClusterOnce, identifyClusters } from '../../src/reconcile/cluster-identity.js';
import { parseFleet } from '../../src/cli/commands/watch-command.js';
import { defaultFleetOf, WatchIdentities } from '../../src/watch/watch-identities.js';
import { desiredAccount, desiredCluster, desiredState, desiredToken } from '../support/state-builders.js';

const info = (clusterUuid: string): ClusterInfo => ({ clusterName: 'es', clusterUuid, version: '9.4.0', buildFlavor: 'default' });
const answering = (...uuids: string[]) => {
  const next = [...uuids];
  return { clusterName: 'c', info: async () => info(next.length > 1 ? next.shift()! : next[0]!) } as unknown as ClusterConnection;
};

describe('cluster identity', () => {
  it('GET / answering cluster_uuid _na_ is a retryable error for that cluster, not an identity', async () => {
    const identities = await identifyClusters([desiredCluster('prod', [])], new Map([['prod', answering('_na_')]]));
    expect(identities.get('prod')).toEqual({ error: expect.objectContaining({ code: 'ESCRED_NO_CLUSTER_UUID', isRetryable: true }) });
  });

  it('two names, one UUID: one error naming both names and where they are declared', () => {
    const clusters = [
      desiredCluster('wc', [], { source: { file: 'a.yaml', line: 3, col: 5 } }),
      desiredCluster('wc-alias', [], { source: { file: 'b.yaml', line: 7, col: 5 } }),
      desiredCluster('other', []),
    ];
    const uuids: Record<string, string> = { wc: 'U1', 'wc-alias': 'U1', other: 'U2' };
    expect(() => assertEachClusterOnce(clusters, (name) => uuids[name])).toThrow(
      /names one cluster twice: wc \(a\.yaml:3:5\) and wc-alias \(b\.yaml:7:5\) are one Elasticsearch cluster \(UUID U1\)/);
    expect(() => assertEachClusterOnce(clusters, (name) => (name === 'other' ? 'U2' : undefined))).not.toThrow();
  });

  it('a held cluster that now answers with another UUID fails its GET / (the observation, so nothing is written) and is identified again', async () => {
    const identities = new WatchIdentities();
    const cluster = desiredCluster('prod', []);
    const connection = answering('U1', 'U2', 'U2');
    await identities.refresh([cluster], new Map([['prod', connection]]));
    expect(identities.uuidOf('prod')).toBe('U1');
    await expect(identities.sameCluster('prod', connection, 'U1').info()).rejects.toMatchObject({ code: 'ESCRED_CLUSTER_CHANGED' });
    expect(identities.uuidOf('prod')).toBeUndefined();
    await identities.refresh([cluster], new Map([['prod', connection]]));
    expect(identities.uuidOf('prod')).toBe('U2');
  });

  it('the default fleet: the same after a token is added, another for other ownership or other clusters', () => {
    const manifest = (tokens: string[], owns = ['g-*'], name = 'prod') =>
      desiredState([desiredCluster(name, [desiredAccount('elastic/fleet-server', { prune: 'owned', owns, tokens: tokens.map((t) => desiredToken(t)) })])]);
    const fleet = defaultFleetOf(manifest(['g-1']));
    expect(fleet).toMatch(/^m-[0-9a-f]{12}$/);
    expect(defaultFleetOf(manifest(['g-1', 'g-2']))).toBe(fleet);
    expect(defaultFleetOf(manifest(['g-1'], ['x-*']))).not.toBe(fleet);
    expect(defaultFleetOf(manifest(['g-1'], ['g-*'], 'prod-alias'))).not.toBe(fleet);
  });

  it('--fleet takes a name fit for a document id and a log line', () => {
    expect(parseFleet('team-a.prod_1')).toBe('team-a.prod_1');
    expect(() => parseFleet('team a')).toThrow(/--fleet must be 1-63 letters/);
    expect(() => parseFleet('.hidden')).toThrow(/--fleet/);
  });
});
