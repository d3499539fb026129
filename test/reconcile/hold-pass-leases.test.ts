/** holdPassLeases against the emulator over HTTPS: the leases of all the clusters a pass writes, or none. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterConnection, type ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { getDocument } from '../../src/cluster/document-calls.js';
import { LeaseHeldError, LeaseLostError } from '../../src/lease/lease-errors.js';
import { DEFAULT_LEASE_INDEX, LeaseManager } from '../../src/lease/lease-manager.js';
import { holdPassLeases } from '../../src/reconcile/lease-pass.js';
import type { Pass } from '../../src/reconcile/open-pass.js';
import { emulatorCluster, startFixture, type EmulatorFixture } from '../cluster/emulator-fixture.js';
import { fakeClock } from '../lease/lease-support.js';
import { desiredState } from '../support/state-builders.js';

describe('holdPassLeases', () => {
  let fixture: EmulatorFixture;
  let prod: ClusterConnection;
  let lab: ClusterConnection;
  let pass: Pass;
  let uuids: { prod: string; lab: string };
  beforeAll(async () => {
    fixture = await startFixture('9.4.0', 1);
    // two Elasticsearch clusters (one lease each, keyed by cluster UUID: issue 21), stood in for by one emulator
    const clusters = ['cl-prod', 'cl-lab'].map((name) => emulatorCluster(fixture, [], { name, urls: [`${fixture.emu.url}/_stand-in/${name}`] }));
    prod = createClusterConnection(clusters[0]!, { env: fixture.env });
    lab = createClusterConnection(clusters[1]!, { env: fixture.env });
    uuids = { prod: (await prod.info()).clusterUuid, lab: (await lab.info()).clusterUuid };
    // only what holdPassLeases reads of a pass: the clusters, their connections and the journal it wraps
    pass = {
      desired: desiredState(clusters),
      connections: new Map([['cl-prod', prod], ['cl-lab', lab]]),
      journal: { begin: async () => undefined, finish: async () => undefined, pendingKeys: () => new Set(), settle: async () => undefined },
    } as unknown as Pass;
  });
  afterAll(async () => {
    await prod?.close();
    await lab?.close();
    await fixture?.stop();
  });

  it('one cluster held elsewhere: the pass gets none (the one it took is given back) and the error names the holder', async () => {
    const daemon = new LeaseManager({ connection: lab, id: uuids.lab, holderId: 'daemon-1', host: 'pod-7', pid: 1 });
    await daemon.acquire();
    const attempt = holdPassLeases(pass, { holderId: 'ci-42' });
    await expect(attempt).rejects.toBeInstanceOf(LeaseHeldError);
    await expect(attempt).rejects.toThrow(new RegExp(`cluster cl-lab: the lease escred-leases/${uuids.lab} is held by daemon-1 \\(host pod-7, pid 1\\)`));
    expect((await getDocument(prod, DEFAULT_LEASE_INDEX, uuids.prod)).found).toBe(false);
    await daemon.release();
  });

  it('both free: held with one holder id; renewAll finds a lost one; release gives the rest back', async () => {
    const leased = await holdPassLeases(pass, { holderId: 'ci-43' });
    const holderOf = async (id: string) => {
      const read = await getDocument<{ holderId: string }>(prod, DEFAULT_LEASE_INDEX, id);
      return read.found ? read.source.holderId : undefined;
    };
    expect([await holderOf(uuids.prod), await holderOf(uuids.lab)]).toEqual(['ci-43', 'ci-43']);
    await leased.renewAll();
    await new LeaseManager({ connection: lab, id: uuids.lab, holderId: 'taker', clock: fakeClock() }).acquire({ wait: 60_000 });
    await expect(leased.renewAll()).rejects.toBeInstanceOf(LeaseLostError);
    await leased.release().catch(() => undefined); // the lost one cannot be given back; the other is
    expect((await getDocument(prod, DEFAULT_LEASE_INDEX, uuids.prod)).found).toBe(false);
    expect((await getDocument(lab, DEFAULT_LEASE_INDEX, uuids.lab)).found).toBe(true);
  });
});
