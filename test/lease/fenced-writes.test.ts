/**
 * A holder paused longer than its lease finds out before its next write (issue 15): every write
 * through a fenced connection first checks the term (renewing by CAS when under half is left), so
 * after a takeover the write is refused with LeaseLostError and never reaches Elasticsearch.
 * Against the emulator over HTTPS; the clocks are moved by the test, never waited on.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { LeaseLostError } from '../../src/lease/lease-errors.js';
import { fenceConnection } from '../../src/reconcile/lease-pass.js';
import type { EmulatorFixture } from '../cluster/emulator-fixture.js';
import { connect, fakeClock, manager, nextLeaseId, useLeaseEmulator } from './lease-support.js';

const FLEET = 'elastic/fleet-server';

describe('fenced writes', () => {
  let fixture: EmulatorFixture;
  let conn: ClusterConnection;
  useLeaseEmulator((f, c) => {
    fixture = f;
    conn = c;
  });

  const creates = () => fixture.emu.requests().filter((r) => r.method === 'POST' && r.path.includes('/credential/token/')).length;

  it('a fresh term writes without renewing; under half the term left, the write renews first', async () => {
    const holderClock = fakeClock();
    const lease = manager(conn, nextLeaseId(), { host: 'pod-a', pid: 1, clock: holderClock }, { leaseDurationMs: 10_000 });
    await lease.acquire();
    const fenced = fenceConnection(conn, lease);
    const leaseWrites = () => fixture.emu.requests().filter((r) => r.method === 'PUT' && r.path.includes('/escred-leases/')).length;
    const before = leaseWrites();
    await fenced.createToken(FLEET, 'fenced-1');
    expect(leaseWrites()).toBe(before);
    await holderClock.sleep(6_000); // 4 s of 10 left: less than half
    await fenced.createToken(FLEET, 'fenced-2');
    expect(leaseWrites()).toBe(before + 1);
    await lease.release();
  });

  it('paused past its lease and taken over: the next write is refused before it is sent', async () => {
    const id = nextLeaseId();
    const holderClock = fakeClock();
    const holder = manager(conn, id, { host: 'pod-a', pid: 1, clock: holderClock }, { leaseDurationMs: 2_000 });
    await holder.acquire();
    const fenced = fenceConnection(conn, holder);
    // the holder is paused (its clock runs on, it does not renew); a contender watches for the whole term and takes over
    const taker = manager(conn, id, { host: 'pod-b', pid: 2, clock: fakeClock() }, { leaseDurationMs: 2_000 });
    await taker.acquire({ wait: 60_000 });
    await holderClock.sleep(3_000);
    const before = creates();
    await expect(fenced.createToken(FLEET, 'fenced-late')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(fenced.deleteToken(FLEET, 'fenced-1')).rejects.toBeInstanceOf(LeaseLostError);
    expect(creates()).toBe(before);
    await taker.release();
  });
});
