/**
 * LeaseManager's writes against the emulator over HTTPS: a lost answer to its own write is
 * recognised (no false "lost" or "held"), intents written together share one CAS write, and
 * ensureFresh renews only when the term is running out by the holder's own clock.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { getDocument } from '../../src/cluster/document-calls.js';
import { DEFAULT_LEASE_DURATION_MS, DEFAULT_LEASE_INDEX } from '../../src/lease/lease-manager.js';
import type { LeaseRecord } from '../../src/lease/lease-record.js';
import type { EmulatorFixture } from '../cluster/emulator-fixture.js';
import { connect, fakeClock, manager, nextLeaseId, useLeaseEmulator } from './lease-support.js';

const A = { host: 'host-a', pid: 101 };
const intent = (token: string) => ({ cluster: 'prod', principal: 'elastic/fleet-server', token });

describe('LeaseManager writes', () => {
  let fixture: EmulatorFixture;
  let conn: ClusterConnection;
  const leasePuts = (id: string) => fixture.emu.requests().filter((r) => r.method === 'PUT' && r.path.startsWith(`/${DEFAULT_LEASE_INDEX}/`) && r.path.endsWith(`/${id}`));

  useLeaseEmulator((f, c) => {
    fixture = f;
    conn = c;
  });

  it.each([
    ['the create that acquires it', '/_create/'],
    ['a renewal', '/_doc/'],
  ])('the answer to %s is lost and the call re-sent (409): the holder recognises its own write and keeps the lease', async (_, pathPart) => {
    const id = nextLeaseId();
    const lease = manager(conn, id, A);
    if (pathPart === '/_doc/') await lease.acquire();
    fixture.emu.setFaults({ rules: [{ method: 'PUT', path: `${pathPart}${id}`, action: 'lose-response', times: 1 }] });
    try {
      await (pathPart === '/_doc/' ? lease.renew() : lease.acquire());
    } finally {
      fixture.emu.clearFaults();
    }
    expect(lease.isHeld()).toBe(true);
    await lease.addIntent(intent('after-lost-answer'));
    const doc = (await getDocument<LeaseRecord>(conn, DEFAULT_LEASE_INDEX, id)) as { found: true; source: LeaseRecord };
    expect([doc.source.holderId, doc.source.intents.map((i) => i.token)]).toEqual(['host-a-101', ['after-lost-answer']]);
  });

  it('intents added while a write is in flight share the next CAS write (group commit), and all of them land', async () => {
    const id = nextLeaseId();
    const lease = manager(conn, id, A);
    await lease.acquire();
    fixture.emu.clearRequests();
    await Promise.all(Array.from({ length: 8 }, (_, i) => lease.addIntent(intent(`t${i}`))));
    expect(leasePuts(id).length).toBeLessThanOrEqual(2);
    expect(lease.heldIntents().map((i) => i.token).sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7']);
    fixture.emu.clearRequests();
    await Promise.all(['t0', 't1', 't2'].map((token) => lease.clearIntent(intent(token))));
    await lease.clearIntents([intent('t3'), intent('t4')]);
    const doc = (await getDocument<LeaseRecord>(conn, DEFAULT_LEASE_INDEX, id)) as { found: true; source: LeaseRecord };
    expect(doc.source.intents.map((i) => i.token).sort()).toEqual(['t5', 't6', 't7']);
    expect(leasePuts(id).length).toBeLessThanOrEqual(3);
  });

  it('ensureFresh renews only when less than the asked share of the term is left, by the holder\'s clock', async () => {
    const id = nextLeaseId();
    const clock = fakeClock();
    const lease = manager(conn, id, { ...A, clock });
    await lease.acquire();
    expect(lease.remainingMs()).toBe(DEFAULT_LEASE_DURATION_MS);
    fixture.emu.clearRequests();
    await lease.ensureFresh();
    expect(leasePuts(id)).toHaveLength(0);
    await clock.sleep(DEFAULT_LEASE_DURATION_MS / 2 + 1);
    expect(lease.remainingMs()).toBe(DEFAULT_LEASE_DURATION_MS / 2 - 1);
    await lease.ensureFresh();
    expect(leasePuts(id)).toHaveLength(1);
    expect(lease.remainingMs()).toBe(DEFAULT_LEASE_DURATION_MS);
    await clock.sleep(DEFAULT_LEASE_DURATION_MS * 2);
    expect(lease.remainingMs()).toBe(0);
  });
});
