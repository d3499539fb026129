/** ClusterLeases against the emulator over HTTPS: all the clusters of a command, or none. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { createClusterConnection } from '../../src/cluster/cluster-connection.js';
import { getDocument } from '../../src/cluster/document-calls.js';
import { ClusterLeases } from '../../src/lease/cluster-leases.js';
import { LeaseHeldError, LeaseLostError } from '../../src/lease/lease-errors.js';
import { DEFAULT_LEASE_INDEX, LeaseManager } from '../../src/lease/lease-manager.js';
import { emulatorCluster, startFixture, type EmulatorFixture } from '../cluster/emulator-fixture.js';
import { fakeClock } from './lease-support.js';

describe('ClusterLeases', () => {
  let fixture: EmulatorFixture;
  let prod: ClusterConnection;
  let lab: ClusterConnection;
  beforeAll(async () => {
    fixture = await startFixture('9.4.0', 1);
    // two manifest clusters (one lease each), served here by one emulator
    prod = createClusterConnection(emulatorCluster(fixture, [], { name: 'cl-prod' }), { env: fixture.env });
    lab = createClusterConnection(emulatorCluster(fixture, [], { name: 'cl-lab' }), { env: fixture.env });
  });
  afterAll(async () => {
    await prod?.close();
    await lab?.close();
    await fixture?.stop();
  });

  it('one cluster held elsewhere: the command gets none (the one it took is given back) and the error names the holder', async () => {
    const daemon = new LeaseManager({ connection: lab, holderId: 'daemon-1', host: 'pod-7', pid: 1 });
    await daemon.acquire();
    const attempt = ClusterLeases.acquire([prod, lab], { host: 'ci', pid: 42 });
    await expect(attempt).rejects.toBeInstanceOf(LeaseHeldError);
    await expect(attempt).rejects.toThrow(/cluster cl-lab: the lease escred-leases\/cl-lab is held by daemon-1 \(host pod-7, pid 1\) as cluster cl-lab \(a CLI run\) since /);
    expect((await getDocument(prod, DEFAULT_LEASE_INDEX, 'cl-prod')).found).toBe(false);
    await daemon.release();
  });

  it('both free: held with one holder id; renewAll finds a lost one; releaseAll gives the rest back', async () => {
    const leases = await ClusterLeases.acquire([prod, lab], { host: 'ci', pid: 43, holderId: 'ci-43' });
    expect([leases.get('cl-prod')?.holderId, leases.get('cl-lab')?.holderId]).toEqual(['ci-43', 'ci-43']);
    await leases.renewAll();
    await new LeaseManager({ connection: lab, holderId: 'taker', clock: fakeClock() }).acquire({ wait: 60_000 });
    await expect(leases.renewAll()).rejects.toBeInstanceOf(LeaseLostError);
    await leases.releaseAll();
    expect((await getDocument(prod, DEFAULT_LEASE_INDEX, 'cl-prod')).found).toBe(false);
    expect((await getDocument(lab, DEFAULT_LEASE_INDEX, 'cl-lab')).found).toBe(true);
  });
});
