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
  beforeAll(async () => {
    fixture = await startFixture('9.4.0', 1);
    // two manifest clusters (one lease each), served here by one emulator
    const clusters = [emulatorCluster(fixture, [], { name: 'cl-prod' }), emulatorCluster(fixture, [], { name: 'cl-lab' })];
    prod = createClusterConnection(clusters[0]!, { env: fixture.env });
    lab = createClusterConnection(clusters[1]!, { env: fixture.env });
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
    const daemon = new LeaseManager({ connection: lab, holderId: 'daemon-1', host: 'pod-7', pid: 1 });
    await daemon.acquire();
    const attempt = holdPassLeases(pass, { holderId: 'ci-42' });
    await expect(attempt).rejects.toBeInstanceOf(LeaseHeldError);
    await expect(attempt).rejects.toThrow(/cluster cl-lab: the lease escred-leases\/cl-lab is held by daemon-1 \(host pod-7, pid 1\) since /);
    expect((await getDocument(prod, DEFAULT_LEASE_INDEX, 'cl-prod')).found).toBe(false);
    await daemon.release();
  });

  it('both free: held with one holder id; renewAll finds a lost one; release gives the rest back', async () => {
    const leased = await holdPassLeases(pass, { holderId: 'ci-43' });
    const holderOf = async (id: string) => {
      const read = await getDocument<{ holderId: string }>(prod, DEFAULT_LEASE_INDEX, id);
      return read.found ? read.source.holderId : undefined;
    };
    expect([await holderOf('cl-prod'), await holderOf('cl-lab')]).toEqual(['ci-43', 'ci-43']);
    await leased.renewAll();
    await new LeaseManager({ connection: lab, holderId: 'taker', clock: fakeClock() }).acquire({ wait: 60_000 });
    await expect(leased.renewAll()).rejects.toBeInstanceOf(LeaseLostError);
    await leased.release().catch(() => undefined); // the lost one cannot be given back; the other is
    expect((await getDocument(prod, DEFAULT_LEASE_INDEX, 'cl-prod')).found).toBe(false);
    expect((await getDocument(lab, DEFAULT_LEASE_INDEX, 'cl-lab')).found).toBe(true);
  });
});
